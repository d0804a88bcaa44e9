import { maxAbs32 } from './fixed-point.js';
import { simdQuantiser, type OperandQuantisation } from './simd-quantise.js';

/** 1.5 * 2^52: (x + R) - R rounds a double to the nearest integer, ties to even (|x| < 2^51). */
const ROUND = 6755399441055744;

/**
 * Codes of float32 data at exponent e, clip(round_half_even(x / 2^e), qmin, qmax) (the rounding of
 * fixed-point.ts quantiseValue), or, with `t`, the transform of each code (without `t`, an identity
 * table gives the codes themselves, so there is one loop). This runs over every activation and weight
 * at every layer and step, so it is written for V8: values are first clamped in double to
 * [qmin - 0.5, qmax + 0.5] (so the int32 conversion cannot wrap, and NaN falls through to code 0), then
 * rounded, then clamped as integers. `out` (same length) is filled instead of a new array.
 */
export function quantise32(
  x: Float32Array,
  e: number,
  qmin: number,
  qmax: number,
  t: Float32Array = identityTable(qmin, qmax),
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const s = 2 ** -e;
  const lo = qmin - 0.5;
  const hi = qmax + 0.5;
  const n = x.length;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined and writes nowhere (typed arrays)
  for (let i = 0; i < n; i++) {
    let v = x[i]! * s;
    // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
    v = v < lo ? lo : v > hi ? hi : v;
    let r = (v + ROUND - ROUND) | 0;
    // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
    r = r < qmin ? qmin : r > qmax ? qmax : r;
    out[i] = t[r - qmin]!;
  }
  return out;
}

const identities = new Map<string, Float32Array>();
/** The table that maps every code to itself (index q - qmin). */
export function identityTable(qmin: number, qmax: number): Float32Array {
  const key = `${qmin}:${qmax}`;
  let t = identities.get(key);
  // Stryker disable next-line ConditionalExpression: a cache; rebuilding the identity table gives the same table
  if (!t) identities.set(key, (t = Float32Array.from({ length: qmax - qmin + 1 }, (_, i) => i + qmin)));
  return t;
}

/**
 * One operand of a layer: max |x| picks its exponent e (the callback may ignore it: frozen scales), then
 * every element becomes table(e)[code - qmin] (with the identity table, the codes themselves). WebAssembly
 * SIMD where it loads (simd-quantise.ts), else the JS loops; both compute the same bits.
 */
export function quantiseOperand(...operand: OperandQuantisation): { out: Float32Array; maxAbs: number; e: number } {
  const [x, exponent, qmin, qmax, table, out] = operand;
  const r = simdQuantiser()?.quantise(...operand);
  if (r) return { out, ...r };
  const maxAbs = maxAbs32(x);
  const e = exponent(maxAbs);
  return { out: quantise32(x, e, qmin, qmax, table(e), out), maxAbs, e };
}

const scaled = new WeakMap<Float32Array, Map<number, Float32Array>>();
/**
 * A per-operand table times 2^e (exact: a power of two; the tables are small integers). Kept per table and e, for
 * every layer's every batch asks again: the result is shared, and read only.
 */
export function scaleTable(t: Float32Array, e: number): Float32Array {
  let byExp = scaled.get(t);
  // Stryker disable next-line ConditionalExpression: a cache; a fresh one gives the same table
  if (!byExp) scaled.set(t, (byExp = new Map()));
  let out = byExp.get(e);
  // Stryker disable next-line ConditionalExpression: a cache; scaling again gives the same table
  if (!out) {
    const s = 2 ** e;
    byExp.set(e, (out = t.map((v) => v * s)));
  }
  return out;
}

/** T(q) for every code (a per-operand transform of the fast path, indexed by q - qmin). */
export function applyTransform(q: Float32Array, t: Float32Array, qmin: number): Float32Array {
  const out = new Float32Array(q.length);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
  for (let i = 0; i < q.length; i++) out[i] = t[(q[i]! - qmin) | 0]!;
  return out;
}
