import { describe, expect, it } from 'vitest';
import { applyStandardisation, fitStandardisation, permutation, prepareDataset, splitSeeded, subset } from '../../src/data/prepare.js';
import type { DatasetSpec } from '../../src/data/datasets.js';
import type { LabelledData } from '../../src/data/table-data.js';

/** n samples of `f` features: sample i, feature j = i * 10 + j (+ 1000 on every 5th sample), class i mod 3. */
function table(n: number, f: number): LabelledData {
  const x = Float32Array.from({ length: n * f }, (_, k) => Math.floor(k / f) * 10 + (k % f) + (Math.floor(k / f) % 5 === 0 ? 1000 : 0));
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 3), n, shape: [f], classes: ['a', 'b', 'c'] };
}
const spec = (load: DatasetSpec['load']): DatasetSpec => ({ name: 't', doc: 'test', pkg: 'none', load, defaultModel: 'mlp:3' });
const column = (d: LabelledData, j: number) => Array.from({ length: d.n }, (_, i) => d.x[i * d.shape[0]! + j]!);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe('data preparation (prepareDataset, the function every command loads data through)', () => {
  it('splits a single set 80/20 with a seeded shuffle, and says so', () => {
    const all = table(100, 3);
    const d = prepareDataset(
      spec(() => ({ all })),
      { seed: 4 },
    );
    expect([d.train.n, d.test.n]).toEqual([80, 20]);
    expect(d.split).toBe('seeded shuffle (seed 4), 80/20 train/test');
    // Every sample in exactly one part (feature 0 / 10 is the sample index), the test part first in the permutation.
    const ids = (p: LabelledData) =>
      column(p, 0).map((v) => (Math.round(v * d.standardisation!.std[0]! + d.standardisation!.mean[0]!) % 1000) / 10);
    expect([...ids(d.train), ...ids(d.test)].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(ids(d.test)).toEqual(Array.from(permutation(100, 4).subarray(0, 20)));
    expect(
      prepareDataset(
        spec(() => ({ all })),
        { seed: 4, testFraction: 0.3 },
      ).test.n,
    ).toBe(30);
  });

  it('keeps a fixed train/test pair as given', () => {
    const [train, test] = [table(30, 2), table(7, 2)];
    const d = prepareDataset(
      spec(() => ({ train, test })),
      { seed: 1 },
    );
    expect([d.train.n, d.test.n, d.split]).toEqual([30, 7, "the files' own train/test split"]);
  });

  it('fits the standardisation on the training part only, per feature, and applies it to both parts', () => {
    const all = table(200, 4);
    const d = prepareDataset(
      spec(() => ({ all })),
      { seed: 2 },
    );
    // The training part: the samples after the first 40 of the seeded permutation.
    const trainIds = Array.from(permutation(200, 2).subarray(40));
    for (let j = 0; j < 4; j++) {
      expect(mean(column(d.train, j))).toBeCloseTo(0, 4);
      expect(sd(column(d.train, j))).toBeCloseTo(1, 4);
      const raw = trainIds.map((i) => all.x[i * 4 + j]!);
      expect(d.standardisation!.mean[j]).toBeCloseTo(mean(raw), 6);
      expect(d.standardisation!.std[j]).toBeCloseTo(sd(raw), 6);
      // ... which is not the whole set's.
      expect(Math.abs(d.standardisation!.mean[j]! - mean(column(all, j)))).toBeGreaterThan(0.05);
    }
    expect(d.standardisation!.mode).toBe('per-feature');
    expect(Math.abs(mean(column(d.test, 0)))).toBeGreaterThan(1e-3);
  });

  it('images get one mean and deviation over all pixels; a constant feature is centred, not scaled', () => {
    const img: LabelledData = {
      x: Float32Array.from({ length: 4 * 2 * 2 }, (_, k) => k),
      y: new Int32Array(4),
      n: 4,
      shape: [2, 2, 1],
      classes: ['a'],
    };
    const s = fitStandardisation(img);
    expect(s.mode).toBe('global');
    expect(s.mean).toEqual([7.5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt((16 * 16 - 1) / 12), 10);
    const flat: LabelledData = { x: Float32Array.from([5, 1, 5, 2, 5, 3]), y: new Int32Array(3), n: 3, shape: [2], classes: ['a'] };
    const t = fitStandardisation(flat);
    expect(t.mean).toEqual([5, 2]);
    expect(t.std[0]).toBe(1);
    expect(Array.from(applyStandardisation(flat, t).x.filter((_, k) => k % 2 === 0))).toEqual([0, 0, 0]);
  });

  it('limits take seeded subsets of each part (another seed, another subset)', () => {
    const all = table(300, 2);
    const d = prepareDataset(
      spec(() => ({ all })),
      { seed: 3, limitTrain: 50, limitTest: 10 },
    );
    expect([d.train.n, d.test.n]).toEqual([50, 10]);
    const again = prepareDataset(
      spec(() => ({ all })),
      { seed: 3, limitTrain: 50, limitTest: 10 },
    );
    expect(again.train.x).toEqual(d.train.x);
    const other = prepareDataset(
      spec(() => ({ all })),
      { seed: 4, limitTrain: 50, limitTest: 10 },
    );
    expect(other.train.x).not.toEqual(d.train.x);
    // A limit above the part's size keeps the part whole.
    expect(
      prepareDataset(
        spec(() => ({ all })),
        { seed: 3, limitTrain: 1000 },
      ).train.n,
    ).toBe(240);
  });

  it('the permutation is the seeded Fisher-Yates one, pinned (every split and subset follows from it)', () => {
    expect(Array.from(permutation(10, 1))).toEqual([9, 0, 8, 1, 4, 2, 3, 7, 6, 5]);
    expect(Array.from(permutation(6, 7))).toEqual([4, 3, 0, 5, 2, 1]);
  });

  it('a limit draws its subset with seed + 1 (training) and seed + 2 (test); no limit, or one of the whole part, keeps the order', () => {
    const all = table(100, 2);
    const [train, test] = splitSeeded(all, 0.2, 3);
    const d = prepareDataset(
      spec(() => ({ all })),
      { seed: 3, limitTrain: 30, limitTest: 5 },
    );
    const s = d.standardisation!;
    expect(d.train.x).toEqual(applyStandardisation(subset(train, permutation(80, 4).subarray(0, 30)), s).x);
    expect(d.test.x).toEqual(applyStandardisation(subset(test, permutation(20, 5).subarray(0, 5)), s).x);
    for (const o of [{}, { limitTrain: 80, limitTest: 20 }]) {
      const w = prepareDataset(
        spec(() => ({ all })),
        { seed: 3, ...o },
      );
      expect(w.train.x).toEqual(applyStandardisation(train, w.standardisation!).x);
      expect(w.test.x).toEqual(applyStandardisation(test, w.standardisation!).x);
    }
  });

  it('the class list is the longer of the two parts (a class only the test part has is kept)', () => {
    const train = { ...table(6, 2), classes: ['a', 'b'] };
    const test = { ...table(3, 2), classes: ['a', 'b', 'c'] };
    expect(
      prepareDataset(
        spec(() => ({ train, test })),
        { seed: 1 },
      ).classes,
    ).toEqual(['a', 'b', 'c']);
    expect(
      prepareDataset(
        spec(() => ({ train: test, test: train })),
        { seed: 1 },
      ).classes,
    ).toEqual(['a', 'b', 'c']);
  });

  it('an image is standardised with its one mean and deviation for every pixel', () => {
    const img: LabelledData = { x: Float32Array.from([0, 2, 4, 6]), y: new Int32Array(1), n: 1, shape: [2, 2, 1], classes: ['a'] };
    expect(Array.from(applyStandardisation(img, { mode: 'global', mean: [3], std: [2] }).x)).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });

  it('subset and splitSeeded keep samples whole (features and label together)', () => {
    const all = table(10, 3);
    const s = subset(all, Int32Array.from([7, 2]));
    expect(Array.from(s.x)).toEqual([70, 71, 72, 20, 21, 22]);
    expect(Array.from(s.y)).toEqual([1, 2]);
    const [tr, te] = splitSeeded(all, 0.3, 9);
    expect([tr.n, te.n]).toEqual([7, 3]);
  });
});
