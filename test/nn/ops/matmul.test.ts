import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';
import { exactDense } from '../../../src/nn/ops/dense.js';
import { directDense } from '../../../src/nn/ops/matmul.js';
import { Rng } from '../../../src/util/rng.js';
import { randomTensor } from '../../helpers/random-tensor.js';

beforeAll(async () => {
  await initBackend('wasm');
});

type Dense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** y and the gradients in x, W and b of <G, dense(x, W, b)>. */
const firstOrder = (dense: Dense, [x, w, b, g]: tf.Tensor[]) =>
  tf.tidy(() =>
    [
      dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
      ...tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(g!, dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D))),
      )([x!, w!, b!]),
    ].map((t) => t.dataSync() as Float32Array),
  );

describe('directDense', () => {
  // [m, k, n]: LeNet-5's and the MLPs' layers at batch 64, a last batch that is not a multiple of four, odd
  // widths (the four-column and partial paths), one row, one output.
  const shapes: [number, number, number][] = [
    [64, 400, 120],
    [64, 784, 128],
    [37, 84, 10],
    [5, 7, 3],
    [1, 30, 64],
    [64, 13, 1],
  ];
  it('gives tf.matMul + tf.add their values and the dense layer its gradients, bit for bit', () => {
    const rng = new Rng(61);
    for (const [m, k, n] of shapes) {
      const inputs = [randomTensor(rng, [m, k], 0.4), randomTensor(rng, [k, n]), randomTensor(rng, [n]), randomTensor(rng, [m, n], 0.5)];
      expect(
        firstOrder((x, w, b) => directDense(x, w, b)!, inputs),
        `${m} x ${k} x ${n}`,
      ).toEqual(firstOrder(exactDense, inputs));
      tf.dispose(inputs);
    }
  });

  it('the comparison can fail: the product summed in two halves differs (negative control)', () => {
    const rng = new Rng(62);
    const [x, w, b] = [randomTensor(rng, [64, 400]), randomTensor(rng, [400, 120]), tf.zeros([120])];
    const got = tf.tidy(() => directDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)!.dataSync() as Float32Array);
    const halves = tf.tidy(
      () =>
        tf
          .add(
            tf.matMul(tf.slice(x, [0, 0], [64, 200]), tf.slice(w, [0, 0], [200, 120])),
            tf.matMul(tf.slice(x, [0, 200], [64, 200]), tf.slice(w, [200, 0], [200, 120])),
          )
          .dataSync() as Float32Array,
    );
    expect(Math.max(...got.map((v, i) => Math.abs(v - halves[i]!)))).toBeLessThan(1e-4);
    expect(got).not.toEqual(halves);
    tf.dispose([x, w, b]);
  });
});
