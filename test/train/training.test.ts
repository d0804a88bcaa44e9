import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/nn/backend.js';
import { train } from '../../src/train/trainer.js';
import { adaptiveLambda } from '../../src/train/act.js';
import { sensitivityMaps } from '../../src/train/sensitivity.js';
import { tf } from '../../src/nn/backend.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { Network } from '../../src/nn/network.js';
import { calibrate } from '../../src/evaluate/calibrate.js';
import { ntvEvaluate } from '../../src/evaluate/ntv.js';
import { referenceAgreement } from '../../src/evaluate/agreement.js';
import { fixedHardware } from '../../src/nn/hardware.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { multiplierFromUnit, type ApproxMultiplier } from '../../src/multipliers/fixed-multiplier.js';
import { applyStandardisation, fitStandardisation, splitSeeded, type PreparedData } from '../../src/data/prepare.js';
import type { LabelledData } from '../../src/data/table-data.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

/** Three Gaussian blobs in 6 dimensions: learnable in a few epochs, not linearly trivial at the edges. */
function blobs(n: number, seed: number): LabelledData {
  const rng = new Rng(seed);
  const u = () => (rng.nextU32() + 1) / 4294967297;
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const centres = [
    [2, 0, 0, 1, 0, 0],
    [0, 2, 0, 0, 1, 0],
    [0, 0, 2, 0, 0, 1],
  ];
  const x = new Float32Array(n * 6);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let f = 0; f < 6; f++) x[i * 6 + f] = centres[i % 3]![f]! * 3 + gauss() * 2 + 10;
  }
  return { x, y, n, shape: [6], classes: ['a', 'b', 'c'] };
}

function prepared(): PreparedData {
  const [tr, te] = splitSeeded(blobs(1200, 1), 0.2, 1);
  const s = fitStandardisation(tr);
  return {
    name: 'blobs',
    train: applyStandardisation(tr, s),
    test: applyStandardisation(te, s),
    classes: tr.classes,
    shape: [6],
    standardisation: s,
    preprocessing: { kind: 'standardise' },
    split: '80/20',
  };
}

let drum: ApproxMultiplier;
beforeAll(async () => {
  requireTool('verilator');
  await initBackend();
  drum = await multiplierFromUnit('drum:width=8,k=3,signed');
});

describe('training engine on synthetic data', () => {
  // The standardisation's fit (training part only) is tested through prepareDataset in test/data/prepare.test.ts.
  it('exact training learns, and the same seed gives the same network', async () => {
    const data = prepared();
    const model = resolveModel('mlp:16-16-3', [6], 3);
    const run = () => train({ data, model, method: 'bp', epochs: 4, batchSize: 32, learningRate: 5e-3, seed: 3 });
    const a = await run();
    const b = await run();
    expect(a.history.at(-1)!.testAccuracy).toBeGreaterThan(0.9);
    expect(a.history.at(-1)!.loss).toBeLessThan(a.history[0]!.loss);
    expect(a.net.weights().map((w) => Array.from(w.data))).toEqual(b.net.weights().map((w) => Array.from(w.data)));
    const c = await train({ data, model, method: 'bp', epochs: 1, batchSize: 32, learningRate: 5e-3, seed: 4 });
    expect(c.net.weights()[0]!.data).not.toEqual(a.net.weights()[0]!.data);
  });

  it('pas trains through the approximate forward pass (with NTV flips) and the integer reference agrees', async () => {
    const data = prepared();
    const model = resolveModel('mlp:16-16-3', [6], 3);
    const r = await train({
      data,
      model,
      method: 'pas',
      hardware: fixedHardware(drum, 'table', 'test'),
      ntvRate: 0.01,
      epochs: 4,
      batchSize: 32,
      learningRate: 5e-3,
      seed: 3,
    });
    expect(r.history.at(-1)!.testAccuracyHw).toBeGreaterThan(0.85);
    const inputExps = calibrate(r.net, data.train, new FixedArithmetic({ mult: drum, path: 'transform' }));
    const agree = referenceAgreement(r.net, data.test, new FixedArithmetic({ mult: drum, path: 'transform', inputExps }));
    expect(agree.agreement).toBeGreaterThanOrEqual(0.999);
    expect(agree.referenceAccuracy).toBeGreaterThan(0.85);
    const ntv = ntvEvaluate(r.net, data.test, new FixedArithmetic({ mult: drum, path: 'transform', inputExps }), 0.1, 5, 1);
    expect(ntv.accuracies).toHaveLength(5);
    expect(ntv.std).toBeGreaterThan(0);
    expect(ntv.mean).toBeLessThan(agree.floatAccuracy);
    // seeded draws
    expect(ntvEvaluate(r.net, data.test, new FixedArithmetic({ mult: drum, path: 'transform', inputExps }), 0.1, 5, 1).accuracies).toEqual(
      ntv.accuracies,
    );
  });

  it('LeNet-5 keeps no tensors per epoch, plain or with double back-propagation through its convolutions', async () => {
    // 16 x 16 images, class = the brighter half: enough to run every patch, pool and gradient path.
    const rng = new Rng(21);
    const n = 96;
    const x = Float32Array.from(
      { length: n * 256 },
      (_, i) => rng.nextU32() / 2 ** 32 + (i % 256 < 128 === (Math.floor(i / 256) % 2 === 0) ? 1 : 0),
    );
    const images: LabelledData = {
      x,
      y: Int32Array.from({ length: n }, (_, i) => i % 2),
      n,
      shape: [16, 16, 1],
      classes: ['top', 'bottom'],
    };
    const [tr, te] = splitSeeded(images, 0.25, 1);
    const s = fitStandardisation(tr);
    const data: PreparedData = {
      name: 'halves',
      train: applyStandardisation(tr, s),
      test: applyStandardisation(te, s),
      classes: tr.classes,
      shape: [16, 16, 1],
      standardisation: s,
      preprocessing: { kind: 'standardise' },
      split: '75/25',
    };
    const model = resolveModel('mnist-cnn', data.shape, 2);
    for (const method of ['bp', 'axtrain-act'] as const) {
      const kept = async (epochs: number) => {
        const before = tf.memory().numTensors;
        const r = await train({ data, model, method, epochs, batchSize: 16, learningRate: 2e-3, seed: 2 });
        const left = tf.memory().numTensors - before;
        r.net.dispose();
        return left;
      };
      // Three epochs leave what one leaves, and that is the network itself.
      const before = tf.memory().numTensors;
      const probe = new Network(model, 2);
      const network = tf.memory().numTensors - before;
      probe.dispose();
      expect(await kept(3), method).toBe(await kept(1));
      expect(await kept(1), method).toBe(network);
    }
  });

  it('axtrain-act lowers the sensitivity S at little cost in accuracy, without leaking tensors', async () => {
    const data = prepared();
    const model = resolveModel('mlp:16-16-3', [6], 3);
    let before = tf.memory().numTensors;
    const bp = await train({ data, model, method: 'bp', epochs: 6, batchSize: 32, learningRate: 5e-3, seed: 3 });
    const bpKept = tf.memory().numTensors - before;
    before = tf.memory().numTensors;
    const act = await train({
      data,
      model,
      method: 'axtrain-act',
      act: { lambda: 0.05, lambdaStep: 0.02 },
      epochs: 6,
      batchSize: 32,
      learningRate: 5e-3,
      seed: 3,
    });
    // Double back-propagation leaves nothing behind per batch: what remains is what plain training keeps.
    expect(tf.memory().numTensors - before).toBe(bpKept);
    const h = act.history;
    expect(h.every((e) => e.phase === 'act' && e.sensitivity! > 0 && e.lambda! >= 0)).toBe(true);
    expect(new Set(h.map((e) => e.lambda)).size).toBeGreaterThan(1); // the rule adapts lambda
    const sBp = sensitivityMaps(bp.net, data.test).total;
    const sAct = sensitivityMaps(act.net, data.test).total;
    expect(sAct).toBeLessThan(0.6 * sBp);
    expect(h.at(-1)!.testAccuracy).toBeGreaterThan(0.85);
  });

  it('axtrain runs act until E and S converge (or its epochs run out), then pas on the hardware', async () => {
    const data = prepared();
    const model = resolveModel('mlp:16-16-3', [6], 3);
    const r = await train({
      data,
      model,
      method: 'axtrain',
      hardware: fixedHardware(drum, 'transform', 'test'),
      act: { lambda: 0.05 },
      epochs: 3,
      pasEpochs: 2,
      batchSize: 32,
      learningRate: 5e-3,
      seed: 3,
    });
    expect(r.history.map((e) => e.phase)).toEqual(['act', 'act', 'act', 'pas', 'pas']);
    const early = await train({
      data,
      model,
      method: 'axtrain',
      hardware: fixedHardware(drum, 'transform', 'test'),
      act: { lambda: 0.05, convergeTol: 10 },
      epochs: 5,
      pasEpochs: 1,
      batchSize: 32,
      learningRate: 5e-3,
      seed: 3,
    });
    // With a huge tolerance act "converges" after its second epoch.
    expect(early.history.map((e) => e.phase)).toEqual(['act', 'act', 'pas']);
    await expect(train({ data, model, method: 'axtrain', epochs: 1, batchSize: 32, learningRate: 5e-3, seed: 3 })).rejects.toThrow(
      /hardware/,
    );
  });

  it('the adaptive lambda rule compares with the halving-weighted sum of earlier errors and the bound', () => {
    const o = { lambdaStep: 0.1, errorBound: 0 };
    expect(adaptiveLambda(0.5, [1], o)).toBeCloseTo(0.4); // nothing to compare with, above the bound
    expect(adaptiveLambda(0.5, [1], { ...o, errorBound: 2 })).toBeCloseTo(0.6);
    expect(adaptiveLambda(0.5, [1, 0.4], o)).toBeCloseTo(0.6); // 0.4 < 0.5 * 1
    expect(adaptiveLambda(0.5, [1, 0.6], o)).toBeCloseTo(0.4); // 0.6 >= 0.5
    expect(adaptiveLambda(0.5, [1, 0.8, 0.6], o)).toBeCloseTo(0.6); // 0.6 < 0.5 * 0.8 + 0.25 * 1 = 0.65
    expect(adaptiveLambda(0.05, [1, 2], o)).toBe(0); // never negative
  });
});
