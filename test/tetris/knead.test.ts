import { describe, expect, it } from 'vitest';
import { addZeroBits, popcount, zeroBits } from '../../src/tetris/bits.js';
import {
  groupWords,
  kneadColumn,
  kneadedWordsOfMatrix,
  kneadGroup,
  sacDot,
  sacSegments,
  weightColumn,
  type KneadedGroup,
} from '../../src/tetris/knead.js';
import { Rng } from '../../src/util/rng.js';
import { analyzeNetwork } from '../../src/tetris/analyze.js';
import type { QuantisedNetwork } from '../../src/ir/quantised-network.js';

describe('zero bits of stored weights', () => {
  // 0, 1, -1, 127, -128, 5 in 8-bit words, counted by hand.
  const codes = [0, 1, -1, 127, -128, 5];
  it("two's complement: -1 is all ones, -128 one one", () => {
    expect(zeroBits(codes, 8, 'twos-complement')).toEqual({
      weights: 6,
      nonZeroWeights: 5,
      bits: 48,
      zeroBits: 8 + 7 + 0 + 1 + 7 + 6,
      nonZeroBits: 40,
      zeroBitsInNonZero: 7 + 0 + 1 + 7 + 6,
    });
  });
  it('sign-magnitude: a sign bit and the magnitude; -128 needs a ninth bit and is counted with it', () => {
    expect(zeroBits(codes, 8, 'sign-magnitude')).toEqual({
      weights: 6,
      nonZeroWeights: 5,
      bits: 49,
      zeroBits: 8 + 7 + 6 + 1 + 7 + 6,
      nonZeroBits: 41,
      zeroBitsInNonZero: 7 + 6 + 1 + 7 + 6,
    });
  });
  it('adds up over parts, and refuses a code that does not fit the word', () => {
    const a = zeroBits(codes.slice(0, 3), 8, 'twos-complement');
    const b = zeroBits(codes.slice(3), 8, 'twos-complement');
    expect(addZeroBits([a, b])).toEqual(zeroBits(codes, 8, 'twos-complement'));
    expect(() => zeroBits([200], 8, 'twos-complement')).toThrow(/does not fit/);
    expect(() => zeroBits([128], 8, 'twos-complement')).toThrow(/weight code 128 does not fit a 8-bit word/);
    expect(zeroBits([127, -128], 8, 'twos-complement').bits).toBe(16);
    expect(() => zeroBits([-129], 8, 'sign-magnitude')).toThrow(/does not fit/);
    expect([0, 1, 2, 3, 255, 256].map(popcount)).toEqual([0, 1, 1, 2, 8, 1]);
  });
});

describe('weight kneading', () => {
  it('packs each bit position of the magnitudes into as many words as its busiest lane', () => {
    // 3 = 0b011, -1 = 0b001, 4 = 0b100: lane 0 holds weights 0 and 1, lane 1 weight 0, lane 2 weight 2.
    expect(kneadGroup([3, -1, 4, 0], 4)).toEqual([
      [{ index: 0, negative: false }, { index: 0, negative: false }, { index: 2, negative: false }, null],
      [{ index: 1, negative: true }, null, null, null],
    ]);
    expect(groupWords([3, -1, 4, 0], 4)).toBe(2);
    expect(kneadGroup([0, 0, 0], 4)).toEqual([]);
    expect(() => kneadGroup([16], 4)).toThrow(/no 4-bit magnitude/);
    expect(() => groupWords([3, -16], 4)).toThrow(/weight -16 has no 4-bit magnitude/);
    expect(() => groupWords([1.5], 4)).toThrow(/weight 1.5 has no 4-bit magnitude/);
    expect(groupWords([15, -15], 4)).toBe(2);
  });

  it('split-and-accumulate = multiply-accumulate on seeded random groups: negative weights, -2^(N-1), ragged last groups', () => {
    const rng = new Rng(11);
    const below = (n: number) => rng.nextU32() % n;
    for (let trial = 0; trial < 400; trial++) {
      const n = 2 + below(11);
      const fanIn = 1 + below(70);
      const group = [2, 4, 8, 16, 3][below(5)]!;
      // weights: often 0 or at the ends of the range, else uniform
      const w = Array.from({ length: fanIn }, () => [0, -(2 ** (n - 1)), 2 ** (n - 1) - 1][below(6)] ?? below(2 ** n) - 2 ** (n - 1));
      const a = Array.from({ length: fanIn }, () => below(2 ** n) - 2 ** (n - 1));
      const groups = kneadColumn(w, group, n);
      expect(sacDot(groups, a, group, n)).toBe(w.reduce((s, v, i) => s + v * a[i]!, 0));
      // the words a column costs are its groups' busiest lanes
      expect(groups.reduce((s, g) => s + g.words.length, 0)).toBe(kneadedWordsOfMatrix(w, fanIn, 1, group, n));
      // every one bit of every magnitude is placed once
      const placed = groups.reduce((s, g) => s + g.words.reduce((t, word) => t + word.filter((e) => e).length, 0), 0);
      expect(placed).toBe(w.reduce((s, v) => s + popcount(Math.abs(v)), 0));
    }
  });

  it('a kneaded word that loses a sign or points at the wrong activation gives a different sum (the check can fail)', () => {
    const w = [5, -3, 7, -8];
    const a = [3, -2, 1, 4];
    const groups = kneadColumn(w, 4, 4);
    const exact = w.reduce((s, v, i) => s + v * a[i]!, 0);
    expect(sacDot(groups, a, 4, 4)).toBe(exact);
    const flipSign: KneadedGroup[] = structuredClone(groups);
    const e = flipSign[0]!.words[0]!.find((x) => x)!;
    e.negative = !e.negative;
    expect(sacDot(flipSign, a, 4, 4)).not.toBe(exact);
    const moved: KneadedGroup[] = structuredClone(groups);
    const m = moved[0]!.words[0]!.find((x) => x && x.index === 0)!;
    m.index = 2;
    expect(sacDot(moved, a, 4, 4)).not.toBe(exact);
  });

  it('reads columns of a row-major (fan-in x outputs) matrix and skips groups with no one bit', () => {
    const codes = [1, 0, 2, 0, 0, 0, 0, 0, 3, -4]; // 5 x 2
    expect(Array.from(weightColumn(codes, 5, 2, 1))).toEqual([0, 0, 0, 0, -4]);
    const groups = kneadColumn(weightColumn(codes, 5, 2, 1), 2, 4);
    expect(groups.map((g) => g.group)).toEqual([2]);
    expect(sacSegments(groups, [9, 9, 9, 9, 5], 2, 4)).toEqual([0, 0, -5, 0]);
    expect(kneadedWordsOfMatrix(codes, 5, 2, 2, 4)).toBe(1 + 0 + 1 + (0 + 0 + 1)); // column 0: {1, 2}, {0, 0}, {3}; column 1: only {-4}
  });
});

describe('Tetris analysis of a network', () => {
  it('counts zero bits, essential bits and MAC vs SAC work cycles per layer and in all (by hand)', () => {
    const q = {
      layers: [
        // rows [1, -2], [0, 3], [4, 0]: column 0 = {1, 0} {4}: 2 words; column 1 = {-2, 3} {0}: 2 words
        { index: 0, kind: 'dense', fanIn: 3, outputs: 2, outShape: [2], weightCodes: Float32Array.from([1, -2, 0, 3, 4, 0]) },
        // 7 = 0b111 alone in its group: 1 word, used at 2 x 2 output pixels
        { index: 2, kind: 'conv2d', fanIn: 2, outputs: 1, outShape: [2, 2, 1], weightCodes: Float32Array.from([7, 0]) },
      ],
    } as unknown as QuantisedNetwork;
    const a = analyzeNetwork(q, { n: 4, signed: true, yWidth: 8, accBits: 16 }, [2]);
    expect(a.wordBits).toBe(4);
    expect(a.layers.map((l) => [l.rowsPerInference, l.essentialBits, l.macCycles, l.kneading[0]!.words, l.kneading[0]!.sacCycles])).toEqual(
      [
        [1, 5, 6, 4, 4],
        [4, 3, 8, 1, 4],
      ],
    );
    expect(a.total.macCycles).toBe(14);
    expect(a.total.kneading[0]!.speedup).toBe(14 / 8);
    expect(a.total.zeroValueSpeedup).toBe(14 / (4 + 4 * 1));
    expect(a.total.idealSpeedup).toBe(14 / ((5 + 4 * 3) / 4));
    expect(a.total.zeroBits['twos-complement']).toEqual(
      addZeroBits([zeroBits([1, -2, 0, 3, 4, 0], 4, 'twos-complement'), zeroBits([7, 0], 4, 'twos-complement')]),
    );
  });
});
