import { beforeAll, describe, expect, it } from 'vitest';
import { networkTarget } from '../../src/npu/target.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot } from '../../src/data/datasets.js';
import { npuForModel } from '../../src/target/from-model.js';
import { faultMasks, runOnNpu } from '../../src/npu/run.js';
import { referenceInference } from '../../src/infer/reference.js';
import { ntvEvaluate } from '../../src/evaluate/ntv.js';
import { accuracy, predict } from '../../src/evaluate/predict.js';
import { runningStoredCodes } from '../../src/nn/to-ir.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';
import { initialisedLenetModel } from '../helpers/lenet-model.js';
import { trainForTest } from '../helpers/train.js';

/** Trained networks on real data, run on the Verilated NPU against the integer reference (whole test splits). */
let bc: string;
beforeAll(async () => {
  await requireTool('verilator');
  if (!existsSync(join(dataRoot(), 'root'))) throw new Error('data sets not fetched: run bash scripts/fetch-data.sh');
  bc = mkdtempSync(join(tmpdir(), 'axhw-npu-bc-'));
  await trainForTest({ dataset: 'breast-cancer', epochs: 15, out: bc });
});

describe('breast-cancer MLP on the NPU, whole test split', () => {
  it.each(['exact-mul:width=8,signed', 'drum:width=8,k=4,signed', 'drum:width=8,k=3'])(
    '%s: bit-exact layer by layer; predictions and accuracy from the RTL = the reference',
    async (mult) => {
      const n = await npuForModel({ modelDir: bc, mult, sizing: { P: 16 } });
      const t = n.data.test;
      const r = await runOnNpu(n.target, t.x, t.n);
      expect(r.mismatch).toBeUndefined();
      expect(r.compared).toBe(t.n * (64 + 64 + 2));
      expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, t.x, t.n).predictions));
      expect(accuracy(r.predictions, t.y)).toBeGreaterThan(0.85);
      expect(new Set(r.cyclesMeasured)).toEqual(new Set([r.cyclesModel]));
      n.net.dispose();
    },
  );

  it(
    "a user's Verilog multiplier (non-commutative: a * (b & ~3)) inside the NPU: bit-exact, activations " + 'on a and weights on b',
    async () => {
      const n = await npuForModel({
        modelDir: bc,
        rtl: { files: [join(import.meta.dirname, '..', 'fixtures', 'rtl', 'mask_mult.v')], top: 'mask_mult' },
        sizing: { P: 8 },
      });
      expect(n.target.design.children.mult!.top).toBe('mask_mult');
      const t = n.data.test;
      const r = await runOnNpu(n.target, t.x, t.n);
      expect(r.mismatch).toBeUndefined();
      expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, t.x, t.n).predictions));
      n.net.dispose();
    },
  );

  it('NTV storage through the fault port: the seeded draw gives the software NTV evaluation, sample by sample', async () => {
    const mult = 'exact-mul:width=8,signed';
    const n = await npuForModel({ modelDir: bc, mult, sizing: { P: 8 } });
    const t = n.data.test;
    const rate = 0.02;
    const seed = 5;
    const q = n.withNtv({ rate, rng: new Rng(seed) });
    const flipped = networkTarget(q, n.target);
    const masks = faultMasks(n.target.compiled, flipped.compiled);
    expect(masks.reduce((s, m) => s + m.filter((v) => v !== 0).length, 0)).toBeGreaterThan(100);
    const r = await runOnNpu(flipped, t.x, t.n, { faultMasks: masks, images: n.target.compiled });
    expect(r.mismatch).toBeUndefined();
    // the software NTV path (TensorFlow.js forward pass on the flipped codes) and its evaluation
    const frozen = new FixedArithmetic({ mult: n.q.mult, path: 'table', inputExps: n.inputExps });
    expect(Array.from(r.predictions)).toEqual(Array.from(predict(n.net, t, runningStoredCodes(frozen, q))));
    expect(ntvEvaluate(n.net, t, frozen, rate, 1, seed).accuracies).toEqual([accuracy(r.predictions, t.y)]);
    // and the flips matter: the clean network predicts differently somewhere
    expect(Array.from(r.predictions)).not.toEqual(Array.from(referenceInference(n.q, t.x, t.n).predictions));
    n.net.dispose();
  });
});

describe('LeNet-5 on the NPU', () => {
  it('runs bit-exact on 200 Fashion-MNIST test images (convolutions walked by the address generator, pooling, dense)', async () => {
    const dir = initialisedLenetModel(200);
    const n = await npuForModel({ modelDir: dir, mult: 'drum:width=8,k=4,signed', sizing: { P: 16 } });
    const t = n.data.test;
    expect(t.n).toBe(200);
    const r = await runOnNpu(n.target, t.x, t.n, { batch: 25 });
    expect(r.mismatch).toBeUndefined();
    expect(r.compared).toBe(200 * (28 * 28 * 6 + 14 * 14 * 6 + 10 * 10 * 16 + 5 * 5 * 16 + 120 + 84 + 10));
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, t.x, t.n).predictions));
    expect(new Set(r.cyclesMeasured)).toEqual(new Set([r.cyclesModel]));
    n.net.dispose();
  });
});
