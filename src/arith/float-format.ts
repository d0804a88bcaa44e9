import { canonicalNaN, fpBias, sigWidth, type FpFormat } from '../models/fpmul.js';

/**
 * Values of a narrow float format (bfloat16, binary16: rne, gradual underflow) held in float32 / binary64
 * numbers, for training layers on an fpmul of that format. The fpmul computes round(T(a) T(b)): operands
 * in the format, each keeping its top m significand bits (truncation), the exact product rounded once to
 * the format. Here the product of two m <= P-bit significands is exact in binary64 and is rounded to the
 * format with the add-and-subtract trick ((x + c) - c rounds x to a multiple of c / 2^52 / 1.5, ties to
 * even), so a layer's products are the RTL's (proved on the Verilated unit before use, see float-multiplier.ts).
 */
export interface FormatArithmetic {
  format: FpFormat;
  mbits: number;
  /** A float32 value rounded to the format (rne; overflow to infinity; gradual underflow). */
  toFormat(v: number): number;
  /** T: a format value keeping its top m significand bits (toward zero). */
  mask(v: number): number;
  /** round(a b) to the format, for format values a, b. */
  product(a: number, b: number): number;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** floor(log2 |v|) of a finite non-zero binary64 value (exponent field; subnormal binary64 never occurs here). */
function exponentOf(v: number): number {
  F64[0] = v;
  return ((U32[1]! >>> 20) & 0x7ff) - 1023;
}

export function formatArithmetic(format: FpFormat, mbits: number): FormatArithmetic {
  const P = sigWidth(format);
  const emin = 1 - fpBias(format);
  const emax = fpBias(format);
  const maxFinite = (2 - 2 ** (1 - P)) * 2 ** emax;
  // Rounding constants by quantum exponent: (x + c) - c rounds x to a multiple of 2^q, ties to even.
  const C = new Map<number, number>();
  const roundConst = (q: number) => C.get(q) ?? C.set(q, 1.5 * 2 ** (q + 52)).get(q)!;
  const round = (v: number) => {
    if (v === 0 || !Number.isFinite(v)) return v;
    const q = Math.max(exponentOf(v), emin) - P + 1;
    const c = roundConst(q);
    const r = v + c - c;
    if (r > maxFinite) return Infinity;
    if (r < -maxFinite) return -Infinity;
    // Stryker disable next-line EqualityOperator: v is not 0 here
    return r === 0 && v < 0 ? -0 : r;
  };
  const m = Math.min(Math.max(mbits, 1), P);
  return {
    format,
    mbits: m,
    toFormat: round,
    mask(v) {
      if (!Number.isFinite(v)) return v;
      const quantum = 2 ** (Math.max(exponentOf(v), emin) - m + 1);
      // Math.trunc keeps the sign of a zero result (and of a zero v)
      return Math.trunc(v / quantum) * quantum;
    },
    product: (a, b) => round(a * b),
  };
}

/**
 * y = x W on the format's fpmul, row-major x (r x k) and W (k x c) already in the format and masked:
 * every product rounded to the format, the sum accumulated in float32 in k order.
 */
export function formatMatMul(f: FormatArithmetic, x: Float64Array, r: number, k: number, w: Float64Array, c: number): Float32Array {
  const out = new Float32Array(r * c);
  const col = new Float64Array(k);
  for (let j = 0; j < c; j++) {
    // Stryker disable next-line EqualityOperator: one past the column writes nowhere (typed arrays)
    for (let t = 0; t < k; t++) col[t] = w[t * c + j]!;
    // Stryker disable next-line EqualityOperator: one row past the end writes nowhere
    for (let i = 0; i < r; i++) {
      let acc = 0;
      const base = i * k;
      for (let t = 0; t < k; t++) {
        const xv = x[base + t]!;
        // A zero product adds nothing (ReLU zeros are common): a speed-up only.
        // Stryker disable next-line ConditionalExpression: skipping or adding a zero product gives the same sum
        if (xv === 0 && Number.isFinite(col[t]!)) continue;
        acc = Math.fround(acc + f.product(xv, col[t]!));
      }
      out[i * c + j] = acc;
    }
  }
  return out;
}

/** The operands of a layer product as the format's fpmul sees them: rounded to the format, then T. */
export function formatOperands(f: FormatArithmetic, v: Float32Array): Float64Array {
  const out = new Float64Array(v.length);
  // Stryker disable next-line EqualityOperator: one past the end writes nowhere
  for (let i = 0; i < v.length; i++) out[i] = f.mask(f.toFormat(v[i]!));
  return out;
}

/** The code of a value of the format (NaN as the canonical quiet NaN). */
export function encodeFormat(f: FpFormat, v: number): number {
  const P = sigWidth(f);
  const fracUnit = 2 ** f.frac;
  const expAll = 2 ** f.exp - 1;
  const sign = v < 0 || Object.is(v, -0) ? 2 ** (f.exp + f.frac) : 0;
  if (Number.isNaN(v)) return canonicalNaN(f);
  const a = Math.abs(v);
  if (a === Infinity) return sign + expAll * fracUnit;
  // Zero takes the subnormal branch (its exponent field reads as far below emin).
  const e = exponentOf(a);
  const emin = 1 - fpBias(f);
  // Stryker disable next-line EqualityOperator: at emin both branches give exponent field 1 and the same fraction
  if (e < emin) return sign + a / 2 ** (emin - P + 1);
  return sign + (e + fpBias(f)) * fracUnit + (a / 2 ** (e - P + 1) - fracUnit);
}

/** Recorded float32 bit patterns as the codes a format's fpmul sees (each value rounded to the format); binary32 as is. */
export function formatCodesOf(f: FpFormat, bits: Uint32Array): Uint32Array {
  if (f.exp === 8 && f.frac === 23) return bits;
  const fa = formatArithmetic(f, sigWidth(f));
  const v = new Float32Array(bits.buffer, bits.byteOffset, bits.length);
  return Uint32Array.from(v, (x) => encodeFormat(f, fa.toFormat(x)));
}
