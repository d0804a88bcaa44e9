import { describe, expect, it } from 'vitest';
import { drumBatchModel, drumMantissa, drumReference, drumShift, drumTransform } from '../../src/models/drum.js';
import { exactMulBatchModel, exactMulReference } from '../../src/models/exact-mul.js';
import { Rng } from '../../src/util/rng.js';
import { byteWidth } from '../../src/util/bits.js';
import { resultCodeAt, resultView } from '../../src/models/operator.js';
import { fillRange } from '../../src/cosim/vectors.js';

/** Run a batch model on explicit pairs and return the result codes as BigInts. */
function runBatch(model: ReturnType<typeof drumBatchModel>, yBits: number, pairs: [number, number][]): bigint[] {
  const n = pairs.length;
  const a = Uint32Array.from(pairs.map((p) => p[0]));
  const b = Uint32Array.from(pairs.map((p) => p[1]));
  const bytes = byteWidth(yBits);
  const buf = Buffer.alloc(n * bytes);
  const view = resultView(buf, bytes, n);
  model.evalBatch(a, b, n, view);
  return Array.from({ length: n }, (_, i) => resultCodeAt(view, bytes, i));
}

describe('DRUM model (hand-computed values)', () => {
  it('keeps operands whose leading one is below k', () => {
    expect(drumMantissa(0b1011, 4)).toBe(0b1011); // t = 3 < 4
    expect(drumShift(0b1011, 4)).toBe(0);
    expect(drumMantissa(0, 4)).toBe(0);
  });

  it('truncates to k bits and forces the unbiasing bit', () => {
    // 100 = 0b1100100, t = 6, k = 4: s = 3, x >> 3 = 0b1100, | 1 = 0b1101 = 13, T = 104
    expect(drumMantissa(100, 4)).toBe(13);
    expect(drumShift(100, 4)).toBe(3);
    // 0b10000000 (128), k = 4: s = 4, 0b1000 | 1 = 9, T = 144 (the unbiasing bit adds 16)
    expect(drumTransform({ width: 8, k: 4, signed: false })(128)).toBe(144);
    // 0b11111111 (255), k = 4: s = 4, 0b1111 | 1 = 15, T = 240
    expect(drumTransform({ width: 8, k: 4, signed: false })(255)).toBe(240);
  });

  it('computes products from the transformed operands', () => {
    const p = { width: 8, k: 4, signed: false };
    expect(drumReference(p, 100n, 100n)).toBe(104n * 104n); // 10816, exact 10000
    expect(drumReference(p, 255n, 255n)).toBe(240n * 240n);
    expect(drumReference(p, 7n, 9n)).toBe(63n); // both below 2^k: exact
    expect(
      runBatch(drumBatchModel(p), 16, [
        [100, 100],
        [255, 255],
        [7, 9],
        [0, 200],
      ]),
    ).toEqual([10816n, 57600n, 63n, 0n]);
  });

  it('is sign-magnitude for signed operands, including the most negative code', () => {
    const p = { width: 8, k: 4, signed: true };
    const T = drumTransform(p);
    expect(T(0x80)).toBe(-144); // -128 -> magnitude 128 -> 144
    expect(T(0xff)).toBe(-1);
    expect(T(127)).toBe(120); // 0b1111111: s = 3, 0b1111 | 1 = 15 -> 120
    // -128 * 127 -> -144 * 120 = -17280, as a 16-bit code
    expect(runBatch(drumBatchModel(p), 16, [[0x80, 127]])).toEqual([BigInt.asUintN(16, -17280n)]);
    expect(runBatch(drumBatchModel(p), 16, [[0x80, 0x80]])).toEqual([144n * 144n]);
  });

  it('k = N is the exact multiplier', () => {
    for (const signed of [false, true]) {
      const d = drumBatchModel({ width: 8, k: 8, signed });
      const e = exactMulBatchModel({ width: 8, signed });
      const pairs: [number, number][] = [];
      for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) pairs.push([a, b]);
      expect(runBatch(d, 16, pairs)).toEqual(runBatch(e, 16, pairs));
    }
  });

  it('factors as T(a) * T(b) for every 8-bit pair', () => {
    for (const p of [
      { width: 8, k: 3, signed: false },
      { width: 8, k: 5, signed: true },
    ]) {
      const T = drumTransform(p);
      const pairs: [number, number][] = [];
      for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) pairs.push([a, b]);
      const got = runBatch(drumBatchModel(p), 16, pairs);
      pairs.forEach(([a, b], i) => {
        if (got[i] !== BigInt.asUintN(16, BigInt(T(a) * T(b)))) throw new Error(`T factorisation fails at ${a}, ${b}`);
      });
    }
  });
});

describe('batch models agree with the BigInt reference', () => {
  const configs = [
    { width: 12, k: 5, signed: true },
    { width: 16, k: 6, signed: false },
    { width: 16, k: 16, signed: true },
    { width: 17, k: 7, signed: true },
    { width: 24, k: 12, signed: false },
    { width: 32, k: 8, signed: true },
    { width: 32, k: 32, signed: false },
    { width: 32, k: 31, signed: true },
  ];
  for (const p of configs) {
    it(`drum ${JSON.stringify(p)}: random + extreme pairs`, () => {
      const rng = new Rng(7);
      const max = 2 ** p.width - 1;
      const pairs: [number, number][] = [
        [max, max],
        [0, max],
        [2 ** (p.width - 1), 2 ** (p.width - 1)],
        [1, max],
        [2 ** (p.width - 1) - 1, max],
      ];
      for (let i = 0; i < 20000; i++) pairs.push([rng.nextBits(p.width), rng.nextBits(p.width)]);
      const got = runBatch(drumBatchModel(p), 2 * p.width, pairs);
      const want = pairs.map(([a, b]) => drumReference(p, BigInt(a), BigInt(b)));
      expect(got).toEqual(want);
      const gotE = runBatch(exactMulBatchModel(p), 2 * p.width, pairs);
      expect(gotE).toEqual(pairs.map(([a, b]) => exactMulReference(p, BigInt(a), BigInt(b))));
    });
  }
});

describe('evalRange: a sweep of the pair space row by row gives what evalBatch gives on fillRange operands', () => {
  for (const p of [
    { width: 4, k: 2, signed: false },
    { width: 6, k: 3, signed: true },
    { width: 12, k: 6, signed: true },
    { width: 16, k: 6, signed: false }, // 32-bit results: the unmasked store
  ]) {
    it(`drum ${JSON.stringify(p)}: ranges starting mid-row, crossing rows, spanning several, and at the end`, () => {
      const model = drumBatchModel(p);
      expect(model.evalRange).toBeDefined();
      const cols = 2 ** p.width;
      const space = cols * cols;
      const rng = new Rng(3);
      const ranges: [number, number][] = [
        [0, 1],
        [0, Math.min(space, 3 * cols + 5)],
        [cols - 1, 2],
        [space - 7, 7],
      ];
      for (let i = 0; i < 20; i++) {
        const start = Math.floor((rng.nextU32() / 2 ** 32) * (space - 1));
        ranges.push([start, 1 + Math.min(space - start - 1, rng.nextU32() % (3 * cols))]);
      }
      const bytes = byteWidth(2 * p.width);
      for (const [start, n] of ranges) {
        const a = new Uint32Array(n);
        const b = new Uint32Array(n);
        fillRange(p.width, start, a, b, n);
        const want = Buffer.alloc(n * bytes);
        model.evalBatch(a, b, n, resultView(want, bytes, n));
        const got = Buffer.alloc(n * bytes);
        model.evalRange!(p.width, start, n, resultView(got, bytes, n));
        expect(got.equals(want), `start ${start}, n ${n}`).toBe(true);
      }
    });
  }
});

describe('signed DRUM result range', () => {
  it('fits every k >= 3 product of the most negative code in 2N signed bits', () => {
    for (let n = 3; n <= 16; n++) {
      for (let k = 3; k <= n; k++) {
        const T = drumTransform({ width: n, k, signed: true });
        const worst = T(2 ** (n - 1)) ** 2; // (-2^(n-1))^2 after approximation
        expect(worst).toBeLessThanOrEqual(2 ** (2 * n - 1) - 1);
      }
    }
  });
});
