import { describe, expect, it } from 'vitest';
import { besselJ, lnGamma } from '../../../src/data/axbench/bessel.js';
import { blackScholes, erf, normalCdf } from '../../../src/data/axbench/blackscholes.js';
import { fftRadix2, twiddle } from '../../../src/data/axbench/fft.js';
import { forwardKinematics, inverseKinematics } from '../../../src/data/axbench/inversek2j.js';
import { DCT8, dct8x8, jpegOn, jpegQuantisedDct, LUMINANCE_Q50 } from '../../../src/data/axbench/jpeg.js';
import { rgbDistance } from '../../../src/data/axbench/kmeans.js';
import { sobelMagnitude, sobelOn } from '../../../src/data/axbench/sobel.js';
import { sampleErrors, uniform } from '../../../src/data/axbench/function.js';
import { getTargetFunction, TARGET_FUNCTIONS } from '../../../src/data/axbench/index.js';
import type { GreyImages } from '../../../src/data/axbench/images.js';
import { Rng } from '../../../src/util/rng.js';

const rand = (seed: number) => {
  const r = new Rng(seed);
  return () => r.nextU32() / 2 ** 32;
};

/** A small image set with content everywhere (the image kernels' tests need no data set). */
const synthetic = (): GreyImages => {
  const r = rand(9);
  return { name: 'synthetic', n: 20, h: 12, w: 12, pixels: Float32Array.from({ length: 20 * 144 }, () => (r() < 0.3 ? 0 : r())) };
};

describe('fft twiddle kernel', () => {
  it('is exp(-2 pi i f) at known points', () => {
    expect(twiddle(0)).toEqual([1, -0]);
    const [c, s] = twiddle(0.25);
    expect(c).toBeCloseTo(0, 15);
    expect(s).toBeCloseTo(-1, 15);
  });

  it('drives a radix-2 FFT that equals the DFT (and a wrong factor does not)', () => {
    const n = 32;
    const r = rand(1);
    const x = Array.from({ length: n }, () => [r() - 0.5, r() - 0.5] as const);
    const re = Float64Array.from(x, (v) => v[0]);
    const im = Float64Array.from(x, (v) => v[1]);
    fftRadix2(re, im);
    for (let k = 0; k < n; k++) {
      let [sr, si] = [0, 0];
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += x[t]![0] * Math.cos(a) - x[t]![1] * Math.sin(a);
        si += x[t]![0] * Math.sin(a) + x[t]![1] * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 12);
      expect(im[k]).toBeCloseTo(si, 12);
    }
    const re2 = Float64Array.from(x, (v) => v[0]);
    const im2 = Float64Array.from(x, (v) => v[1]);
    fftRadix2(re2, im2, (f) => twiddle(f + 0.01));
    expect(Math.max(...re2.map((v, i) => Math.abs(v - re[i]!)))).toBeGreaterThan(1e-3);
    expect(() => fftRadix2(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
  });
});

describe('bessel', () => {
  it('ln Gamma at integers and halves', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lnGamma(10.5)).toBeCloseTo(Math.log(1133278.3889487856), 12);
  });

  it('J_nu(x) at tabulated values, its first zero and the closed form of J_1/2', () => {
    expect(besselJ(0, 1)).toBeCloseTo(0.7651976865579666, 14);
    expect(besselJ(1, 1)).toBeCloseTo(0.44005058574493355, 14);
    expect(besselJ(2, 5)).toBeCloseTo(0.04656511627775222, 13);
    expect(besselJ(0, 10)).toBeCloseTo(-0.2459357644513483, 12);
    expect(Math.abs(besselJ(0, 2.404825557695773))).toBeLessThan(1e-13);
    expect(besselJ(0, 0)).toBe(1);
    expect(besselJ(2, 0)).toBe(0);
    for (const x of [0.3, 2, 7.5, 10]) expect(besselJ(0.5, x)).toBeCloseTo(Math.sqrt(2 / (Math.PI * x)) * Math.sin(x), 12);
  });

  it('satisfies the recurrence J_(nu-1) + J_(nu+1) = (2 nu / x) J_nu', () => {
    for (const [nu, x] of [
      [1.3, 2.2],
      [2.7, 8.1],
      [3, 9.9],
    ] as const)
      expect(besselJ(nu - 1, x) + besselJ(nu + 1, x)).toBeCloseTo(((2 * nu) / x) * besselJ(nu, x), 12);
  });
});

describe('blackscholes', () => {
  it('erf and the normal CDF at known values', () => {
    expect(erf(0)).toBe(0);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(erf(7)).toBe(1);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it('prices the textbook option (S = K = 100, r = 5%, sigma = 20%, T = 1)', () => {
    expect(blackScholes(100, 100, 0.05, 0.2, 1, false)).toBeCloseTo(10.450583572185565, 10);
    expect(blackScholes(100, 100, 0.05, 0.2, 1, true)).toBeCloseTo(5.573526022256971, 10);
    // Hull's example (S = 42, K = 40, r = 10%, sigma = 20%, half a year): c = 4.76, p = 0.81
    expect(blackScholes(42, 40, 0.1, 0.2, 0.5, false)).toBeCloseTo(4.7594, 4);
    expect(blackScholes(42, 40, 0.1, 0.2, 0.5, true)).toBeCloseTo(0.8086, 4);
  });

  it('satisfies put-call parity C - P = S - K exp(-rT) on random options', () => {
    const r = rand(2);
    for (let i = 0; i < 200; i++) {
      const [s, k, rate, vol, t] = [10 + 90 * r(), 10 + 90 * r(), 0.01 + 0.09 * r(), 0.05 + 0.6 * r(), 0.05 + 0.95 * r()];
      expect(blackScholes(s, k, rate, vol, t, false) - blackScholes(s, k, rate, vol, t, true)).toBeCloseTo(s - k * Math.exp(-rate * t), 10);
    }
  });
});

describe('inversek2j', () => {
  it('round-trips through forward kinematics both ways', () => {
    const r = rand(3);
    for (let i = 0; i < 500; i++) {
      const [t1, t2] = [r() * Math.PI * 0.5, 0.01 + r() * (Math.PI - 0.02)];
      const [x, y] = forwardKinematics(t1, t2);
      const [u1, u2] = inverseKinematics(x, y);
      expect(u1).toBeCloseTo(t1, 9);
      expect(u2).toBeCloseTo(t2, 9);
      const [x2, y2] = forwardKinematics(u1, u2);
      expect(x2).toBeCloseTo(x, 12);
      expect(y2).toBeCloseTo(y, 12);
    }
  });
});

describe('jpeg', () => {
  it('the DCT matrix is orthonormal and the 2-D transform is invertible', () => {
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++) {
        let s = 0;
        for (let k = 0; k < 8; k++) s += DCT8[i * 8 + k]! * DCT8[j * 8 + k]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 14);
      }
    const r = rand(4);
    const b = Float64Array.from({ length: 64 }, () => 255 * r());
    const back = dct8x8(dct8x8(b), true);
    for (let i = 0; i < 64; i++) expect(back[i]).toBeCloseTo(b[i]!, 10);
    // Parseval: an orthonormal transform keeps the energy.
    const e = (v: Float64Array) => v.reduce((a, x) => a + x * x, 0);
    expect(e(dct8x8(b))).toBeCloseTo(e(b), 6);
  });

  it('a flat block has only its DC term: 8 (p - 128) / 16, rounded', () => {
    const q = jpegQuantisedDct(new Float64Array(64).fill(200));
    expect(q[0]).toBe(Math.round((8 * 72) / LUMINANCE_Q50[0]!));
    expect([...q.subarray(1)].every((v) => v === 0)).toBe(true);
    expect(jpegQuantisedDct(new Float64Array(64).fill(128)).every((v) => v === 0)).toBe(true);
  });

  it('a horizontal cosine block puts its energy in one coefficient', () => {
    const block = Float64Array.from({ length: 64 }, (_, i) => 128 + 100 * DCT8[1 * 8 + (i % 8)]! * Math.sqrt(8));
    const q = jpegQuantisedDct(block);
    expect(q[1]).toBe(Math.round((100 * Math.sqrt(8) * Math.sqrt(8)) / LUMINANCE_Q50[1]!));
    expect([...q].filter((v, i) => i !== 1 && v !== 0)).toEqual([]);
  });
});

describe('kmeans and sobel', () => {
  it('rgb distance is a metric', () => {
    expect(rgbDistance([0.2, 0.3, 0.4], [0.2, 0.3, 0.4])).toBe(0);
    expect(rgbDistance([0, 0, 0], [1, 1, 1])).toBeCloseTo(Math.sqrt(3), 15);
    expect(rgbDistance([0.1, 0.9, 0.5], [0.7, 0.2, 0.3])).toBe(rgbDistance([0.7, 0.2, 0.3], [0.1, 0.9, 0.5]));
  });

  it('sobel is zero on constant patches, sees both gradient directions, clamps at 1', () => {
    for (const c of [0, 0.3, 1]) expect(sobelMagnitude(new Array(9).fill(c))).toBe(0);
    expect(sobelMagnitude([0, 0, 0.1, 0, 0, 0.1, 0, 0, 0.1])).toBeCloseTo(0.4, 15); // left-right ramp
    expect(sobelMagnitude([0, 0, 0, 0, 0, 0, 0.1, 0.1, 0.1])).toBeCloseTo(0.4, 15); // top-bottom ramp
    expect(sobelMagnitude([0, 0, 1, 0, 0, 1, 0, 0, 1])).toBe(1);
  });
});

describe('the generators', () => {
  const fns = [...TARGET_FUNCTIONS.filter((f) => f.name !== 'jpeg' && f.name !== 'sobel'), jpegOn(synthetic), sobelOn(synthetic)];

  it.each(fns.map((f) => [f.name, f] as const))('%s: seeded, finite, inputs on [0, 1], outputs as scaled', (_, f) => {
    const a = f.generate(300, 5);
    const b = f.generate(300, 5);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(f.generate(300, 6).x).not.toEqual(a.x);
    expect(a.x.length).toBe(300 * f.inputs);
    expect(a.y.length).toBe(300 * f.outputs);
    expect(a.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.y.every((v) => Number.isFinite(v) && v >= -0.01 && v <= 1.01)).toBe(true);
    // Every input spans most of its scaled domain (a generator drawing from a fraction of it would not;
    // inversek2j's y starts at 1/3: the arm's angles keep it above 0).
    for (let j = 0; j < f.inputs; j++) {
      const col = Array.from({ length: 300 }, (_, i) => a.x[i * f.inputs + j]!);
      expect(Math.max(...col), `input ${j}`).toBeGreaterThan(0.8);
      expect(Math.min(...col), `input ${j}`).toBeLessThan(0.4);
    }
    // The outputs vary: a constant target would make every approximator trivially safe.
    expect(Math.max(...a.y) - Math.min(...a.y)).toBeGreaterThan(0.05);
  });

  it('samples recompute from their scaled inputs', () => {
    const s = sobelOn(synthetic).generate(50, 1);
    for (let i = 0; i < 50; i++) expect(s.y[i]).toBeCloseTo(sobelMagnitude(s.x.subarray(i * 9, i * 9 + 9)), 6);
    const j = jpegOn(synthetic).generate(20, 1);
    for (let i = 0; i < 20; i++) {
      const q = jpegQuantisedDct(Float64Array.from(j.x.subarray(i * 64, i * 64 + 64), (p) => Math.round(p * 255)));
      expect(Array.from(j.y.subarray(i * 64, i * 64 + 64))).toEqual(Array.from(q, (v) => Math.fround(v / 256 + 0.5)));
    }
    const k = getTargetFunction('inversek2j').generate(100, 2);
    for (let i = 0; i < 100; i++) {
      const [x, y] = forwardKinematics((k.y[2 * i]! * Math.PI) / 2, (k.y[2 * i + 1]! * Math.PI) / 2);
      expect((x + 0.5) / 1.5).toBeCloseTo(k.x[2 * i]!, 5);
      expect((y + 0.5) / 1.5).toBeCloseTo(k.x[2 * i + 1]!, 5);
    }
  });

  it('bessel, blackscholes and inversek2j samples recompute from their scaled inputs over their whole domains', () => {
    const b = getTargetFunction('bessel').generate(300, 3);
    for (let i = 0; i < 300; i++) expect(b.y[i]).toBeCloseTo((besselJ(4 * b.x[2 * i]!, 10 * b.x[2 * i + 1]!) + 0.5) / 1.5, 5);
    const s = getTargetFunction('blackscholes').generate(300, 3);
    const put = Array.from({ length: 300 }, (_, i) => s.x[6 * i + 5]);
    expect(new Set(put)).toEqual(new Set([0, 1]));
    for (let i = 0; i < 300; i++) {
      const v = (j: number, lo: number, hi: number) => lo + s.x[6 * i + j]! * (hi - lo);
      expect(s.y[i]).toBeCloseTo(
        blackScholes(v(0, 10, 100), v(1, 10, 100), v(2, 0.01, 0.1), v(3, 0.05, 0.65), v(4, 0.05, 1), put[i] === 1) / 100,
        5,
      );
    }
    const k = getTargetFunction('inversek2j').generate(300, 3);
    // the angles span their domain [0, pi/2] (scaled to [0, 1])
    expect(Math.max(...k.y.filter((_, i) => i % 2 === 0))).toBeGreaterThan(0.9);
    expect(Math.max(...k.y.filter((_, i) => i % 2 === 1))).toBeGreaterThan(0.9);
  });

  it('uniform draws take 53 random bits, high part first', () => {
    const [a, b] = [new Rng(11), new Rng(11)];
    for (let i = 0; i < 100; i++) {
      const hi = b.nextBits(26);
      const lo = b.nextBits(27);
      expect(uniform(a)).toBe((hi * 2 ** 27 + lo) / 2 ** 53);
    }
  });

  it.each(['fft', 'bessel', 'blackscholes', 'jpeg', 'inversek2j', 'kmeans', 'sobel'])(
    '%s states its kernel, domain, scaling and a two-layer baseline',
    (name) => {
      // built here, not at collection: the image kernels' metadata is part of what is tested
      const f = name === 'jpeg' ? jpegOn(synthetic) : name === 'sobel' ? sobelOn(synthetic) : getTargetFunction(name);
      expect(f.name).toBe(name);
      for (const t of [f.doc, f.inputRanges, f.outputScaling]) expect(t.length).toBeGreaterThan(10);
      expect(f.approximatorHidden).toHaveLength(2);
      expect(f.predictorHidden).toBeGreaterThan(0);
      expect(f.errorBound).toBeGreaterThan(0);
    },
  );

  it('image blocks skip the empty background', () => {
    const blank: GreyImages = { name: 'blank', n: 2, h: 8, w: 8, pixels: new Float32Array(128) };
    expect(() => sobelOn(() => blank).generate(1, 1)).toThrow(/no block with a non-zero pixel/);
    expect(() => jpegOn(() => ({ ...blank, h: 4, w: 4 })).generate(1, 1)).toThrow(/smaller than a 8 x 8 block/);
  });

  it('per-sample error is the mean absolute difference of a row', () => {
    expect(Array.from(sampleErrors(Float32Array.from([0, 1, 0.5, 0.5]), Float32Array.from([0.5, 1, 0, 0]), 2))).toEqual([0.25, 0.5]);
  });

  it('names resolve, and an unknown one says which exist', () => {
    expect(TARGET_FUNCTIONS.map((f) => f.name)).toEqual(['fft', 'bessel', 'blackscholes', 'jpeg', 'inversek2j', 'kmeans', 'sobel']);
    expect(() => getTargetFunction('fir')).toThrow(
      expect.objectContaining({ message: "Unknown target function 'fir'.", fix: expect.stringMatching(/^Functions: fft, bessel/) }),
    );
  });
});
