import { describe, expect, it } from 'vitest';
import { compileGraph, compileNetwork } from '../../src/npu/compile.js';
import { networkTarget } from '../../src/npu/target.js';
import { runOnNpu } from '../../src/npu/run.js';
import { axnetTarget, runAxnetOnNpu } from '../../src/npu/axnet-target.js';
import { axnetGraph } from '../../src/ir/quantised-axnet.js';
import { axnetReference } from '../../src/infer/axnet-reference.js';
import { referenceInference } from '../../src/infer/reference.js';
import type { ModelSpec } from '../../src/ir/model-spec.js';
import { axnetCase, multiplierOf, randomInputs, randomQuantised, TEST_CNN, testNpu } from '../helpers/npu.js';
import { thrown } from '../helpers/errors.js';

/** The one compiler on what only a graph says: where values live in the buffers, and the graphs the NPU cannot run. */
describe('compiling a graph for the NPU', () => {
  it('keeps the input and the controls for the whole inference, reuses the rest: a three-hidden-layer framework, bit-exact', async () => {
    const n = 8;
    const { x, q, s } = axnetCase('exact-mul:width=8,signed', 4, n, { hidden: [6, 5, 4], connect: [1] });
    const c = compileGraph(axnetGraph(q), s.geo);
    const N = 5;
    const C = 6;
    // [src, srcOffset, dstOffset]: buffer 0 holds the input at 0 and the controls at N; the third hidden layer reuses buffer 1 at 0
    expect(c.program.layers.map((l) => [l.src, l.srcOffset ?? 0, l.dstOffset ?? 0, l.hadamard?.offset])).toEqual([
      [0, 0, 0, undefined],
      [1, 0, N, undefined],
      [1, 0, 0, undefined],
      [0, 0, 0, N],
      [1, 0, N + C, undefined],
      [0, N + C, 0, undefined],
      [1, 0, 0, undefined],
    ]);
    expect(c.activationWords).toBe(N + C + 5);
    const r = await runAxnetOnNpu(axnetTarget(q, s), x, n, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    expect(Array.from(r.h)).toEqual(Array.from(axnetReference(q, x, n).h));
  });

  it('gives streamed outputs no buffer: a network with more outputs than it writes runs with buffers that hold just that', async () => {
    const spec: ModelSpec = {
      name: 'wide-out',
      input: [4],
      layers: [
        { kind: 'dense', units: 3, relu: true },
        { kind: 'dense', units: 10, relu: false },
      ],
    };
    const mult = 'exact-mul:width=8,signed';
    const q = randomQuantised(spec, multiplierOf(testNpu(mult, 4).design.children.mult!), 3, [-6, -6]);
    expect(compileNetwork(q, testNpu(mult, 4).geo).activationWords).toBe(4);
    const s = testNpu(mult, 4, 32, undefined, { adepth: 4 });
    const x = randomInputs(6, 4, 2, 1);
    const r = await runOnNpu(networkTarget(q, s), x, 6, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(q, x, 6).predictions));
  });

  it('refuses a network whose output is not a MAC layer’s accumulators, and a Hadamard step apart from its layer, with the fix', () => {
    const mult = 'exact-mul:width=8,signed';
    const s = testNpu(mult, 2);
    // the test CNN cut after its first pooling: 7 x 7 x 2 -> 7 x 7 x 5 -> 3 x 3 x 5
    const pooled: ModelSpec = { ...TEST_CNN, name: 'pooled', layers: TEST_CNN.layers.slice(0, 2) };
    const q = randomQuantised(pooled, multiplierOf(s.design.children.mult!), 1, [-5]);
    // the reference pools the accumulators; the NPU cannot stream them out after pooling
    expect(referenceInference(q, randomInputs(2, 98, 1), 2).logits).toHaveLength(2 * 3 * 3 * 5);
    const e = thrown(() => compileNetwork(q, s.geo));
    expect([e.message, e.fix]).toEqual([
      "pooled: the NPU streams out the last layer's accumulators, so the model must end with a dense or conv2d layer.",
      'End the model with a dense layer.',
    ]);
    const ax = axnetCase(mult, 4, 8, { hidden: [6], connect: [1] });
    const g = axnetGraph(ax.q);
    // the first hidden layer moved before the logits: its Hadamard step no longer follows it
    const [ph, controls, logits, act, hadamard, out] = g.steps;
    const apart = thrown(() => compileGraph({ ...g, steps: [ph!, controls!, act!, logits!, hadamard!, out!] }, ax.s.geo));
    expect(apart.message).toBe(
      'the AXNet framework: approximator hidden 1 takes the Hadamard step on values no MAC layer writes just before it.',
    );
  });
});
