import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { adamStep, ExactAdam } from '../../src/train/exact-adam.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const values = (rng: Rng, n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => Math.fround(((rng.nextU32() / 2 ** 32) * 2 - 1) * scale));

/** Runs an optimiser for `steps` steps of fixed pseudo-random gradients on fresh variables; their final values. */
function run(make: () => tf.Optimizer, shapes: number[][], steps: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const vars = shapes.map((s, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          values(
            rng,
            s.reduce((a, b) => a * b, 1),
          ),
          s,
        ),
        true,
        `adam-test-${seed}-${i}-${Math.random()}`,
      ),
    ),
  );
  const opt = make();
  for (let t = 0; t < steps; t++) {
    // Gradients of every size, some exactly zero, some tiny (v underflows towards eps), some large.
    const grads = vars.map((v) => ({
      name: v.name,
      tensor: tf.tensor(
        values(rng, v.size, [1e-3, 1, 50][t % 3]!).map((g, i) => (i % 7 === 0 ? 0 : g)),
        v.shape,
      ),
    }));
    opt.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  opt.dispose();
  tf.dispose(vars);
  return out;
}

describe('ExactAdam', () => {
  // Sizes with and without a remainder of four (the kernel's scalar tail), a scalar, LeNet's first filters.
  const shapes = [[25, 6], [6], [7], [1], [400, 120], [3, 5]];

  it("updates the weights as TensorFlow.js's AdamOptimizer does, bit for bit, over many steps", () => {
    for (const lr of [1e-3, 0.05])
      expect(
        run(() => new ExactAdam(lr), shapes, 25, 51),
        `lr ${lr}`,
      ).toEqual(run(() => tf.train.adam(lr), shapes, 25, 51));
  });

  it('the kernel and its JavaScript statement agree, and the comparison can fail (negative control)', () => {
    const rng = new Rng(52);
    const n = 1003;
    const [w, g] = [values(rng, n), values(rng, n)];
    const k = {
      b1: Math.fround(0.9),
      b2: Math.fround(0.999),
      oneMinusB1: Math.fround(0.1),
      oneMinusB2: Math.fround(1 - 0.999),
      bc1: Math.fround(1 - Math.fround(0.9)),
      bc2: Math.fround(1 - Math.fround(0.999)),
      eps: Math.fround(1e-7),
      minusLr: Math.fround(-1e-3),
    };
    const js = adamStep(w, g, new Float32Array(n), new Float32Array(n), k);
    const opt = new ExactAdam(1e-3);
    const v = tf.tidy(() => tf.variable(tf.tensor(w), true, `adam-kernel-${Math.random()}`));
    const gt = tf.tensor(g);
    opt.applyGradients([{ name: v.name, tensor: gt }]);
    const kernel = v.dataSync() as Float32Array;
    opt.dispose();
    tf.dispose([v, gt]);
    expect(kernel).toEqual(js);
    // Adam in double precision, rounded once at the end, lands within an ulp or so but not on the same bits.
    const double = w.map((wi, i) => {
      const [m, s] = [k.oneMinusB1 * g[i]!, k.oneMinusB2 * g[i]! * g[i]!];
      return wi - (1e-3 * (m / k.bc1)) / (Math.sqrt(s / k.bc2) + 1e-7);
    });
    expect(Math.max(...double.map((d, i) => Math.abs(d - js[i]!)))).toBeLessThan(1e-6);
    expect(js).not.toEqual(double);
  });

  it('holds no tensors of its own', () => {
    const before = tf.memory().numTensors;
    run(() => new ExactAdam(1e-3), shapes, 3, 53);
    expect(tf.memory().numTensors).toBe(before);
  });
});
