import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { neuronCriticality } from '../../src/train/criticality.js';
import { approxAnn, type ApproxAnnOptions } from '../../src/train/approxann.js';
import { train } from '../../src/train/trainer.js';
import { accuracy, predict } from '../../src/evaluate/predict.js';
import { Rng } from '../../src/util/rng.js';
import { handMultiplier } from '../helpers/multiplier.js';

const exact8 = handMultiplier(8, (a, b) => a * b, 'exact8', { a: (q) => q, b: (q) => q });
/** A harmless "approximate" multiplier (the exact table under another name) and a destructive one. */
const same8 = handMultiplier(8, (a, b) => a * b, 'same8', { a: (q) => q, b: (q) => q });
const zero8 = handMultiplier(8, () => 0, 'zero8', { a: () => 0, b: () => 0 });

beforeAll(async () => {
  await initBackend();
});

describe('neuron criticality (mean |dE_i / dz_j| over samples)', () => {
  it('by hand on a 2-layer network: a neuron nothing reads is not critical, the rest ranked by what reads them', () => {
    const spec = resolveModel('mlp:3-2', [2], 2);
    const net = new Network(spec, 1);
    // Hidden: z = x W1 + b1 (ReLU), all positive on the samples below; outputs: y = h W2 + b2.
    const W1 = [0.5, 0.2, 0.3, 0.1, 0.4, 0.6];
    const W2 = [0, 0, 0.1, -0.1, 1, -1];
    net.setWeights([
      { name: 'w0', data: Float32Array.from(W1) },
      { name: 'b0', data: Float32Array.of(0.1, 0.1, 0.1) },
      { name: 'w1', data: Float32Array.from(W2) },
      { name: 'b1', data: Float32Array.of(0, 0) },
    ]);
    const x = Float32Array.of(1, 2, 0.5, 1, 2, 0.25);
    const y = Int32Array.of(0, 1, 0);
    const got = neuronCriticality(net, { x, y, n: 3, shape: [2] }, undefined);
    // The same by hand, in float64: dE/dy_c = softmax_c - onehot_c; dE/dz_j = sum_c dE/dy_c W2[j, c] (z_j > 0).
    const want = [new Float64Array(3), new Float64Array(2)];
    for (let i = 0; i < 3; i++) {
      const h = [0, 1, 2].map((j) => Math.max(0, x[2 * i]! * W1[j]! + x[2 * i + 1]! * W1[3 + j]! + 0.1));
      const o = [0, 1].map((c) => h.reduce((s, v, j) => s + v * W2[2 * j + c]!, 0));
      const e = o.map(Math.exp);
      const d = o.map((_, c) => e[c]! / (e[0]! + e[1]!) - (y[i] === c ? 1 : 0));
      d.forEach((v, c) => (want[1]![c]! += Math.abs(v) / 3));
      h.forEach((_, j) => (want[0]![j]! += Math.abs(d[0]! * W2[2 * j]! + d[1]! * W2[2 * j + 1]!) / 3));
    }
    got.forEach((layer, k) => layer.forEach((v, j) => expect(v, `layer ${k} neuron ${j}`).toBeCloseTo(want[k]![j]!, 6)));
    expect(got[0]![0]).toBe(0);
    expect(got[0]![1]).toBeLessThan(got[0]![2]!);
    net.dispose();
  });
});

describe('ApproxAnn: iterative replacement with retraining until the bound', () => {
  const rng = new Rng(3);
  const make = (n: number) => {
    const x = Float32Array.from({ length: n * 4 }, () => (rng.nextU32() / 2 ** 32) * 2 - 1);
    const y = Int32Array.from({ length: n }, (_, i) => (x[4 * i]! + 0.5 * x[4 * i + 1]! > 0 ? 1 : 0));
    return { x, y, n, shape: [4], classes: ['a', 'b'] };
  };
  const trainSet = make(256);
  const testSet = make(128);
  const data = { train: trainSet, test: testSet, shape: [4] };
  const model = resolveModel('mlp:8-2', [4], 2);
  let start: { name: string; data: Float32Array }[];
  beforeAll(async () => {
    const r = await train({ data, model, method: 'bp', epochs: 30, batchSize: 32, learningRate: 1e-2, seed: 1 });
    start = r.net.weights();
    r.net.dispose();
  });
  const run = (approx: typeof exact8, target: number, extra: Partial<ApproxAnnOptions> = {}) =>
    approxAnn({
      data,
      model,
      initialWeights: start,
      exact: exact8,
      approx,
      targetAccuracy: target,
      evaluate: (net, masks) =>
        accuracy(predict(net, testSet, new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx, masks } })), testSet.y),
      retrainEpochs: 2,
      batchSize: 32,
      learningRate: 1e-3,
      seed: 1,
      ...extra,
    });

  it('a harmless second multiplier takes every neuron; the count only grows and each kept step meets the bound', async () => {
    const r = await run(same8, 0.8);
    expect(r.neurons).toBe(10);
    expect(r.approxNeurons).toBe(10);
    expect(r.masks.map((m) => Array.from(m))).toEqual([Array(8).fill(1), [1, 1]]);
    let count = 0;
    for (const s of r.steps) {
      expect(s.before).toBe(count);
      if (s.accepted) {
        expect(s.accuracy).toBeGreaterThanOrEqual(0.8);
        count += s.step;
      }
    }
    expect(count).toBe(r.approxNeurons);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('a destructive one is refused at every step down to one neuron; a looser bound lets the least critical through', async () => {
    const strict = await run(zero8, 0.99);
    expect(strict.approxNeurons).toBe(0);
    expect(strict.steps.every((s) => !s.accepted)).toBe(true);
    // First step round(10 / 8) = 1 neuron: one try, then the step halves to 0.
    expect(strict.steps.map((s) => s.step)).toEqual([1]);
    const wide = await run(zero8, 0.99, { firstStep: 0.4 });
    expect(wide.steps.map((s) => s.step)).toEqual([4, 2, 1]);
    // With no bound to speak of, every neuron ends approximate, the least critical first.
    const loose = await run(zero8, 0, { firstStep: 0.1 });
    expect(loose.approxNeurons).toBe(10);
    expect(loose.steps.every((s) => s.accepted && s.step === 1)).toBe(true);
    // The first neuron moved is the start network's least critical one.
    const net = new Network(model, 1);
    net.setWeights(start);
    const c = neuronCriticality(net, { ...trainSet }, new FixedArithmetic({ mult: exact8, path: 'table' })).flatMap((l, k) =>
      Array.from(l, (v, j) => ({ k, j, v })),
    );
    const least = c.reduce((a, b) => (b.v < a.v ? b : a));
    expect(loose.steps[0]!.added).toEqual([[least.k, least.j]]);
    net.dispose();
  });
});
