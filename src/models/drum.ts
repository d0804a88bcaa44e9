import { mask32, toSigned } from '../util/bits.js';
import { mul32x32, shl64, neg64, mask64, u64 } from '../util/u64.js';
import type { BatchModel, ResultWords } from './operator.js';
import { sm, splitSignMagnitude } from './sign-magnitude.js';

/**
 * DRUM (Hashemi et al., ICCAD 2015), the specification of the generated RTL.
 *
 * Unsigned N-bit core, parameter k (2 <= k <= N). Per operand x with leading one at position t:
 *   t < k  -> x' = x, s = 0
 *   t >= k -> s = t - k + 1, x' = (x >> s) | 1   (the forced 1 is the unbiasing bit)
 * product = (a' * b') << (s_a + s_b). Hence DRUM(a, b) = T(a) * T(b) with T(x) = x' << s.
 *
 * Signed units are sign-magnitude around the unsigned core: |a| and |b| go through DRUM and the
 * product is negated when the signs differ. The most negative code -2^(N-1) has magnitude 2^(N-1),
 * which the N-bit unsigned core represents exactly, so it is approximated like any other magnitude
 * (no saturation, no special case). The result is 2N bits wide (two's complement when signed).
 */
export interface DrumParams {
  width: number;
  k: number;
  signed: boolean;
}

/** Mantissa x' of an unsigned magnitude (as a number < 2^32). */
export function drumMantissa(x: number, k: number): number {
  // Stryker disable next-line ConditionalExpression: clz32(0) = 32 gives t = -1 < k, which returns x = 0 as well
  if (x === 0) return 0;
  const t = 31 - Math.clz32(x);
  if (t < k) return x;
  const s = t - k + 1;
  return ((x >>> s) | 1) >>> 0;
}

/** Shift s of an unsigned magnitude. */
export function drumShift(x: number, k: number): number {
  // Stryker disable next-line ConditionalExpression: clz32(0) = 32 gives t = -1 < k, so the shift is 0 as well
  if (x === 0) return 0;
  const t = 31 - Math.clz32(x);
  return t < k ? 0 : t - k + 1;
}

/**
 * The per-operand transform T on an operand *code*: returns the value (signed when the unit is)
 * that the exact multiplier sees, so DRUM(a, b) = T(a) * T(b) exactly.
 */
export function drumTransform(p: DrumParams): (code: number) => number {
  return (code: number) => {
    const v = p.signed ? toSigned(code, p.width) : code;
    const m = Math.abs(v);
    const t = drumMantissa(m, p.k) * 2 ** drumShift(m, p.k);
    // Stryker disable next-line EqualityOperator: for v = 0, t = 0 and -0 multiplies to the same products
    return v < 0 ? -t : t;
  };
}

/** Reference model on BigInt values (slow, obviously-correct form for tests and single queries). */
export function drumReference(p: DrumParams, aCode: bigint, bCode: bigint): bigint {
  const val = (c: bigint) => (p.signed ? BigInt.asIntN(p.width, c) : c);
  const approx = (x: bigint): bigint => {
    // Stryker disable next-line EqualityOperator: -0n is 0n
    const m = x < 0n ? -x : x;
    // Stryker disable next-line ConditionalExpression: 0n has t = 0 < k, which returns x = 0n as well
    if (m === 0n) return 0n;
    const t = m.toString(2).length - 1;
    if (t < p.k) return x;
    const s = BigInt(t - p.k + 1);
    const t2 = ((m >> s) | 1n) << s;
    // Stryker disable next-line EqualityOperator: x = 0 returned above
    return x < 0n ? -t2 : t2;
  };
  const prod = approx(val(aCode)) * approx(val(bCode));
  return BigInt.asUintN(2 * p.width, prod);
}

/** Fast batch model: typed arrays in and out, no allocation per pair. */
export function drumBatchModel(p: DrumParams): BatchModel {
  const { width: n, k, signed } = p;
  const yBits = 2 * n;
  const half = 2 ** (n - 1);
  const full = 2 ** n;
  if (yBits <= 32) {
    const yMask = mask32(yBits);
    // Stryker disable next-line ConditionalExpression: a 32-bit mask stores the same word into the Uint32Array
    const exactWord = yBits === 32; // typed-array store already wraps mod 2^32
    // The operand stage of DRUM (sign split, leading-one detection, truncation, unbiasing bit) depends on
    // one operand only, so for N <= 16 it is evaluated once per operand code into tables; each pair then
    // costs two lookups, a k x k product and a shift, as in the hardware. 2^s also comes from a table
    // (`2 ** s` per pair is a Math.pow call).
    const codes = 2 ** n;
    const mant = new Float64Array(codes);
    const shift = new Uint8Array(codes);
    const negative = new Uint8Array(codes);
    // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
    for (let c = 0; c < codes; c++) {
      let m = c;
      if (signed && c >= half) {
        m = full - c;
        negative[c] = 1;
      }
      mant[c] = drumMantissa(m, k);
      shift[c] = drumShift(m, k);
    }
    // Stryker disable next-line ArithmeticOperator: shifts add up to at most 2(n - k) <= 2n - 4 (k >= 2), inside either length
    const pow2 = new Float64Array(2 * n + 1).map((_, s) => 2 ** s);
    return {
      evalBatch(a: Uint32Array, b: Uint32Array, count: number, out: ResultWords) {
        // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read count results)
        for (let i = 0; i < count; i++) {
          const x = a[i];
          const y = b[i];
          // mant[x] * mant[y] < 2^(2k) and the shifted product < 2^32: exact in a double.
          let prod = mant[x] * mant[y] * pow2[shift[x] + shift[y]];
          if (negative[x] !== negative[y]) prod = -prod;
          out[i] = exactWord ? prod : prod & yMask;
        }
      },
      // The same products a row at a time: the row's operand stage is looked up once, the column counts up.
      evalRange(bWidth: number, start: number, count: number, out: ResultWords) {
        const cols = 2 ** bWidth;
        let x = Math.floor(start / cols);
        let y = start - x * cols;
        for (let i = 0; i < count; x++, y = 0) {
          const mx = mant[x];
          const sx = shift[x];
          const nx = negative[x];
          const end = Math.min(count, i + cols - y);
          for (; i < end; i++, y++) {
            let prod = mx * mant[y] * pow2[sx + shift[y]];
            if (nx !== negative[y]) prod = -prod;
            out[i] = exactWord ? prod : prod & yMask;
          }
        }
      },
    };
  }
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, count: number, out: ResultWords) {
      // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read count results)
      for (let i = 0; i < count; i++) {
        splitSignMagnitude(a[i], b[i], signed, half, full);
        let ma = sm.ma;
        let mb = sm.mb;
        const neg = sm.neg;
        const ta = 31 - Math.clz32(ma);
        const tb = 31 - Math.clz32(mb);
        let sa = 0;
        let sb = 0;
        if (ta >= k) {
          sa = ta - k + 1;
          ma = ((ma >>> sa) | 1) >>> 0;
        }
        if (tb >= k) {
          sb = tb - k + 1;
          mb = ((mb >>> sb) | 1) >>> 0;
        }
        mul32x32(ma, mb);
        shl64(sa + sb);
        if (neg) neg64();
        mask64(yBits);
        out[2 * i] = u64.lo;
        out[2 * i + 1] = u64.hi;
      }
    },
  };
}
