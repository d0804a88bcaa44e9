import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { calibrate } from '../../src/evaluate/calibrate.js';
import { ntvEvaluate } from '../../src/evaluate/ntv.js';
import { accuracy, predict } from '../../src/evaluate/predict.js';
import { referenceInference } from '../../src/infer/reference.js';
import { quantisedNetworkOf, runningStoredCodes } from '../../src/nn/to-ir.js';
import { Rng } from '../../src/util/rng.js';
import { handMultiplier } from '../helpers/multiplier.js';

// Products that differ from a * b in a code-dependent way: a wrong operand or code would show.
const mult = handMultiplier(6, (a, b) => a * b + ((a - 2 * b) % 3), 'skewed6');

beforeAll(async () => {
  await initBackend();
});

describe('NTV evaluation against references', () => {
  const spec = resolveModel('mlp:10-5', [7], 5);
  const n = 300;
  const rng = new Rng(21);
  const xs = Float32Array.from({ length: n * 7 }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2);
  let net: Network;
  let data: { x: Float32Array; y: Int32Array; n: number; shape: number[]; classes: string[] };
  let hw: FixedArithmetic;
  beforeAll(() => {
    net = new Network(spec, 5);
    // Non-zero biases, so the bias path is part of what is compared.
    net.setWeights(
      net.weights().map((t) => (t.name.startsWith('b') ? { ...t, data: Float32Array.from(t.data, (_, i) => 0.3 * Math.sin(i + 1)) } : t)),
    );
    const labels = predict(net, { x: xs, y: new Int32Array(n), n, shape: [7], classes: [] });
    // Labels from the exact network with some flipped, so accuracies are neither 0 nor 1.
    data = { x: xs, y: labels.map((c, i) => (i % 4 === 0 ? (c + 1) % 5 : c)), n, shape: [7], classes: ['a', 'b', 'c', 'd', 'e'] };
    hw = new FixedArithmetic({ mult, path: 'table' });
    hw = hw.with({ inputExps: calibrate(net, data, hw) });
  });

  it('at flip rate 0 equals the hardware path exactly, draw after draw', () => {
    const onHw = accuracy(predict(net, data, hw), data.y);
    expect(onHw).toBeGreaterThan(0.5);
    expect(onHw).toBeLessThan(1);
    const r = ntvEvaluate(net, data, hw, 0, 3, 9);
    expect(r.accuracies).toEqual([onHw, onHw, onHw]);
    expect(r.std).toBe(0);
  });

  it("each draw's flipped codes through the integer reference give the NTV path's logits bit for bit", () => {
    const draws = new Rng(33);
    for (let t = 0; t < 3; t++) {
      const q = quantisedNetworkOf(net, hw, hw.spec.inputExps!, { rate: 0.05, rng: draws });
      const clean = quantisedNetworkOf(net, hw, hw.spec.inputExps!);
      const flipped = q.layers.reduce((s, l, k) => s + l.weightCodes.filter((c, i) => c !== clean.layers[k]!.weightCodes[i]).length, 0);
      expect(flipped).toBeGreaterThan(0);
      const path = net.forward(tf.tensor2d(xs, [n, 7]), runningStoredCodes(hw, q)).dataSync();
      expect(Array.from(referenceInference(q, xs, n).logits, Math.fround)).toEqual(Array.from(path));
    }
  });

  it('ntvEvaluate is those draws: each accuracy equals the reference on the same seeded draw', () => {
    const r = ntvEvaluate(net, data, hw, 0.05, 4, 77);
    const rng = new Rng(77);
    const ref = r.accuracies.map(() =>
      accuracy(referenceInference(quantisedNetworkOf(net, hw, hw.spec.inputExps!, { rate: 0.05, rng }), xs, n).predictions, data.y),
    );
    expect(r.accuracies).toEqual(ref);
    expect(new Set(r.accuracies).size).toBeGreaterThan(1);
    expect(r.mean).toBeCloseTo(ref.reduce((a, b) => a + b, 0) / ref.length, 12);
  });
});
