import { describe, expect, it } from 'vitest';
import {
  canonicalNaN,
  clampMbits,
  fpDecode,
  fpDecoder,
  fpmulBatchModel,
  fpmulTransformCode,
  FP_PRESETS,
  type FpmulParams,
} from '../../src/models/fpmul.js';
import { fpmulReference } from '../../src/models/fpmul-reference.js';
import { fpmulUnit } from '../../src/gen/units/fpmul.js';
import { Rng } from '../../src/util/rng.js';

const b32 = (r: FpmulParams['rounding'] = 'rne', s: FpmulParams['subnormals'] = 'full'): FpmulParams => ({
  ...FP_PRESETS.binary32,
  rounding: r,
  subnormals: s,
});
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), u32[0]);
const valueOf = (code: number) => ((u32[0] = code), f32[0]);

function run(p: FpmulParams, mbits: number, a: number[], b: number[]): number[] {
  const out = new Uint32Array(a.length);
  fpmulBatchModel(p, mbits).evalBatch(Uint32Array.from(a), Uint32Array.from(b), a.length, out);
  return [...out];
}
const one = (p: FpmulParams, mbits: number, a: number, b: number) => run(p, mbits, [a], [b])[0];

describe('fpmul model: hand-checked binary32 values', () => {
  const p = b32();
  it('multiplies exactly representable products at full width', () => {
    expect(valueOf(one(p, 24, bitsOf(1.5), bitsOf(2.5)))).toBe(3.75);
    expect(valueOf(one(p, 24, bitsOf(-3), bitsOf(0.5)))).toBe(-1.5);
    expect(valueOf(one(p, 24, bitsOf(1.5), bitsOf(1.5)))).toBe(2.25); // renormalises
  });

  it('truncates each operand to mbits significand bits (hidden bit included)', () => {
    // 1.75 = 1.11b: with m = 2 it reads as 1.5; 1.75 * 1.75 -> 1.5 * 1.5 = 2.25
    expect(valueOf(one(p, 2, bitsOf(1.75), bitsOf(1.75)))).toBe(2.25);
    // m = 1 keeps only the hidden bit: every normal operand becomes a power of two
    expect(valueOf(one(p, 1, bitsOf(1.999), bitsOf(-3.5)))).toBe(-2);
    // mbits 0 acts as 1, mbits above 24 as 24
    expect(one(p, 0, bitsOf(1.999), bitsOf(3.5))).toBe(one(p, 1, bitsOf(1.999), bitsOf(3.5)));
    expect(one(p, 31, bitsOf(1.1), bitsOf(3.3))).toBe(one(p, 24, bitsOf(1.1), bitsOf(3.3)));
    expect(clampMbits(p, 0)).toBe(1);
    expect(clampMbits(p, 99)).toBe(24);
  });

  it('handles the special classes', () => {
    const qnan = canonicalNaN(p);
    expect(qnan).toBe(0x7fc00000);
    const inf = bitsOf(Infinity);
    expect(one(p, 24, inf, bitsOf(-2))).toBe(bitsOf(-Infinity));
    expect(one(p, 24, inf, bitsOf(0))).toBe(qnan); // inf * 0 is invalid
    expect(one(p, 24, bitsOf(-0), bitsOf(5))).toBe(bitsOf(-0));
    expect(one(p, 24, 0x7f800001, bitsOf(1))).toBe(qnan); // signalling NaN in, quiet canonical NaN out
    expect(one(p, 24, 0xffc12345, bitsOf(1))).toBe(qnan); // payload not propagated, sign cleared
    // A subnormal masked to zero by mbits is a zero: inf * it is invalid
    expect(one(p, 4, inf, 0x00000001)).toBe(qnan);
    // NaN with only low fraction bits stays NaN under any mbits (specials are never masked)
    expect(one(p, 1, 0x7f800001, bitsOf(1))).toBe(qnan);
  });

  it('overflows to inf (rne) or to the largest finite (trunc)', () => {
    const big = bitsOf(2 ** 100);
    expect(one(p, 24, big, big)).toBe(bitsOf(Infinity));
    expect(one(b32('trunc'), 24, big, big)).toBe(0x7f7fffff);
    expect(one(b32('trunc'), 24, big, big | 0x80000000)).toBe(0xff7fffff);
  });

  it('underflows gradually (full) or flushes (ftz)', () => {
    const tiny = bitsOf(2 ** -70);
    expect(valueOf(one(p, 24, tiny, bitsOf(2 ** -70)))).toBe(2 ** -140); // subnormal result
    expect(one(b32('rne', 'ftz'), 24, tiny, tiny)).toBe(0);
    // subnormal input reads as zero under ftz, with its sign
    expect(one(b32('rne', 'ftz'), 24, 0x80000001, bitsOf(2 ** 100))).toBe(0x80000000);
    expect(valueOf(one(p, 24, 0x00000001, bitsOf(2 ** 100)))).toBe(2 ** -49);
    // ftz keeps a product that rounds up to the smallest normal (tininess after rounding):
    // (2 - 2^-22) 2^-63 * (1 + 2^-23) 2^-64 = (2 - 2^-45) 2^-127, which rne rounds to 2^-126
    const x = bitsOf((2 - 2 ** -22) * 2 ** -63);
    const y = bitsOf((1 + 2 ** -23) * 2 ** -64);
    expect(valueOf(one(b32('rne', 'ftz'), 24, x, y))).toBe(2 ** -126);
    expect(one(b32('trunc', 'ftz'), 24, x, y)).toBe(0);
    expect(valueOf(one(b32('trunc', 'full'), 24, x, y))).toBe(2 ** -126 - 2 ** -149); // largest subnormal
  });
});

describe('fpmul model at full width equals IEEE-754 multiplication', () => {
  it('binary32, rne, gradual underflow: Math.fround(a * b) on 20 million random pairs', () => {
    const n = 1 << 20;
    const model = fpmulBatchModel(b32(), 24);
    const rng = new Rng(7);
    const a = new Uint32Array(n);
    const b = new Uint32Array(n);
    const out = new Uint32Array(n);
    const fa = new Float32Array(a.buffer);
    const fb = new Float32Array(b.buffer);
    const fo = new Float32Array(out.buffer);
    let bad = 0;
    let compared = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < n; i++) {
        a[i] = rng.nextBits(32);
        // Half the pairs near 1.0 so that most products are normal, not over/underflowing.
        b[i] =
          round % 2 === 0
            ? rng.nextBits(32)
            : (a[i] & 0x807fffff) | (((127 - ((a[i] >>> 23) & 0xff) + 127 + (rng.nextBits(3) - 4)) & 0xff) << 23);
      }
      model.evalBatch(a, b, n, out);
      for (let i = 0; i < n; i++) {
        const ref = Math.fround(fa[i] * fb[i]);
        compared++;
        if (Number.isNaN(ref)) {
          if (out[i] !== 0x7fc00000) bad++;
        } else if (fo[i] !== ref || (ref === 0 && 1 / fo[i] !== 1 / ref)) bad++;
      }
    }
    expect(compared).toBe(20 * n);
    expect(bad).toBe(0);
  });

  it('binary32 trunc differs from rne only as roundTowardZero: |trunc| <= |exact| < |trunc| + 1 ulp', () => {
    const rng = new Rng(11);
    const n = 200_000;
    const a = Array.from({ length: n }, () => rng.nextBits(32));
    const b = a.map((x) => ((x & 0x807fffff) | (((254 - ((x >>> 23) & 0xff) + (rng.nextBits(4) - 8)) & 0xff) << 23)) >>> 0);
    const t = run(b32('trunc'), 24, a, b);
    const r = run(b32('rne'), 24, a, b);
    let differ = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const exact = valueOf(a[i]) * valueOf(b[i]); // exact in binary64
      if (!Number.isFinite(exact)) continue;
      const tv = valueOf(t[i]);
      if (t[i] !== r[i]) {
        differ++;
        // rne rounded away from zero by exactly one code; trunc kept the smaller magnitude
        if (!(Math.abs(tv) < Math.abs(valueOf(r[i]))) || (r[i] & 0x7fffffff) - (t[i] & 0x7fffffff) !== 1) bad++;
      }
      if (!(Math.abs(tv) <= Math.abs(exact))) bad++;
    }
    expect(bad).toBe(0);
    expect(differ).toBeGreaterThan(n / 4); // about half of inexact products round up under rne
  });
});

describe('fpmul batch model equals the BigInt reference (independent statement of the spec)', () => {
  const formats: FpmulParams[] = [
    b32('rne', 'full'),
    b32('trunc', 'ftz'),
    { ...FP_PRESETS.bfloat16, rounding: 'rne', subnormals: 'ftz' },
    { ...FP_PRESETS.binary16, rounding: 'trunc', subnormals: 'full' },
    { exp: 11, frac: 20, rounding: 'rne', subnormals: 'full' },
    { exp: 3, frac: 25, rounding: 'rne', subnormals: 'ftz' },
    // The binary32 fast path is chosen by all four of exp 8, frac 23, rne and full: formats that share
    // some of them must take the generic path.
    { ...FP_PRESETS.bfloat16, rounding: 'rne', subnormals: 'full' },
    { exp: 7, frac: 23, rounding: 'rne', subnormals: 'full' },
  ];
  it.each(formats.map((f) => [JSON.stringify(f), f] as const))('%s: corners and random pairs under every mbits', (_l, f) => {
    const params = { ...f, pipeline: 0 };
    const corners = fpmulUnit.extraCorners!(params);
    const rng = new Rng(3);
    const w = 1 + f.exp + f.frac;
    const a: number[] = [];
    const b: number[] = [];
    for (const x of corners) {
      for (let j = 0; j < 40; j++) {
        a.push(x);
        b.push(corners[rng.nextBits(16) % corners.length]);
      }
    }
    for (let i = 0; i < 4000; i++) {
      a.push(rng.nextBits(w));
      b.push(rng.nextBits(w));
    }
    for (let m = 0; m <= f.frac + 2; m++) {
      const got = run(f, m, a, b);
      for (let i = 0; i < a.length; i++) {
        if (got[i] !== fpmulReference(f, m, a[i], b[i]))
          expect({ m, a: a[i], b: b[i], got: got[i] }).toEqual({ m, a: a[i], b: b[i], got: fpmulReference(f, m, a[i], b[i]) });
      }
    }
  });
});

describe('fpmul per-operand transform', () => {
  it('binary32: y = fround(T(a) * T(b)) for every mbits (the training fast path)', () => {
    const rng = new Rng(5);
    const p = b32();
    const bad: object[] = [];
    for (let m = 1; m <= 24; m++) {
      const t = fpmulUnit.transform!({ ...p, pipeline: 0 }, { mbits: m });
      const a = Array.from({ length: 5000 }, () => rng.nextBits(32));
      const b = a.map((x) => ((x & 0x807fffff) | (((254 - ((x >>> 23) & 0xff) + (rng.nextBits(4) - 8)) & 0xff) << 23)) >>> 0);
      const got = run(p, m, a, b);
      for (let i = 0; i < a.length; i++) {
        const ref = Math.fround(t(a[i]) * t(b[i]));
        if (Number.isNaN(ref) ? got[i] !== 0x7fc00000 : !Object.is(valueOf(got[i]), ref)) bad.push({ m, a: a[i], b: b[i] });
      }
    }
    expect(bad).toEqual([]);
  });

  it('is a mask on the code: idempotent, and the identity at full width', () => {
    const p = b32();
    const rng = new Rng(9);
    for (let m = 1; m <= 24; m++) {
      const t = fpmulTransformCode(p, m);
      let bad = 0;
      for (let i = 0; i < 1000; i++) {
        const c = rng.nextBits(32);
        if (t(t(c)) !== t(c) || (m === 24 && t(c) !== c)) bad++;
        // NaN stays NaN, infinities stay, finite stays finite with the same sign
        const v = fpDecode(p, c);
        const tv = fpDecode(p, t(c));
        if (
          Number.isNaN(v) !== Number.isNaN(tv) ||
          (!Number.isNaN(v) && (Math.sign(1 / v) !== Math.sign(1 / tv) || Math.abs(tv) > Math.abs(v)))
        )
          bad++;
      }
      expect(bad).toBe(0);
    }
  });
});

describe('fpmul code values and subnormal results, by hand (binary16: bias 15, smallest subnormal 2^-24)', () => {
  const h = { ...FP_PRESETS.binary16 };
  it('fpDecode reads signs, zeros, subnormals, normals, infinities and NaN', () => {
    expect(fpDecode(h, 0x3c00)).toBe(1);
    expect(fpDecode(h, 0xbc00)).toBe(-1);
    expect(fpDecode(h, 0xc500)).toBe(-5);
    expect(fpDecode(h, 0x0001)).toBe(2 ** -24);
    expect(fpDecode(h, 0x8001)).toBe(-(2 ** -24));
    expect(Object.is(fpDecode(h, 0x8000), -0)).toBe(true);
    expect(fpDecode(h, 0x7c00)).toBe(Infinity);
    expect(fpDecode(h, 0xfc00)).toBe(-Infinity);
    expect(fpDecode(h, 0x7e00)).toBeNaN();
  });

  it("fpDecoder (the metrics' decoder) gives fpDecode's value, -0 and NaN included: every code of small formats, sampled wide ones", () => {
    /** Codes on which `decode` and fpDecode differ (Object.is: -0 is not 0, NaN is NaN). */
    const differing = (f: { exp: number; frac: number }, decode: (c: number) => number, codes: Iterable<number>) =>
      [...codes].filter((c) => !Object.is(decode(c), fpDecode(f, c)));
    const all = (f: { exp: number; frac: number }) => Array.from({ length: 2 ** (1 + f.exp + f.frac) }, (_, c) => c);
    for (const f of [{ exp: 4, frac: 3 }, { exp: 2, frac: 1 }, FP_PRESETS.binary16, FP_PRESETS.bfloat16])
      expect(differing(f, fpDecoder(f), all(f)), `e${f.exp} f${f.frac}`).toEqual([]);
    const rng = new Rng(5);
    for (const f of [FP_PRESETS.binary32, { exp: 11, frac: 20 }, { exp: 3, frac: 25 }]) {
      const width = 1 + f.exp + f.frac;
      const codes = Array.from({ length: 100_000 }, () => (rng.nextU32() * 2 ** (width - 32 > 0 ? width - 32 : 0)) % 2 ** width);
      // and the edges: zeros, the smallest subnormals and normals, the largest finite, infinities, NaNs
      const u = 2 ** f.frac;
      const top = 2 ** (f.exp + f.frac);
      for (const c of [0, 1, u - 1, u, (2 ** f.exp - 1) * u - 1, (2 ** f.exp - 1) * u, (2 ** f.exp - 1) * u + 1]) codes.push(c, top + c);
      expect(differing(f, fpDecoder(f), codes), `e${f.exp} f${f.frac}`).toEqual([]);
    }
    // The check can fail: subnormals read at 2^(0 - bias - frac) instead of 2^(1 - bias - frac)
    const wrong = (c: number) => (c % 1024 !== 0 && c % 0x8000 < 1024 ? fpDecode(h, c) / 2 : fpDecode(h, c));
    expect(differing(h, wrong, all(h)).length).toBe(2 * 1023);
  });

  it('the reference and the model produce subnormal results with gradual underflow, rounding ties to even', () => {
    const p: FpmulParams = { ...h, rounding: 'rne', subnormals: 'full' };
    const cases: [number, number, number][] = [
      [0x0001, 0x3c00, 0x0001], // 2^-24 x 1
      [0x8001, 0x3c00, 0x8001], // the sign
      [0x0200, 0x3800, 0x0100], // 2^-15 x 0.5 = 2^-16
      [0x0001, 0x3800, 0x0000], // 2^-25: a tie between 0 and 2^-24, to even (0)
      [0x0003, 0x3800, 0x0002], // 1.5 x 2^-24: a tie between 1 and 2, to even (2)
      [0x0400, 0x3800, 0x0200], // the smallest normal halved: a subnormal
    ];
    for (const [a, b, y] of cases) {
      expect(fpmulReference(p, 11, a, b), `${a.toString(16)} x ${b.toString(16)}`).toBe(y);
      expect(one(p, 11, a, b), `${a.toString(16)} x ${b.toString(16)}`).toBe(y);
    }
  });
});
