import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';
import { maxPool, maxPoolGradientByOps } from '../../../src/nn/ops/max-pool.js';
import { Rng } from '../../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The pooling op with its gradient in TensorFlow.js ops: what maxPool computed before the kernels. */
function maxPoolByOps(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([args[0] as tf.Tensor]);
    return {
      value: tf.maxPool(args[0] as tf.Tensor4D, size, size, 'valid'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => maxPoolGradientByOps(dy, saved!, { n, h, w, c, size }),
    };
  })(x) as tf.Tensor4D;
}

describe('maxPool', () => {
  // LeNet's pools, channels below and above four, size 3, and images with rows and columns in no window.
  const cases: [number[], number][] = [
    [[8, 28, 28, 6], 2],
    [[8, 10, 10, 16], 2],
    [[2, 7, 5, 3], 2],
    [[2, 8, 9, 9], 3],
  ];
  const rng = new Rng(41);
  // Few distinct values (ties in windows), negative gradients (0 * g is -0), a NaN gradient.
  const input = (shape: number[]) =>
    tf.tensor4d(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => [0, 1, 2, -1, 0.5][rng.nextU32() % 5]!),
      shape as [number, number, number, number],
    );
  const grad = (shape: number[]) => {
    const v = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround((rng.nextU32() / 2 ** 32) * 2 - 1));
    v[3] = NaN;
    return tf.tensor(v, shape);
  };

  it('back-propagates as the TensorFlow.js ops do, to the second order, bit for bit', () => {
    for (const [shape, size] of cases) {
      const x = input(shape);
      const pooled = [shape[0]!, Math.floor(shape[1]! / size), Math.floor(shape[2]! / size), shape[3]!];
      const [g, v] = [grad(pooled), grad(shape)];
      const run = (pool: typeof maxPool) =>
        tf.tidy(() =>
          [
            tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(g, pool(xx as tf.Tensor4D, size))))(x),
            // d/dG <V, d/dx <G, pool(x)>>: the gradient of the pooling gradient.
            tf.grad((gg: tf.Tensor) => tf.sum(tf.mul(v, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(gg, pool(xx as tf.Tensor4D, size))))(x))))(
              g,
            ),
          ].map((t) => t.dataSync() as Float32Array),
        );
      expect(run(maxPool), `${shape} size ${size}`).toEqual(run(maxPoolByOps));
      tf.dispose([x, g, v]);
    }
  });

  it('with the ReLU before it fused in, computes and back-propagates as relu then pooling do, to the second order, bit for bit', () => {
    // Negative and zero pre-activations (whole windows of them: every gradient there is zero times
    // something), -0 and ties.
    const pre = (shape: number[]) =>
      tf.tensor4d(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => [0, 1, 2, -1, -0, -2, 0.5][rng.nextU32() % 7]!),
        shape as [number, number, number, number],
      );
    for (const [shape, size] of cases) {
      const x = pre(shape);
      const pooled = [shape[0]!, Math.floor(shape[1]! / size), Math.floor(shape[2]! / size), shape[3]!];
      const [g, v] = [grad(pooled), grad(shape)];
      const run = (pool: (x: tf.Tensor4D) => tf.Tensor4D) =>
        tf.tidy(() =>
          [
            pool(x),
            tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(g, pool(xx as tf.Tensor4D))))(x),
            tf.grad((gg: tf.Tensor) => tf.sum(tf.mul(v, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(gg, pool(xx as tf.Tensor4D))))(x))))(g),
          ].map((t) => t.dataSync() as Float32Array),
        );
      const fused = run((xx) => maxPool(xx, size, true));
      expect(fused, `${shape} size ${size}`).toEqual(run((xx) => maxPoolByOps(tf.relu(xx), size)));
      expect(fused, `${shape} size ${size}`).toEqual(run((xx) => maxPool(tf.relu(xx), size)));
      tf.dispose([x, g, v]);
    }
  });

  it('the comparison can fail: the gradient of another window choice differs (negative control)', () => {
    const x = tf.tensor4d([3, 1, 3, 2], [1, 2, 2, 1]);
    const dx = tf.tidy(() =>
      tf
        .grad((xx: tf.Tensor) => tf.sum(maxPool(xx as tf.Tensor4D, 2)))(x)
        .dataSync(),
    );
    expect(Array.from(dx)).toEqual([1, 0, 0, 0]);
    expect(Array.from(dx)).not.toEqual([0, 0, 1, 0]);
    x.dispose();
  });
});
