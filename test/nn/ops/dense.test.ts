import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';
import {
  denseGradients,
  exactDense,
  fastDenseGradients,
  steDense,
  weightGradient,
  type DenseGradients,
} from '../../../src/nn/ops/dense.js';
import { Network } from '../../../src/nn/network.js';
import { exactPatchArithmetic } from '../../../src/nn/arithmetic.js';
import { actTerms } from '../../../src/train/act.js';
import { mlp, type ModelSpec } from '../../../src/ir/model-spec.js';
import { Rng } from '../../../src/util/rng.js';

const rand = (rng: Rng, len: number) => Float32Array.from({ length: len }, () => Math.fround((rng.nextU32() / 2 ** 32) * 2 - 1));

/** x^T dy by definition: each element a float32 sum over the rows of x in order, products rounded first. */
function reference(x: Float32Array, dy: Float32Array, rows: number, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.fround(s + Math.fround(x[r * k + p]! * dy[r * n + j]!));
      out[p * n + j] = s;
    }
  return out;
}

beforeAll(async () => {
  await initBackend();
});

describe('weightGradient', () => {
  // LeNet-5's two convolutions at batch 64 (tall patch matrices: the (dy^T x)^T route), a dense layer
  // (x^T dy), and a small odd shape of each kind.
  const shapes: [number, number, number][] = [
    [50176, 25, 6],
    [6400, 150, 16],
    [64, 400, 120],
    [300, 7, 5],
    [9, 33, 4],
  ];
  it('is x^T dy with the rows summed in order, bit for bit, on either route', () => {
    const rng = new Rng(11);
    for (const [rows, k, n] of shapes) {
      const [xs, dys] = [rand(rng, rows * k), rand(rng, rows * n)];
      const got = tf.tidy(() => weightGradient(tf.tensor2d(xs, [rows, k]), tf.tensor2d(dys, [rows, n])).dataSync());
      const plain = tf.tidy(() => tf.matMul(tf.transpose(tf.tensor2d(xs, [rows, k])), tf.tensor2d(dys, [rows, n])).dataSync());
      expect(got, `${rows} x ${k} x ${n}`).toEqual(plain);
      expect(got, `${rows} x ${k} x ${n}`).toEqual(reference(xs, dys, rows, k, n));
    }
  });

  it('the bitwise comparison can fail: rows summed in pairs round differently (negative control)', () => {
    const rng = new Rng(12);
    const [rows, k, n] = [6400, 150, 16];
    const [xs, dys] = [rand(rng, rows * k), rand(rng, rows * n)];
    const got = tf.tidy(() => weightGradient(tf.tensor2d(xs, [rows, k]), tf.tensor2d(dys, [rows, n])).dataSync());
    const halves = [0, rows / 2].map((r0) =>
      reference(xs.subarray(r0 * k, (r0 + rows / 2) * k), dys.subarray(r0 * n, (r0 + rows / 2) * n), rows / 2, k, n),
    );
    const paired = halves[0]!.map((v, i) => Math.fround(v + halves[1]![i]!));
    expect(got).not.toEqual(paired);
    expect(Math.max(...got.map((v, i) => Math.abs(v - paired[i]!)))).toBeLessThan(1e-3);
  });
});

describe('a dense layer whose input is data (no input gradient)', () => {
  const [n, k, o] = [9, 33, 5];
  const operands = (seed: number) => {
    const rng = new Rng(seed);
    return [rand(rng, n * k), rand(rng, k * o), rand(rng, o), rand(rng, n * o)] as const;
  };
  /** dW and db of sum(g * layer(x, W, b)), with the layer told its input is (false) or is not (true) data. */
  const grads = (gradients: DenseGradients, input: boolean, seed = 21) =>
    tf.tidy(() => {
      const [xs, ws, bs, gs] = operands(seed);
      const x = tf.tensor2d(xs, [n, k]);
      const g = tf.tensor2d(gs, [n, o]);
      const f = (w: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            g,
            steDense(x, w as tf.Tensor2D, b as tf.Tensor1D, (xv, wv, bv) => tf.add(tf.matMul(xv, wv), bv), gradients, input),
          ),
        );
      return tf
        .grads(f)([tf.tensor2d(ws, [k, o]), tf.tensor1d(bs)])
        .map((t) => Array.from(t.dataSync()));
    });

  it('gives the weights and bias the same gradients, bit for bit, on both gradient functions', () => {
    for (const gradients of [denseGradients, fastDenseGradients]) expect(grads(gradients, false)).toEqual(grads(gradients, true));
    // Negative control: other operands give other gradients (the comparison can fail).
    expect(grads(denseGradients, false, 22)).not.toEqual(grads(denseGradients, true));
  });

  it('computes no input gradient, and a function that computes one anyway leaks nothing', () => {
    let asked: boolean[] = [];
    const spy: DenseGradients = (dy, saved, input) => (asked.push(input ?? true), denseGradients(dy, saved, true));
    grads(spy, false);
    expect(asked).toEqual([false]);
    asked = [];
    grads(spy, true);
    expect(asked).toEqual([true]);
    const before = tf.memory().numTensors;
    grads(spy, false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to be differentiated in its input (an error, not a zero gradient)', () => {
    const [xs, ws, bs] = operands(23);
    const [w, b] = [tf.tensor2d(ws, [k, o]), tf.tensor1d(bs)];
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(exactDense(x as tf.Tensor2D, w, b, false)))(tf.tensor2d(xs, [n, k]))).toThrow(
      /Cannot compute gradient/,
    );
    expect(tf.grad((x: tf.Tensor) => tf.sum(exactDense(x as tf.Tensor2D, w, b, true)))(tf.tensor2d(xs, [n, k])).shape).toEqual([n, k]);
    tf.dispose([w, b]);
  });

  it("gives act's double back-propagation the same gradients, bit for bit, also through a convolution's patches", () => {
    // act's loss + S differentiated, once as the network runs it (its first weighted layer told its input is data),
    // once with every layer computing its input gradient: the exact patch arithmetic act runs on, patched for the test.
    const models: ModelSpec[] = [
      mlp('m', [7], [6, 3]),
      {
        name: 'c',
        input: [6, 6, 1],
        layers: [
          { kind: 'conv2d', filters: 2, kernel: 3, pad: 'valid', relu: true },
          { kind: 'flatten' },
          { kind: 'dense', units: 3, relu: false },
        ],
      },
    ];
    const actGradients = (m: Network, x: tf.Tensor) =>
      tf.tidy(() => {
        const vars = m.weighted.flatMap((p) => [p.w, p.b]);
        const { value, grads } = tf.variableGrads(() => {
          const t = actTerms(m, x);
          const loss = tf.add(tf.sum(t.logits), tf.mul(t.sensitivity, 0.5)) as tf.Scalar;
          t.logits.dispose();
          return loss;
        }, vars);
        value.dispose();
        return vars.map((v) => Array.from(grads[v.name]!.dataSync()));
      });
    const dense = exactPatchArithmetic.dense;
    for (const spec of models) {
      const m = new Network(spec, 5);
      const x = tf.tensor(rand(new Rng(31), 4 * spec.input.reduce((a, b) => a * b, 1)), [4, ...spec.input]);
      const asRun = actGradients(m, x);
      const everyInput = (() => {
        (exactPatchArithmetic as { dense: typeof dense }).dense = (xv, w, b, layer) => dense(xv, w, b, layer, true);
        try {
          return actGradients(m, x);
        } finally {
          (exactPatchArithmetic as { dense: typeof dense }).dense = dense;
        }
      })();
      expect(asRun, spec.name).toEqual(everyInput);
      expect(asRun.flat().every(Number.isFinite), spec.name).toBe(true);
      tf.dispose(x);
      m.dispose();
    }
  });
});
