import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { lenet5, resolveModel } from '../../src/ir/model-spec.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { quantiseNetwork } from '../../src/ir/quantised-network.js';
import { referenceInference } from '../../src/infer/reference.js';
import { calibrate } from '../../src/evaluate/calibrate.js';
import { quantisedNetworkOf, runningStoredCodes } from '../../src/nn/to-ir.js';
import { biasInAccumulatorUnits, storedWeightCodes } from '../../src/arith/stored-weights.js';
import { Rng } from '../../src/util/rng.js';
import { handMultiplier } from '../helpers/multiplier.js';
import { thrown } from '../helpers/errors.js';

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

  it('the transform path, the table path and the integer reference agree on a non-commutative multiplier', () => {
    // P(a, b) = a * (b & ~3): activations keep their code, weights lose two low bits.
    const masked = handMultiplier(8, (a, b) => a * (b & ~3), 'masked8', { a: (q) => q, b: (q) => q & ~3 });
    const table = new FixedArithmetic({ mult: masked, path: 'table' });
    const inputExps = calibrate(net, data, table);
    const q = quantisedNetworkOf(net, table, inputExps);
    const viaTable = net.forward(x, table.with({ inputExps })).dataSync();
    const viaTransform = net.forward(x, table.with({ inputExps, path: 'transform' })).dataSync();
    expect(Array.from(viaTransform)).toEqual(Array.from(viaTable));
    expect(Array.from(referenceInference(q, xs, n).logits, Math.fround)).toEqual(Array.from(viaTable));
    // Stored codes through the transform path (frozen weights are transformed at use) give the same too.
    expect(Array.from(net.forward(x, runningStoredCodes(table.with({ path: 'transform' }), q)).dataSync())).toEqual(Array.from(viaTable));
    // Negative control: sides swapped, the layer is a different one.
    const swapped = { ...masked, transform: { a: masked.transform!.b, b: masked.transform!.a } };
    expect(Array.from(net.forward(x, new FixedArithmetic({ mult: swapped, path: 'transform', inputExps })).dataSync())).not.toEqual(
      Array.from(viaTable),
    );
  });

  it('the bias in accumulator units is round-half-even of b / 2^(ex + ew), by hand', () => {
    expect(Array.from(biasInAccumulatorUnits(Float32Array.of(0.3, -1.25, 2.5, 0.0625, 0.1875, -0.1875), -3))).toEqual([
      2, -10, 20, 0, 2, -2,
    ]);
    expect(Array.from(biasInAccumulatorUnits(Float32Array.of(40, -7), 2))).toEqual([10, -2]); // -7 / 4 = -1.75
    const one = resolveModel('mlp:2', [2], 2);
    one.layers[0] = { kind: 'dense', units: 2, relu: false };
    // max |w| = 0.5 fits 127 codes at ew = -7 (0.5 / 2^-7 = 64), not at -8 (128 > 127)
    const q = quantiseNetwork(one, [{ w: Float32Array.of(0.5, -0.25, 0.125, 0.375), b: Float32Array.of(0.01, -0.3) }], exact8, [-2]);
    expect(q.layers[0]!.weightExp).toBe(-7);
    expect(Array.from(q.layers[0]!.weightCodes)).toEqual([64, -32, 16, 48]);
    // b / 2^(-2 - 7) = b * 512: 5.12 -> 5, -153.6 -> -154
    expect(Array.from(q.layers[0]!.bias)).toEqual([5, -154]);
  });

  it('convolutions: geometry in the IR, and the reference on it equals the hardware path', () => {
    const conv = lenet5([12, 12, 1], 4);
    const cnet = new Network(conv, 2);
    cnet.setWeights(
      cnet.weights().map((t) => (t.name.startsWith('b') ? { ...t, data: Float32Array.from(t.data, (_, i) => 0.2 * Math.sin(i + 2)) } : t)),
    );
    const m = 3;
    const imgs = rand(new Rng(5), m * 144, 2);
    const hw = new FixedArithmetic({ mult: noisy8, path: 'table' });
    const inputExps = calibrate(cnet, { x: imgs, y: new Int32Array(m), n: m, shape: [12, 12, 1], classes: [] }, hw);
    const q = quantisedNetworkOf(cnet, hw, inputExps);
    expect(q.layers.map((l) => [l.kind, l.fanIn, l.outputs, l.kernel, l.pad, l.inShape])).toEqual([
      ['conv2d', 25, 6, 5, 'same', [12, 12, 1]],
      ['conv2d', 150, 16, 5, 'valid', [6, 6, 6]],
      ['dense', 16, 120, undefined, undefined, [16]],
      ['dense', 120, 84, undefined, undefined, [120]],
      ['dense', 84, 4, undefined, undefined, [84]],
    ]);
    const live = cnet.forward(tf.tensor4d(imgs, [m, 12, 12, 1]), hw.with({ inputExps })).dataSync();
    expect(Array.from(referenceInference(q, imgs, m).logits, Math.fround)).toEqual(Array.from(live));
  });

  it('the IR needs weights and an input exponent for every weighted layer; the reference needs the product table', () => {
    const two = resolveModel('mlp:3-2', [2], 2);
    const lw = { w: new Float32Array(6), b: new Float32Array(3) };
    expect(() => quantiseNetwork(two, [lw], exact8, [0, 0])).toThrow(/mlp:3-2: no weights for weighted layer 1/);
    expect(() => quantiseNetwork(two, [lw, { w: new Float32Array(6), b: new Float32Array(2) }], exact8, [0])).toThrow(
      /no input exponent for weighted layer 1/,
    );
    const q = quantiseNetwork(two, [lw, { w: new Float32Array(6), b: new Float32Array(2) }], exact8, [0, 0]);
    expect(() => referenceInference({ ...q, mult: { ...exact8, products: undefined } }, new Float32Array(2), 1)).toThrow(
      /exact8: the product table is too large for reference inference/,
    );
  });

  it('neurons on a second multiplier: one format, one mask per weighted layer, one entry per output, or a refusal', () => {
    const two = resolveModel('mlp:3-2', [2], 2);
    const lws = [
      { w: new Float32Array(6), b: new Float32Array(3) },
      { w: new Float32Array(6), b: new Float32Array(2) },
    ];
    const masks = [new Uint8Array(3), Uint8Array.of(0, 1)];
    const q = quantiseNetwork(two, lws, exact8, [0, 0], { neurons: { approx: noisy8, masks } });
    expect(q.approx).toBe(noisy8);
    expect(q.layers.map((l) => (l.onApprox ? Array.from(l.onApprox) : undefined))).toEqual([undefined, [0, 1]]);
    const refusal = (approx: typeof noisy8, m = masks) =>
      thrown(() => quantiseNetwork(two, lws, exact8, [0, 0], { neurons: { approx, masks: m } }));
    const count = refusal(noisy8, [masks[0]!]);
    expect(count.message).toBe('mlp:3-2: neuron multipliers given for 1 layers; the model has 2 weighted layers.');
    expect(count.fix).toBe('Give one mask per weighted layer.');
    const entries = refusal(noisy8, [new Uint8Array(2), masks[1]!]);
    expect(entries.message).toBe('mlp:3-2: the neuron mask of weighted layer 0 has 2 entries; the layer has 3 outputs.');
    expect(entries.fix).toBe('Give one entry per output neuron.');
    // A narrower multiplier, and each field of the number format on its own: width, signedness, either end of the codes.
    const formats: [typeof noisy8, string][] = [
      [handMultiplier(6, (a, b) => a * b, 'w6'), '8-bit signed, 6-bit signed'],
      [{ ...noisy8, width: 9 }, '8-bit signed, 9-bit signed'],
      [{ ...noisy8, signed: false }, '8-bit signed, 8-bit unsigned'],
      [{ ...noisy8, qmin: noisy8.qmin + 1 }, '8-bit signed, 8-bit signed'],
      [{ ...noisy8, qmax: noisy8.qmax - 1 }, '8-bit signed, 8-bit signed'],
    ];
    for (const [other, both] of formats) {
      const e = refusal(other);
      expect(e.message).toBe(
        `exact8 and ${other.label} have different number formats (${both}); neurons of one network mix multipliers of one format.`,
      );
      expect(e.fix).toMatch(/^Use two multipliers of one width and signedness/);
    }
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
    // Bits for every exact sum: 3 products of at most 128 * 128 = 16384 plus |bias| 5 = 49157 -> 16 magnitude bits + sign.
    expect(q.layers[0]!.exactAccumulatorBits).toBe(17);
    // On a power of two: a 4-bit multiplier whose largest |product| is 63, one input, bias 1 unit:
    // 63 + 1 = 64 needs 7 magnitude bits + sign; 63 alone would need 6 + sign.
    const m63 = handMultiplier(4, (p, r) => (p * r === 64 ? 63 : p * r), 'max63');
    const single = resolveModel('mlp:1', [1], 1);
    single.layers[0] = { kind: 'dense', units: 1, relu: false };
    expect(quantiseNetwork(single, [{ w: Float32Array.of(7), b: Float32Array.of(1) }], m63, [0]).layers[0]!.exactAccumulatorBits).toBe(8);
    expect(quantiseNetwork(single, [{ w: Float32Array.of(7), b: Float32Array.of(0) }], m63, [0]).layers[0]!.exactAccumulatorBits).toBe(7);
    // Without a product table the bound is 2^(2N) per product: 3 * 65536 + 5 -> 18 bits + sign.
    expect(quantiseNetwork(one, [{ w, b }], { ...exact8, products: undefined }, [0]).layers[0]!.exactAccumulatorBits).toBe(19);
    // The exact width holds the extreme sum: every input at -128 against weights at 127 (and the bias).
    const worst = Float32Array.of(-128, -128, -128);
    expect(referenceInference({ ...q, accumulatorBits: 17 }, worst, 1).logits[0]).toBe(referenceInference(q, worst, 1).logits[0]);
  });
});
