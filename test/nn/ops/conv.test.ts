import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';
import { exactArithmetic, exactPatchArithmetic, type LayerArithmetic } from '../../../src/nn/arithmetic.js';
import { lenet5 } from '../../../src/ir/model-spec.js';
import { Network } from '../../../src/nn/network.js';
import { ExactAdam } from '../../../src/train/exact-adam.js';
import { layerKernels } from '../../../src/nn/layer-kernels.js';
import { directConv2d } from '../../../src/nn/ops/conv.js';
import { patches } from '../../../src/nn/ops/patches.js';
import { Rng } from '../../../src/util/rng.js';
import { randomTensor } from '../../helpers/random-tensor.js';

beforeAll(async () => {
  await initBackend('wasm');
});

type Conv = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const direct =
  (k: number, pad: 'same' | 'valid'): Conv =>
  (x, w, b) =>
    directConv2d(x as tf.Tensor4D, w as tf.Tensor2D, b as tf.Tensor1D, k, pad)!;
const viaPatches =
  (k: number, pad: 'same' | 'valid'): Conv =>
  (x, w, b) =>
    exactPatchArithmetic.dense(patches(x as tf.Tensor4D, k, k, pad).cols, w as tf.Tensor2D, b as tf.Tensor1D, 0);

/** The value and the gradients in x, W and b of <G, conv(x, W) + b>. */
function firstOrder(conv: Conv, [x, w, b, g]: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const value = conv(x!, w!, b!);
    const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(g!, conv(xx, ww, bb))))([x!, w!, b!]);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('directConv2d', () => {
  const cases: [number[], number, number, 'same' | 'valid'][] = [
    [[4, 28, 28, 1], 5, 6, 'same'],
    [[4, 14, 14, 6], 5, 16, 'valid'],
    [[3, 7, 9, 3], 3, 5, 'same'],
    [[2, 6, 6, 2], 4, 3, 'same'],
  ];
  afterEach(() => tf.disposeVariables());

  it('gives the patch op + dense layer their values and gradients, bit for bit', () => {
    const rng = new Rng(31);
    for (const [shape, k, cout, pad] of cases) {
      const [n, h, w, c] = shape as [number, number, number, number];
      const oh = pad === 'same' ? h : h - k + 1;
      const ow = pad === 'same' ? w : w - k + 1;
      const inputs = [
        randomTensor(rng, shape, 0.3),
        randomTensor(rng, [k * k * c, cout]),
        randomTensor(rng, [cout]),
        randomTensor(rng, [n * oh * ow, cout], 0.7),
      ];
      expect(firstOrder(direct(k, pad), inputs), `${shape} k=${k} ${pad}`).toEqual(firstOrder(viaPatches(k, pad), inputs));
      tf.dispose(inputs);
    }
  });

  it('never computes an input gradient nobody asks for (the first layer, whose input is the data)', () => {
    const k = layerKernels()!;
    const calls = { input: 0, weight: 0 };
    const [input, weight] = [k.inputGradient, k.weightGradient];
    k.inputGradient = (...a) => (calls.input++, input(...a));
    k.weightGradient = (...a) => (calls.weight++, weight(...a));
    try {
      const rng = new Rng(32);
      const [x, w, b] = [randomTensor(rng, [2, 8, 8, 1]), randomTensor(rng, [9, 4]), randomTensor(rng, [4])];
      tf.tidy(() => tf.grads((ww: tf.Tensor, bb: tf.Tensor) => tf.sum(direct(3, 'same')(x, ww, bb)))([w, b]));
      expect(calls).toEqual({ input: 0, weight: 1 });
      tf.tidy(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(direct(3, 'same')(xx, ww, b)))([x, w]));
      expect(calls).toEqual({ input: 1, weight: 2 });
      tf.dispose([x, w, b]);
    } finally {
      Object.assign(k, { inputGradient: input, weightGradient: weight });
    }
  });

  it('differentiates its gradients: second derivatives equal the patch path within float32 rounding', () => {
    // L2 = <V, d/dx <G, conv>> in W and G, L3 = <U, d/dW <G, conv>> in x and G: every second-order path.
    const rng = new Rng(33);
    const [k, pad, cout] = [5, 'valid' as const, 8];
    const [x, w, b, g, u, v] = [
      randomTensor(rng, [3, 10, 10, 3]),
      randomTensor(rng, [75, cout]),
      randomTensor(rng, [cout]),
      randomTensor(rng, [3 * 36, cout], 0.5),
      randomTensor(rng, [75, cout]),
      randomTensor(rng, [3, 10, 10, 3]),
    ];
    const second = (conv: Conv) =>
      tf.tidy(() =>
        [
          ...tf.grads((ww: tf.Tensor, gg: tf.Tensor) =>
            tf.sum(tf.mul(v!, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(gg, conv(xx, ww, b!))))(x!))),
          )([w!, g!]),
          ...tf.grads((xx: tf.Tensor, gg: tf.Tensor) =>
            tf.sum(tf.mul(u!, tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(gg, conv(xx, ww, b!))))(w!))),
          )([x!, g!]),
        ].map((t) => t.dataSync() as Float32Array),
      );
    const [got, want] = [second(direct(k, pad)), second(viaPatches(k, pad))];
    got.forEach((a, i) => {
      const scale = Math.max(...want[i]!.map(Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      expect(Math.max(...a.map((y, j) => Math.abs(y - want[i]![j]!))) / scale, `term ${i}`).toBeLessThan(1e-5);
    });
    tf.dispose([x, w, b, g, u, v]);
  });

  it('trains LeNet-5 to the same weights as the patch path, bit for bit', () => {
    const rng = new Rng(34);
    const x = randomTensor(rng, [16, 28, 28, 1], 0.4);
    const labels = tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: 16 }, (_, i) => i % 10),
        'int32',
      ),
      10,
    );
    const train = (arithmetic: LayerArithmetic) => {
      const net = new Network(lenet5([28, 28, 1], 10), 3);
      const opt = new ExactAdam(1e-3);
      for (let step = 0; step < 3; step++)
        tf.tidy(() => void opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.forward(x, arithmetic)) as tf.Scalar));
      const w = net.weights().map((p) => p.data);
      opt.dispose();
      net.dispose();
      return w;
    };
    expect(exactArithmetic.conv).toBeDefined();
    expect(exactPatchArithmetic.conv).toBeUndefined();
    expect(train(exactArithmetic)).toEqual(train(exactPatchArithmetic));
    tf.dispose([x, labels]);
  });
});
