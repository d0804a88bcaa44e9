import { describe, expect, it } from 'vitest';
import { axnetReference, quantiseAxnet } from '../../src/infer/axnet-reference.js';
import { controlOffset, type AxnetWeights } from '../../src/ir/quantised-axnet.js';
import { multiplierOfSpec, randomAxnetWeights, randomInputs } from '../helpers/npu.js';

/**
 * H(x) of an AXNet framework in float64, restated from the paper's eq. 4 on the weight arrays: the
 * predictor's control columns multiply the connected hidden layers' ReLU outputs. `useControls` false
 * leaves them out (the negative control: a reference that forgot the Hadamard step).
 */
function floatH(w: AxnetWeights, x: Float32Array, n: number, useControls = true): Float64Array {
  const dense = (a: Float64Array, l: { w: Float32Array; b: Float32Array }, relu: boolean) => {
    const outs = l.b.length;
    const fanIn = l.w.length / outs;
    const y = new Float64Array(n * outs);
    for (let r = 0; r < n; r++)
      for (let j = 0; j < outs; j++) {
        let s = l.b[j]!;
        for (let t = 0; t < fanIn; t++) s += a[r * fanIn + t]! * l.w[t * outs + j]!;
        y[r * outs + j] = relu ? Math.max(0, s) : s;
      }
    return y;
  };
  const x64 = Float64Array.from(x);
  const p = dense(dense(x64, w.predictor[0]!, true), w.predictor[1]!, false);
  const pw = w.predictor[1]!.b.length;
  let a = x64;
  let at = 0;
  w.approximator.forEach((l, k) => {
    a = dense(a, l, k < w.approximator.length - 1);
    const width = l.b.length;
    if (w.connect.includes(k + 1)) {
      if (useControls) for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) a[r * width + j]! *= p[r * pw + at + j]!;
      at += width;
    }
  });
  return a;
}

const meanAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

describe('the AXNet integer reference', () => {
  const n = 200;

  it.each([
    ['all', [1, 2]],
    ['the second hidden layer', [2]],
  ])(
    'with control vectors into %s: H(x) within quantisation error of the float framework, and far from one without the Hadamard step',
    (_label, connect) => {
      const w = randomAxnetWeights(6, [10, 8], 3, 9, connect, 4);
      const x = randomInputs(n, 6, 5, 1);
      const q = quantiseAxnet(w, multiplierOfSpec('exact-mul:width=8,signed'), x, n);
      const r = axnetReference(q, x, n);
      const exact = floatH(w, x, n);
      const err = meanAbs(r.h, exact);
      const scale = meanAbs(exact, new Float64Array(exact.length));
      expect(err).toBeLessThan(0.03 * scale);
      expect(meanAbs(r.h, floatH(w, x, n, false))).toBeGreaterThan(10 * err);
    },
  );

  it(
    'stages in the NPU program order, each exponent the smallest that holds its calibration values ' +
      '(codes reach past half the range, never saturate)',
    () => {
      const w = randomAxnetWeights(5, [7, 6, 4], 2, 8, [1, 3], 9);
      const x = randomInputs(n, 5, 2, 1);
      const mult = multiplierOfSpec('drum:width=8,k=4,signed');
      const q = quantiseAxnet(w, mult, x, n);
      const r = axnetReference(q, x, n);
      expect(r.stages.map((s) => [s.name, s.kind, s.outputs])).toEqual([
        ['predictor hidden', 'codes', 8],
        ['controls', 'codes', 11],
        ['logits', 'accumulators', 2],
        ['approximator hidden 1', 'codes', 7],
        ['approximator hidden 2', 'codes', 6],
        ['approximator hidden 3', 'codes', 4],
        ['approximator output', 'accumulators', 2],
      ]);
      expect(q.activationExps).toEqual([undefined, expect.any(Number), undefined, expect.any(Number)]);
      for (const s of r.stages.filter((t) => t.kind === 'codes')) {
        const max = s.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(max, s.name).toBeGreaterThan(mult.qmax / 2);
        expect(max, s.name).toBeLessThanOrEqual(mult.qmax);
      }
      expect(r.stages.map((t) => t.exp)).toEqual([
        q.predictor[1]!.inputExp,
        q.controlExp,
        q.predictor[1]!.inputExp + q.predictor[1]!.weightExp,
        ...q.approximator.slice(1).map((l) => l.inputExp),
        q.approximator[3]!.inputExp + q.approximator[3]!.weightExp,
      ]);
      // the predictor's decision is logit 1 > logit 0, sample by sample
      const logits = r.stages[2]!.data;
      expect(Array.from(r.predictedSafe)).toEqual(Array.from({ length: n }, (_, i) => +(logits[2 * i + 1]! > logits[2 * i]!)));
    },
  );

  it('without control vectors (onepass, iterative): no controls stage, and the same H(x) as the approximator alone', () => {
    const w = randomAxnetWeights(4, [6], 2, 5, [], 3);
    const x = randomInputs(n, 4, 8, 1);
    const q = quantiseAxnet(w, multiplierOfSpec('exact-mul:width=8,signed'), x, n);
    const r = axnetReference(q, x, n);
    expect(r.stages.map((s) => s.name)).toEqual(['predictor hidden', 'logits', 'approximator hidden 1', 'approximator output']);
    expect(q.controls).toBe(0);
    // equal logit columns tie on every sample: a tie is not safe
    const tied = {
      ...w,
      predictor: [w.predictor[0]!, { w: w.predictor[1]!.w.map((_, i, a) => a[i - (i % 2)]!), b: Float32Array.from([0.5, 0.5]) }],
    };
    const t = axnetReference(quantiseAxnet(tied, multiplierOfSpec('exact-mul:width=8,signed'), x, n), x, n);
    expect(Array.from(t.stages[1]!.data.filter((_, i) => i % 2 === 0))).toEqual(
      Array.from(t.stages[1]!.data.filter((_, i) => i % 2 === 1)),
    );
    expect(Array.from(t.predictedSafe)).toEqual(Array(n).fill(0));
    expect(() => controlOffset([1], [6, 4], 2)).toThrow('hidden layer 2 takes no control vector');
    expect(controlOffset([1, 3], [6, 4, 5], 3)).toBe(6);
    expect(() => axnetReference({ ...q, mult: { ...q.mult, products: undefined } }, x, n)).toThrow(
      `${q.mult.label}: the product table is too large for reference inference`,
    );
    expect(meanAbs(r.h, floatH(w, x, n))).toBeLessThan(0.03 * meanAbs(floatH(w, x, n), new Float64Array(n * 2)));
  });
});
