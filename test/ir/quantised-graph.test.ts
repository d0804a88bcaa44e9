import { describe, expect, it } from 'vitest';
import {
  feedsHadamard,
  GRAPH_INPUT,
  graphOutputs,
  networkGraph,
  readersOf,
  valueSizes,
  writtenSteps,
  type GraphStep,
} from '../../src/ir/quantised-graph.js';
import { axnetGraph } from '../../src/ir/quantised-axnet.js';
import { axnetCase, multiplierOf, randomQuantised, TEST_CNN, testNpu } from '../helpers/npu.js';

/** The one integer form of a network: a plain network's chain and an AXNet framework's two branches as the same kind of steps. */
describe('the quantised graph', () => {
  it('lowers a plain network to a chain: codes at the next layer’s input exponent, pooling, flatten free, the last layer streamed', () => {
    const s = testNpu('exact-mul:width=8,signed', 4);
    const q = randomQuantised(TEST_CNN, multiplierOf(s.design.children.mult!), 5, [-4, -5, -6]);
    const g = networkGraph(q);
    expect(g.steps.map((st) => [st.op, st.input, st.output, st.index])).toEqual([
      ['layer', GRAPH_INPUT, 'layer 0', 0],
      ['maxpool', 'layer 0', 'layer 1', 1],
      ['layer', 'layer 1', 'layer 2', 2],
      ['layer', 'layer 2', 'layer 4', 4],
    ]);
    expect(g.steps.map((st) => (st.op === 'maxpool' ? 'pool' : st.codeExp))).toEqual([-5, 'pool', -6, undefined]);
    expect([g.inputSize, g.inputExp, g.name]).toEqual([98, -4, 'cnn']);
    expect(Object.fromEntries(valueSizes(g))).toEqual({ input: 98, 'layer 0': 245, 'layer 1': 45, 'layer 2': 24, 'layer 4': 3 });
    expect(graphOutputs(g)).toEqual([g.steps[3]]);
    expect(writtenSteps(g)).toEqual(g.steps);
  });

  it('builds an AXNet framework as branches over the input, the Hadamard step reading the controls; the stages in NPU order', () => {
    const { q } = axnetCase('exact-mul:width=8,signed', 4, 16, { hidden: [6, 5, 4], connect: [1, 3] });
    const g = axnetGraph(q);
    expect(readersOf(g).get(GRAPH_INPUT)).toEqual([0, 3]);
    expect(readersOf(g).get('controls')).toEqual([4, 7]);
    expect(writtenSteps(g).map((st) => st.label)).toEqual([
      'predictor hidden',
      'controls',
      'logits',
      'approximator hidden 1',
      'approximator hidden 2',
      'approximator hidden 3',
      'approximator output',
    ]);
    expect(writtenSteps(g).map((st) => st.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([q.inputs, q.outputs, q.controls]).toEqual([5, 3, 10]);
    expect(g.steps.map((_, i) => feedsHadamard(g, i))).toEqual([false, false, false, true, false, false, true, false, false]);
    // only a layer's codes take the Hadamard step in its pass: pooled codes before one do not
    const pooled = { ...g, steps: [{ ...g.steps[3]!, op: 'maxpool' } as GraphStep, g.steps[4]!] };
    expect(feedsHadamard(pooled, 0)).toBe(false);
    expect(graphOutputs(g).map((st) => st.output)).toEqual(['logits', 'approximator output']);
    const h = g.steps[4]!;
    expect(h).toMatchObject({ op: 'hadamard', control: 'controls', controlOffset: 0, codeExp: q.approximator[1]!.inputExp });
    expect(g.steps[7]).toMatchObject({ op: 'hadamard', controlOffset: 6, codeExp: q.approximator[3]!.inputExp });
    expect(g.steps[3]).toMatchObject({ op: 'layer', codeExp: q.activationExps[1] });
    expect(() => axnetGraph({ ...q, activationExps: [] })).toThrow('the quantised framework has no exponent act1');
  });
});
