import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel } from '../../src/nn/models.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { quantiseNetwork } from '../../src/ir/quantised-network.js';
import { referenceInference } from '../../src/infer/reference.js';
import { calibrate } from '../../src/infer/calibrate.js';
import { quantisedNetworkOf, runningStoredCodes } from '../../src/ir/from-network.js';
import { storedWeightCodes } from '../../src/arith/stored-weights.js';
import { Rng } from '../../src/util/rng.js';
import { handMultiplier } from '../helpers/multiplier.js';

const rand = (rng: Rng, n: number, scale = 1) => Float32Array.from({ length: n }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);
const exact8 = handMultiplier(8, (a, b) => a * b, 'exact8');
// An approximate multiplier with no rank-one structure: exact product plus a code-dependent error.
const noisy8 = handMultiplier(8, (a, b) => a * b + ((a * 7 + b * 13) % 5) - 2, 'noisy8');

beforeAll(async () => {
  await initBackend();
});

describe('quantised network (one form for reference, NTV and hardware back ends)', () => {
  const spec = resolveModel('mlp:12-8-4', [10], 4);
  const n = 40;
  const xs = rand(new Rng(7), n * 10, 3);
  const data = { x: xs, y: new Int32Array(n), n, shape: [10], classes: ['a', 'b', 'c', 'd'] };
  let net: Network;
  let x: tf.Tensor2D;
  beforeAll(() => {
    net = new Network(spec, 3);
    x = tf.tensor2d(xs, [n, 10]);
  });

  it('holds the same codes, exponents and bias the training forward pass computes', () => {
    const hw = new FixedArithmetic({ mult: noisy8, path: 'table' });
    const inputExps = calibrate(net, data, hw);
    const q = quantisedNetworkOf(net, hw, inputExps);
    expect(q.layers.map((l) => [l.kind, l.fanIn, l.outputs, l.relu])).toEqual([
      ['dense', 10, 12, true],
      ['dense', 12, 8, true],
      ['dense', 8, 4, false],
    ]);
    net.weightArrays().forEach((lw, k) => {
      const s = storedWeightCodes(lw.w, noisy8);
      expect(q.layers[k]!.weightCodes).toEqual(s.codes);
      expect(q.layers[k]!.weightExp).toBe(s.ew);
      expect(q.layers[k]!.inputExp).toBe(inputExps[k]);
      for (const c of q.layers[k]!.weightCodes) expect(Number.isInteger(c) && c >= -128 && c <= 127).toBe(true);
    });
    // Running the IR's stored codes gives exactly the on-the-fly hardware path's logits.
    const live = net.forward(x, hw.with({ inputExps })).dataSync();
    const stored = net.forward(x, runningStoredCodes(hw, q)).dataSync();
    expect(Array.from(stored)).toEqual(Array.from(live));
    // ... and the integer reference on the IR gives them too.
    expect(Array.from(referenceInference(q, xs, n).logits, Math.fround)).toEqual(Array.from(live));
  });

  it('a declared accumulator width saturates every addition; the exact width changes nothing', () => {
    const hw = new FixedArithmetic({ mult: exact8, path: 'table' });
    const inputExps = calibrate(net, data, hw);
    const wide = quantiseNetwork(spec, net.weightArrays(), exact8, inputExps);
    const bits = Math.max(...wide.layers.map((l) => l.exactAccumulatorBits));
    expect(bits).toBeGreaterThan(10);
    expect(bits).toBeLessThan(30);
    const exactRef = referenceInference(wide, xs, n).logits;
    expect(referenceInference({ ...wide, accumulatorBits: bits }, xs, n).logits).toEqual(exactRef);
    // Negative control: a narrow accumulator clips, so the logits change and stay within its range.
    const narrow = referenceInference({ ...wide, accumulatorBits: 9 }, xs, n).logits;
    expect(narrow).not.toEqual(exactRef);
    const last = wide.layers.at(-1)!;
    const scale = 2 ** (last.inputExp + last.weightExp);
    for (const v of narrow) expect(Math.abs(v / scale)).toBeLessThanOrEqual(256);
  });

  it('saturation order: products in index order, then the bias, each clamped', () => {
    const one = resolveModel('mlp:1', [3], 1);
    one.layers[0] = { kind: 'dense', units: 1, relu: false };
    // codes: x = (100, 100, -100) at e = 0, w = (1, 1, 1) at ew = 0 (weights scaled so max |w| hits qmax).
    const w = Float32Array.of(127, 127, 127);
    const b = Float32Array.of(-5);
    const q = quantiseNetwork(one, [{ w, b }], exact8, [0]);
    expect(q.layers[0]!.weightExp).toBe(0);
    const x = Float32Array.of(100, 100, -100);
    // exact: 12700 + 12700 - 12700 - 5 = 12695; 15-bit accumulator (max 16383): 12700, 16383 (clipped), 3683, 3678
    expect(referenceInference(q, x, 1).logits[0]).toBe(12695);
    expect(referenceInference({ ...q, accumulatorBits: 15 }, x, 1).logits[0]).toBe(3678);
  });
});
