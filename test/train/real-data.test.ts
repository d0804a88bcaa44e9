import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DATASETS, dataRoot, getDataset } from '../../src/data/datasets.js';
import { prepareDataset } from '../../src/data/prepare.js';
import { requireTool } from '../helpers/tools.js';
import { trainForTest } from '../helpers/train.js';

/**
 * Integration tests on the real data sets (docs/methods.md, data sets). They need `bash scripts/fetch-data.sh`
 * (setup.sh runs it); a missing file fails loudly, never skips.
 */
beforeAll(() => {
  requireTool('verilator');
  const marker = join(dataRoot(), 'root');
  if (!existsSync(marker)) throw new Error(`data sets not fetched (${marker} missing): run bash scripts/fetch-data.sh`);
});

const expected: Record<string, { train: number; test: number; features: number[]; classes: number }> = {
  'breast-cancer': { train: 455, test: 114, features: [30], classes: 2 },
  ionosphere: { train: 281, test: 70, features: [34], classes: 2 },
  'image-seg': { train: 1848, test: 462, features: [19], classes: 7 },
  satimage: { train: 5148, test: 1287, features: [36], classes: 6 },
  digits: { train: 1438, test: 359, features: [8, 8, 1], classes: 10 },
  'fashion-mnist': { train: 60000, test: 10000, features: [28, 28, 1], classes: 10 },
};

describe('real data sets', () => {
  it.each(DATASETS.map((d) => d.name))('%s loads from the Debian package files with the documented size', (name) => {
    const d = prepareDataset(getDataset(name), { seed: 1 });
    const e = expected[name]!;
    expect([d.train.n, d.test.n]).toEqual([e.train, e.test]);
    expect(d.shape).toEqual(e.features);
    expect(d.classes).toHaveLength(e.classes);
    expect(Number.isFinite(d.train.x.reduce((a, b) => a + b, 0))).toBe(true);
    // every class occurs in training
    expect(new Set(d.train.y).size).toBe(e.classes);
  });

  // Each data set with the model it names as its own (the model axhw train picks without --model), exactly
  // and with DRUM in the forward pass: a data set whose default model does not fit its data fails here.
  it.each(
    DATASETS.flatMap((d) => [
      [d.name, 'bp'],
      [d.name, 'pas'],
    ]),
  )('%s trains with its default model (%s)', async (name, method) => {
    const out = mkdtempSync(join(tmpdir(), `axhw-${name}-`));
    const { metrics } = await trainForTest({
      dataset: name,
      method: method as 'bp' | 'pas',
      epochs: 1,
      limitTrain: 256,
      limitTest: 64,
      multiplier: 'drum:width=8,k=4,signed',
      ntvDraws: 0,
      out,
    });
    expect(metrics.model).toBe(getDataset(name).defaultModel);
    expect(metrics.testAccuracyExact).toBeGreaterThan(0);
    expect(metrics.hardware!.reference.agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('the split is seeded: same seed, same test set; another seed, another', () => {
    const spec = getDataset('ionosphere');
    const a = prepareDataset(spec, { seed: 5 });
    expect(prepareDataset(spec, { seed: 5 }).test.y).toEqual(a.test.y);
    expect(prepareDataset(spec, { seed: 6 }).test.x).not.toEqual(a.test.x);
  });

  it('breast cancer: exact training reaches >= 95% test accuracy; DRUM inference agrees with the integer reference', async () => {
    const out = mkdtempSync(join(tmpdir(), 'axhw-bc-'));
    const { metrics } = await trainForTest({
      dataset: 'breast-cancer',
      epochs: 20,
      multiplier: 'drum:width=8,k=4,signed',
      ntvDraws: 10,
      ntvRate: 0.01,
      out,
    });
    expect(metrics.testAccuracyExact).toBeGreaterThanOrEqual(0.95);
    expect(metrics.hardware!.reference.agreement).toBeGreaterThanOrEqual(0.999);
    expect(metrics.hardware!.ntv!.draws).toBe(10);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(metrics.backend.name);
    const saved = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(saved.backend.name).toBe(metrics.backend.name);
    expect(readFileSync(join(out, 'curve.svg'), 'utf8')).toMatch(/<svg[\s\S]*training loss/);
  });

  it(
    'Fashion-MNIST MLP: exact training reaches >= 85%; on DRUM k=4 the float path agrees with the ' +
      'integer reference on >= 99.9% of the 10,000 test images',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'axhw-fm-'));
      const { metrics } = await trainForTest({
        dataset: 'fashion-mnist',
        epochs: 4,
        batchSize: 64,
        multiplier: 'drum:width=8,k=4,signed',
        out,
      });
      expect(metrics.testAccuracyExact).toBeGreaterThanOrEqual(0.85);
      const h = metrics.hardware!;
      expect(h.reference.samples).toBe(10000);
      expect(h.reference.agreement).toBeGreaterThanOrEqual(0.999);
      expect(h.accuracy).toBeGreaterThan(0.8);
    },
  );

  it('breast cancer with fpmul layers (pas, 4 significand bits): trains, and the float path agrees with the reference', async () => {
    const out = mkdtempSync(join(tmpdir(), 'axhw-bcf-'));
    const { metrics } = await trainForTest({ dataset: 'breast-cancer', method: 'pas', epochs: 10, multiplier: 'fpmul:mbits=4', out });
    expect(metrics.hardware!.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(metrics.hardware!.reference.agreement).toBeGreaterThanOrEqual(0.999);
    expect(metrics.hardware!.hardware.path).toBe('transform');
  });

  it('Fashion-MNIST LeNet-5 trains (short run on a subset)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'axhw-cnn-'));
    const { metrics } = await trainForTest({
      dataset: 'fashion-mnist',
      model: 'mnist-cnn',
      epochs: 2,
      learningRate: 2e-3,
      limitTrain: 3000,
      limitTest: 1000,
      out,
    });
    expect(metrics.testAccuracyExact).toBeGreaterThan(0.65);
  });
});
