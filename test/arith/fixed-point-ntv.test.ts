import { describe, expect, it } from 'vitest';
import { quantiseValue, roundHalfEven, scaleExponent } from '../../src/arith/fixed-point.js';
import { flipWeightBits, ntvRate } from '../../src/arith/ntv.js';
import { Rng } from '../../src/util/rng.js';
import { quantise32, quantiseOperand } from '../../src/arith/quantise.js';
import { simdQuantiser, simdQuantiserStatus } from '../../src/arith/simd-quantise.js';
import { maskFloats, maskFloatsJs } from '../../src/multipliers/float-multiplier.js';
import { maxAbs32 as maxAbsJs, scaleExponent as scaleExp } from '../../src/arith/fixed-point.js';
import { AxhwError } from '../../src/errors.js';

describe('dynamic fixed point', () => {
  it('picks the smallest power-of-two scale at which the largest magnitude fits', () => {
    expect(scaleExponent(127, 127)).toBe(0);
    expect(scaleExponent(127.01, 127)).toBe(1);
    expect(scaleExponent(1, 127)).toBe(-6); // 1 / 2^-6 = 64 <= 127, 1 / 2^-7 = 128 > 127
    expect(scaleExponent(2 ** -20 * 127, 127)).toBe(-20);
    expect(scaleExponent(0, 127)).toBe(0);
    // One ulp above qmax * 2^k: Math.log2 rounds to k, but the magnitude needs k + 1 (the fix-up loop).
    for (const [qmax, k] of [
      [127, 3],
      [1, -30],
      [2047, 10],
      [7, 0],
    ] as const) {
      expect(scaleExponent(qmax * 2 ** k, qmax), `${qmax} 2^${k}`).toBe(k);
      expect(scaleExponent(qmax * 2 ** k * (1 + 2 ** -52), qmax), `${qmax} 2^${k} + ulp`).toBe(k + 1);
    }
    for (let i = 0; i < 1000; i++) {
      const m = Math.exp((i - 500) / 40);
      const e = scaleExponent(m, 127);
      expect(m / 2 ** e).toBeLessThanOrEqual(127);
      expect(m / 2 ** (e - 1)).toBeGreaterThan(127);
    }
  });
  it('rounds half to even and saturates', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, -3]);
    expect(quantiseValue(1000, 0, -128, 127)).toBe(127);
    expect(quantiseValue(-1000, 0, -128, 127)).toBe(-128);
    expect(quantiseValue(0.375, -3, -128, 127)).toBe(3);
  });

  it('the fast float32 quantiser equals quantiseValue, ties and out-of-int32 magnitudes included', () => {
    const rng = new Rng(4);
    const xs = Float32Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? (i % 2 ? 1 : -1) * (i / 14 + 0.5) * 2 ** -3 : ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2 ** ((rng.nextU32() % 80) - 40),
    );
    xs.set([3e38, -3e38, 2 ** 31, -(2 ** 31), 2 ** 40, 0.0625, -0.1875, 15.9375, -16.0625, 16.0625], 0);
    for (const [e, lo, hi] of [
      [-3, -128, 127],
      [2, -255, 255],
      [-20, -2048, 2047],
    ] as const) {
      const got = quantise32(xs, e, lo, hi);
      const t = Float32Array.from({ length: hi - lo + 1 }, (_, i) => 3 * (i + lo));
      const viaT = quantise32(xs, e, lo, hi, t);
      const into = new Float32Array(xs.length).fill(NaN);
      expect(quantise32(xs, e, lo, hi, t, into)).toBe(into);
      expect(into).toEqual(viaT);
      xs.forEach((v, i) => {
        const q = quantiseValue(v, e, lo, hi);
        expect(got[i]! + 0).toBe(q + 0); // -0 and +0 are the same code
        expect(viaT[i]! + 0).toBe(3 * q + 0);
      });
    }
  });
});

describe('NTV weight storage', () => {
  it('maps the paper voltages to flip rates and rejects unknown ones', () => {
    expect(ntvRate({ voltageMv: 400 })).toBe(0.1);
    expect(ntvRate({ voltageMv: 660 })).toBe(0.01);
    expect(ntvRate({ voltageMv: 850 })).toBe(0.001);
    expect(() => ntvRate({ voltageMv: 500 })).toThrow(AxhwError);
    expect(() => ntvRate({ rate: 0.1, voltageMv: 400 })).toThrow(AxhwError);
    expect(() => ntvRate({ rate: 2 })).toThrow(AxhwError);
    const said = (o: { rate?: number; voltageMv?: number }) => {
      try {
        return `rate ${ntvRate(o)}`;
      } catch (e) {
        return `${(e as AxhwError).message} | ${(e as AxhwError).fix ?? ''}`;
      }
    };
    expect(said({ voltageMv: 500 })).toBe('No bit-flip rate is known for 500 mV. | Use 400, 660, 850 mV, or set the rate with --ntv-rate.');
    expect(said({ rate: 0.1, voltageMv: 400 })).toBe(
      'Give the NTV bit-flip rate or the voltage, not both. | Use --ntv-rate <p> or --ntv-voltage <mV> alone.',
    );
    expect(said({ rate: -0.01 })).toBe(
      'NTV bit-flip rate -0.01 is outside 0..0.5. | Give --ntv-rate a probability from 0 to 0.5 (e.g. ' +
        '0.01), or --ntv-voltage 400, 660 or 850.',
    );
    expect(said({ rate: 0.51 })).toMatch(/is outside 0..0.5/);
    // The ends of the range, and nothing at all, are fine.
    expect([said({ rate: 0 }), said({ rate: 0.5 }), said({})]).toEqual(['rate 0', 'rate 0.5', 'rate undefined']);
  });

  it('flips exactly the positions its geometric skips select (a stubbed generator)', () => {
    // A generator that always returns 0: u = 1 / (2^32 + 1), so at rate 1/2 every skip is
    // 1 + floor(ln(u) / ln(1/2)) = 33 positions: bits 32 and 65 of 10 signed 8-bit codes (80 bits).
    const zero = { nextU32: () => 0 } as unknown as Rng;
    const q = new Float32Array(10);
    expect(flipWeightBits(q, 8, true, 0.5, zero)).toBe(2);
    expect(Array.from(q)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 2, 0]); // code 4 bit 0, code 8 bit 1
  });

  it("at rate 1 flips every stored bit: two's complement q -> -q - 1; sign-magnitude flips magnitude and sign", () => {
    const signed = Float32Array.from({ length: 16 }, (_, i) => i - 8);
    expect(flipWeightBits(signed, 4, true, 1, new Rng(1))).toBe(16 * 4);
    expect(Array.from(signed)).toEqual(Array.from({ length: 16 }, (_, i) => -(i - 8) - 1));
    // Unsigned 4-bit storage (sign + 4 magnitude bits): q >= 0 -> -(15 ^ |q|); q < 0 -> +(15 ^ |q|).
    const values = [0, 5, -3, 15, -15];
    const sm = Float32Array.from(values);
    expect(flipWeightBits(sm, 4, false, 1, new Rng(1))).toBe(values.length * 5);
    expect(Array.from(sm)).toEqual(values.map((v) => (v >= 0 ? -1 : 1) * (15 ^ Math.abs(v))));
  });

  it('at rate 0 flips nothing', () => {
    const q = Float32Array.of(3, -4, 7);
    expect(flipWeightBits(q, 8, true, 0, new Rng(1))).toBe(0);
    expect(Array.from(q)).toEqual([3, -4, 7]);
  });

  it.each([
    [8, true, 0.1],
    [8, true, 0.01],
    [8, false, 0.1],
    [4, true, 0.3],
  ])('flips each stored bit independently at the rate (width %i, signed %s, p %f)', (width, signed, p) => {
    const n = 100_000;
    const qmax = signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
    const qmin = signed ? -(2 ** (width - 1)) : -qmax;
    const rng = new Rng(3);
    const q = Float32Array.from({ length: n }, () => qmin + (rng.nextU32() % (qmax - qmin + 1)));
    const before = q.slice();
    const flips = flipWeightBits(q, width, signed, p, new Rng(7));
    const bitsPer = signed ? width : width + 1;
    const perBit = new Array(bitsPer).fill(0);
    let changed = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const enc = (v: number) => (signed ? (v < 0 ? v + 2 ** width : v) : Math.abs(v) + (v < 0 ? 2 ** width : 0));
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, q[i]!);
      hi = Math.max(hi, q[i]!);
      const diff = enc(before[i]!) ^ enc(q[i]!);
      for (let b = 0; b < bitsPer; b++) if (diff & (1 << b)) perBit[b]++;
      if (q[i] !== before[i]) changed++;
    }
    expect(lo).toBeGreaterThanOrEqual(qmin);
    expect(hi).toBeLessThanOrEqual(qmax);
    // Every visible bit position flips at p: 4 sigma per bit (binomial, n trials; about 13% of the mean at
    // p = 1%), and over all visible bits together (about 4.5% at p = 1%, 8 bits), so a wrong rate fails.
    // The draws are seeded, so this is a fixed outcome, not a flaky one.
    const sigma = (trials: number) => 4 * Math.sqrt(trials * p * (1 - p));
    // Unsigned storage: the flipped sign of a zero magnitude cannot be seen, so only magnitude bits count.
    const visible = width;
    for (let b = 0; b < visible; b++) expect(Math.abs(perBit[b] - n * p), `bit ${b}`).toBeLessThan(sigma(n));
    const total = perBit.slice(0, visible).reduce((x, y) => x + y, 0);
    expect(Math.abs(total - n * visible * p)).toBeLessThan(sigma(n * visible));
    expect(flips).toBeGreaterThanOrEqual(changed);
    // seeded: the same draw twice
    const again = before.slice();
    flipWeightBits(again, width, signed, p, new Rng(7));
    expect(again).toEqual(q);
  });

  it('the WebAssembly SIMD quantiser computes the same bits as the JS loops (ties, saturation, NaN, infinities, tails)', () => {
    // npm test builds dist/wasm/quantise.wasm first; without it training silently runs the JS loops.
    expect(simdQuantiserStatus()).toBe('WebAssembly SIMD');
    const simd = simdQuantiser()!;
    const rng = new Rng(8);
    for (const n of [1, 3, 4, 7, 1000, 4099]) {
      const xs = Float32Array.from({ length: n }, (_, i) =>
        i % 5 === 0 ? (i - n / 2) / 2 ** ((i % 3) + 1) : ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2 ** ((rng.nextU32() % 30) - 15),
      );
      if (n > 10) xs.set([NaN, Infinity, -Infinity, -0, 3e38, -3e38, 1e-40], 3);
      for (const [lo, hi, fixed] of [
        [-128, 127, undefined],
        [-255, 255, -4],
        [-2048, 2047, 3],
      ] as const) {
        const t = Float32Array.from({ length: hi - lo + 1 }, (_, i) => 3 * (i + lo) + 0.5);
        const exponent = (mx: number) => fixed ?? scaleExp(mx, hi);
        const out = new Float32Array(n);
        const r = simd.quantise(xs, exponent, lo, hi, () => t, out)!;
        expect(r.maxAbs).toBe(Math.fround(maxAbsJs(xs)));
        const want = quantise32(xs, r.e, lo, hi, t);
        expect(Array.from(out)).toEqual(Array.from(want));
        expect(quantiseOperand(xs, exponent, lo, hi, () => t, new Float32Array(n)).out).toEqual(want);
      }
    }
    // Code ranges beyond its 8192-entry table: it declines (the JS loop runs), and the result is the same.
    const wide = Float32Array.from({ length: 2000 }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * 3);
    const wt = Float32Array.from({ length: 20001 }, (_, i) => i - 10000);
    // a fixed exponent and table: what the SIMD quantiser and quantiseOperand each give
    const simdAt = (x: Float32Array, e: number, lo: number, hi: number, t: Float32Array) =>
      simd.quantise(
        x,
        () => e,
        lo,
        hi,
        () => t,
        new Float32Array(x.length),
      );
    const operandAt = (x: Float32Array, e: number, lo: number, hi: number, t: (e: number) => Float32Array) =>
      quantiseOperand(x, () => e, lo, hi, t, new Float32Array(x.length)).out;
    expect(simdAt(wide, -12, -10000, 10000, wt)).toBeUndefined();
    expect(simdAt(wide, -10, -4096, 4095, wt.subarray(5904, 5904 + 8192))).toBeDefined(); // 8192 codes: the most it holds
    expect(simdAt(wide, -10, -4096, 4096, wt.subarray(5904, 5904 + 8193))).toBeUndefined(); // one more: declined
    expect(operandAt(wide, -12, -10000, 10000, () => wt)).toEqual(quantise32(wide, -12, -10000, 10000, wt));
    // Outside its range (|e| > 100) it declines and the JS loop runs.
    expect(simdAt(Float32Array.of(1), 120, -128, 127, new Float32Array(256))).toBeUndefined();
    const scaled = (e: number) => Float32Array.from({ length: 256 }, (_, i) => (i - 128) * 2 ** e);
    expect(operandAt(Float32Array.of(2 ** 121), 120, -128, 127, scaled)[0]).toBe(2 ** 121);
  });

  it("the SIMD significand mask is fpmul's JS mask bit for bit (specials, subnormals, tails)", () => {
    const rng = new Rng(12);
    for (const n of [1, 2, 3, 5, 4096, 4099, 10000]) {
      const bits = Uint32Array.from({ length: n }, () => rng.nextU32());
      if (n >= 6) bits.set([0x7f800000, 0xff800000, 0x7fc00001, 0x00000001, 0x807fffff, 0], 0);
      const x = new Float32Array(bits.buffer);
      for (const mask of [0xffffffff, 0xfffe0000, 0xff800000, 0xffffc000]) {
        const want = new Uint32Array(maskFloatsJs(x, mask).buffer);
        expect(Array.from(new Uint32Array(simdQuantiser()!.mask(x, mask, new Float32Array(n)).buffer))).toEqual(Array.from(want));
        expect(Array.from(new Uint32Array(maskFloats(x, mask).buffer))).toEqual(Array.from(want));
      }
    }
  });
});
