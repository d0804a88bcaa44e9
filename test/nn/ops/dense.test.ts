import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';
import { weightGradient } from '../../../src/nn/ops/dense.js';
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
