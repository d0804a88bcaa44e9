import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { EXACT, Framework } from '../../src/axnet/framework.js';
import type { Topology } from '../../src/axnet/topology.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await initBackend();
});

const topo: Topology = { inputs: 3, outputs: 2, approximatorHidden: [4, 5], predictorHidden: 6, connect: [1, 2] };
const rng = new Rng(7);
const rand = (n: number) => Float32Array.from({ length: n }, () => (rng.nextU32() / 2 ** 32) * 2 - 1);

/** Eq. 4 restated in float64 from the weight arrays: a(i+1) = relu(W(i)^T (a(i) . c(i)) + b(i)). */
function reference(f: Framework, x: Float32Array, n: number): { h: number[][]; logits: number[][] } {
  const dense = (inp: number[], w: Float32Array, b: Float32Array, relu: boolean) =>
    Array.from(b, (bj, j) => {
      let s = bj;
      inp.forEach((v, i) => (s += v * w[i * b.length + j]!));
      return relu ? Math.max(0, s) : s;
    });
  const [aw, pw] = [f.approximator.weightArrays(), f.predictor.weightArrays()];
  const h: number[][] = [];
  const logits: number[][] = [];
  for (let s = 0; s < n; s++) {
    const xs = Array.from(x.subarray(s * 3, s * 3 + 3));
    const p = dense(dense(xs, pw[0]!.w, pw[0]!.b, true), pw[1]!.w, pw[1]!.b, false);
    const [c1, c2, lg] = [p.slice(0, 4), p.slice(4, 9), p.slice(9)];
    let a = dense(xs, aw[0]!.w, aw[0]!.b, true).map((v, i) => v * c1[i]!);
    a = dense(a, aw[1]!.w, aw[1]!.b, true).map((v, i) => v * c2[i]!);
    h.push(dense(a, aw[2]!.w, aw[2]!.b, false));
    logits.push(lg);
  }
  return { h, logits };
}

describe('the AXNet framework', () => {
  it('computes eq. 4 with the predictor output split into control vectors and logits', () => {
    const f = new Framework(topo, 3);
    // Random biases everywhere, so the split and the Hadamard step are visible.
    for (const l of [...f.approximator.weighted, ...f.predictor.weighted]) l.b.assign(tf.tensor1d(rand(l.b.size)));
    const x = rand(5 * 3);
    const r = f.forward(tf.tensor2d(x, [5, 3]));
    expect(r.h.shape).toEqual([5, 2]);
    expect(r.logits.shape).toEqual([5, 2]);
    const ref = reference(f, x, 5);
    const [h, lg] = [r.h.dataSync(), r.logits.dataSync()];
    for (let s = 0; s < 5; s++)
      for (let j = 0; j < 2; j++) {
        expect(h[s * 2 + j]).toBeCloseTo(ref.h[s]![j]!, 5);
        expect(lg[s * 2 + j]).toBeCloseTo(ref.logits[s]![j]!, 5);
      }
    expect(Array.from(f.logits(tf.tensor2d(x, [5, 3])).dataSync())).toEqual(Array.from(lg));
    f.dispose();
  });

  it('starts with control vectors of 1: a zero-weight predictor leaves the plain approximator', () => {
    const f = new Framework(topo, 3);
    const plain = new Framework({ ...topo, connect: undefined }, 3);
    expect(Array.from(f.predictor.weighted[1]!.b.dataSync())).toEqual([...new Array(9).fill(1), 0, 0]);
    f.predictor.weighted[1]!.w.assign(tf.zeros(f.predictor.weighted[1]!.w.shape));
    const x = tf.tensor2d(rand(4 * 3), [4, 3]);
    expect(Array.from(f.forward(x).h.dataSync())).toEqual(Array.from(plain.forward(x).h.dataSync()));
    // Negative control: a control vector of 0 for layer 2 silences the hidden layer (H = the output bias).
    f.predictor.weighted[1]!.b.assign(tf.tensor1d([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]));
    const bias = f.approximator.weighted[2]!.b.dataSync();
    expect(Array.from(f.forward(x).h.dataSync())).toEqual([...bias, ...bias, ...bias, ...bias]);
    f.dispose();
    plain.dispose();
  });

  it('one connected layer: only that layer takes a control vector', () => {
    const f = new Framework({ ...topo, connect: [2] }, 3);
    expect(f.predictor.weighted[1]!.b.size).toBe(5 + 2);
    f.predictor.weighted[1]!.w.assign(tf.zeros(f.predictor.weighted[1]!.w.shape));
    f.predictor.weighted[1]!.b.assign(tf.tensor1d([0, 0, 0, 0, 0, 0.3, -0.2]));
    const r = f.forward(tf.tensor2d(rand(3), [1, 3]));
    expect(Array.from(r.h.dataSync())).toEqual(Array.from(f.approximator.weighted[2]!.b.dataSync()));
    expect(Array.from(r.logits.dataSync())).toEqual([Math.fround(0.3), Math.fround(-0.2)]);
    f.dispose();
  });

  it('approximate: H(x) as forward gives it; without control vectors the predictor is not run', () => {
    const x = tf.tensor2d(rand(4 * 3), [4, 3]);
    for (const connect of [undefined, [1, 2]]) {
      const f = new Framework({ ...topo, connect }, 5);
      const layers: number[] = [];
      const spy = {
        ...EXACT,
        arithmetic: {
          label: 'spy',
          dense: (a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, layer: number) => (
            layers.push(layer),
            EXACT.arithmetic.dense(a, w, b, layer)
          ),
        },
      };
      expect(Array.from(f.approximate(x, spy).dataSync())).toEqual(Array.from(f.forward(x).h.dataSync()));
      // approximator layers are 0..2, predictor layers 3..4
      expect(layers).toEqual(connect ? [3, 4, 0, 1, 2] : [0, 1, 2]);
      f.dispose();
    }
  });

  it('evaluate: per-sample errors and decisions (safe when the safe logit is larger)', () => {
    const f = new Framework({ ...topo, connect: undefined }, 1);
    f.predictor.weighted[1]!.w.assign(tf.zeros(f.predictor.weighted[1]!.w.shape));
    f.predictor.weighted[1]!.b.assign(tf.tensor1d([0, 1]));
    const x = rand(6 * 3);
    const ev = f.evaluate(x, new Float32Array(12), 6, EXACT);
    expect(Array.from(ev.predictedSafe)).toEqual([1, 1, 1, 1, 1, 1]);
    ev.errors.forEach((e, s) => expect(e).toBeCloseTo((Math.abs(ev.h[2 * s]!) + Math.abs(ev.h[2 * s + 1]!)) / 2, 6));
    f.predictor.weighted[1]!.b.assign(tf.tensor1d([1, 0]));
    expect(Array.from(f.evaluate(x, new Float32Array(12), 6).predictedSafe)).toEqual([0, 0, 0, 0, 0, 0]);
    f.dispose();
  });
});
