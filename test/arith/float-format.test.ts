import { describe, expect, it } from 'vitest';
import { encodeFormat, formatArithmetic, formatCodesOf, formatMatMul, formatOperands } from '../../src/arith/float-format.js';
import { fpDecode, fpmulBatchModel, FP_PRESETS, type FpFormat } from '../../src/models/fpmul.js';
import { Rng } from '../../src/util/rng.js';

const NARROW: [string, FpFormat][] = [
  ['bfloat16', FP_PRESETS.bfloat16],
  ['binary16', FP_PRESETS.binary16],
];
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe.each(NARROW)('%s values in float numbers', (_name, f) => {
  const codes = 2 ** (1 + f.exp + f.frac);

  it('every code decodes to a value that rounds to itself and encodes back to the code (exhaustive)', () => {
    const fa = formatArithmetic(f, f.frac + 1);
    for (let c = 0; c < codes; c++) {
      const v = fpDecode(f, c);
      if (Number.isNaN(v)) continue;
      expect(same(fa.toFormat(v), v)).toBe(true);
      expect(encodeFormat(f, v)).toBe(c);
    }
  });

  it('rounds float32 values to nearest, ties to even, overflow to infinity, with gradual underflow (exhaustive midpoints)', () => {
    const fa = formatArithmetic(f, f.frac + 1);
    const half = 2 ** (f.exp + f.frac);
    for (let c = 0; c < half - 2 ** f.frac - 1; c++) {
      // positive finite codes c and c + 1 (the last finite code's successor is infinity)
      const lo = fpDecode(f, c);
      const hi = fpDecode(f, c + 1);
      const mid = (lo + hi) / 2;
      const even = c % 2 === 0 ? lo : hi;
      expect(fa.toFormat(mid), `${lo}..${hi}`).toBe(even);
      expect(fa.toFormat(-mid)).toBe(-even);
      const nearLo = lo + (hi - lo) / 4;
      if (Math.fround(nearLo) === nearLo) expect(fa.toFormat(nearLo)).toBe(lo);
    }
    const max = fpDecode(f, half - 2 ** f.frac - 1);
    const ulp = max - fpDecode(f, half - 2 ** f.frac - 2);
    expect(fa.toFormat(max + ulp / 4)).toBe(max);
    expect(fa.toFormat(max + ulp / 2)).toBe(Infinity); // the tie goes to the even side, past the largest finite
    expect(fa.toFormat(-(max + ulp))).toBe(-Infinity);
    expect(Object.is(fa.toFormat(-(2 ** -200)), -0)).toBe(true);
    // T keeps the sign of a zero, and of a value it truncates to zero (a subnormal below m bits' quantum)
    const t1 = formatArithmetic(f, 1);
    expect(Object.is(t1.mask(-0), -0)).toBe(true);
    const tiny = fpDecode(f, 1); // the smallest subnormal
    expect(Object.is(t1.mask(-tiny), -0)).toBe(true);
    expect(Object.is(encodeFormat(f, -0), 2 ** (f.exp + f.frac))).toBe(true);
    expect(encodeFormat(f, 0)).toBe(0);
  });

  it('round(T(a) T(b)) equals the fpmul model on seeded random codes at every m', () => {
    const rng = new Rng(f.exp * 100 + f.frac);
    const n = 20000;
    for (let m = 1; m <= f.frac + 1; m++) {
      const fa = formatArithmetic(f, m);
      const a = Uint32Array.from({ length: n }, () => rng.nextBits(1 + f.exp + f.frac));
      const b = Uint32Array.from({ length: n }, () => rng.nextBits(1 + f.exp + f.frac));
      const want = new Uint32Array(n);
      fpmulBatchModel({ ...f, rounding: 'rne', subnormals: 'full' }, m).evalBatch(a, b, n, want);
      for (let i = 0; i < n; i++) {
        const got = encodeFormat(f, fa.product(fa.mask(fpDecode(f, a[i]!)), fa.mask(fpDecode(f, b[i]!))));
        if (got !== want[i]) expect([m, a[i], b[i], got]).toEqual([m, a[i], b[i], want[i]]);
      }
    }
  });

  it('a layer product rounds every product to the format and sums in float32, in k order', () => {
    const fa = formatArithmetic(f, 5);
    const rng = new Rng(7);
    const [r, k, c] = [3, 9, 4];
    const x = Float32Array.from({ length: r * k }, (_, i) => (i % 4 === 0 ? 0 : (rng.nextU32() / 2 ** 32 - 0.5) * 6));
    const w = Float32Array.from({ length: k * c }, () => (rng.nextU32() / 2 ** 32 - 0.5) * 0.7);
    const tx = formatOperands(fa, x);
    const tw = formatOperands(fa, w);
    const y = formatMatMul(fa, tx, r, k, tw, c);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc = Math.fround(acc + fa.product(tx[i * k + t]!, tw[t * c + j]!));
        expect(y[i * c + j]).toBe(acc);
      }
    // zero times infinity is NaN on the unit, so a zero operand is not skipped then
    const inf = formatMatMul(fa, Float64Array.of(0, 1), 1, 2, Float64Array.of(Infinity, 1), 1);
    expect(Number.isNaN(inf[0])).toBe(true);
    // recorded float32 bit patterns become the format's codes
    const bits = new Uint32Array(Float32Array.of(1, -2.5, 1e-30).buffer);
    expect(Array.from(formatCodesOf(f, bits))).toEqual(
      [1, -2.5, 1e-30].map((v) => encodeFormat(f, formatArithmetic(f, f.frac + 1).toFormat(v))),
    );
  });
});

it('binary32 codes are the recorded bit patterns; any other format (here exp 5, frac 23) re-encodes them', () => {
  const bits = new Uint32Array(Float32Array.of(1, -2.5, 1e10).buffer);
  expect(formatCodesOf({ exp: 8, frac: 23 }, bits)).toBe(bits);
  const wide = formatCodesOf({ exp: 5, frac: 23 }, bits);
  expect(fpDecode({ exp: 5, frac: 23 }, wide[2]!)).toBe(Infinity);
  expect(fpDecode({ exp: 5, frac: 23 }, wide[1]!)).toBe(-2.5);
});
