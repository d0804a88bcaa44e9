import { describe, expect, it } from 'vitest';
import { axnetReference, quantiseAxnet } from '../../src/infer/axnet-reference.js';
import { compileGraph } from '../../src/npu/compile.js';
import { axnetGraph } from '../../src/ir/quantised-axnet.js';
import { axnetTarget, runAxnetOnNpu } from '../../src/npu/axnet-target.js';
import { AxhwError } from '../../src/errors.js';
import { axnetCase, axnetTestNpu, multiplierOfSpec, randomAxnetWeights, randomInputs, testNpu } from '../helpers/npu.js';
import { AXNET_CASES } from './axnet-cases.js';
import { thrown } from '../helpers/errors.js';

/**
 * AXNet on the NPU's transaction model, no simulator (the unit tier, and what mutation testing runs): every
 * stage of every sample against the integer reference, H(x) and the decisions read from the out-stream,
 * cycles against the cycle model, and the negative controls located. test/npu/axnet.test.ts runs the same
 * frameworks on the RTL.
 */
describe('AXNet on the NPU transaction model', () => {
  it.each(AXNET_CASES)('%s, P = %i, connect %j: every stage of every sample, H(x), decisions, cycles', async (mult, P, connect, hidden) => {
    const n = 12;
    const { x, q, s } = axnetCase(mult, P, n, { hidden, connect });
    const r = await runAxnetOnNpu(axnetTarget(q, s), x, n, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    const ref = axnetReference(q, x, n);
    expect(r.compared).toBe(n * ref.stages.reduce((a, st) => a + st.outputs, 0));
    expect(Array.from(r.h)).toEqual(Array.from(ref.h));
    expect(Array.from(r.predictedSafe)).toEqual(Array.from(ref.predictedSafe));
    const c = compileGraph(axnetGraph(q), s.geo);
    expect(r.cyclesMeasured).toEqual(Array(n).fill(c.cyclesPerInference));
    // one Hadamard step per connected layer, the other layers plain (8-word instructions unless they use offsets)
    expect(c.program.layers.filter((l) => l.hadamard).length).toBe(connect.length);
  });

  it(
    'locates each negative control at its stage: a flipped weight bit, the Hadamard shift off by ' +
      'one, control codes read one place off',
    async () => {
      const n = 6;
      const { x, q, s } = axnetCase('exact-mul:width=8,signed', 4, n);
      const stage = (name: string) => compileGraph(axnetGraph(q), s.geo).layers.findIndex((l) => l.name === name);
      const flipped = await runAxnetOnNpu(axnetTarget(q, s), x, n, { target: 'model', corruptWeight: { pe: 2, addr: 0, bit: 6 } });
      expect(flipped.mismatch).toMatchObject({ programLayer: stage('predictor hidden'), pe: 2, neuron: 2 });
      const shifted = await runAxnetOnNpu(axnetTarget(q, s, { hadamardShiftDelta: 1 }), x, n, { target: 'model' });
      expect(shifted.mismatch).toMatchObject({
        sample: 0,
        programLayer: stage('approximator hidden 1'),
        what: 'output differs from the integer reference',
      });
      const offset = await runAxnetOnNpu(axnetTarget(q, s, { controlOffsetDelta: 1 }), x, n, { target: 'model' });
      expect(offset.mismatch).toMatchObject({ programLayer: stage('approximator hidden 1') });
    },
  );

  it(
    'compiles to the buffer plan: stages in order, offsets, shifts from the exponents, the layer ' +
      'map, buffer use; faults move only the first Hadamard step',
    () => {
      const { q, s } = axnetCase('exact-mul:width=8,signed', 4, 16);
      const c = compileGraph(axnetGraph(q), s.geo);
      const [p0, p1] = q.predictor;
      const [a0, a1, a2] = q.approximator;
      const scale = (l: { inputExp: number; weightExp: number }) => l.inputExp + l.weightExp;
      const N = 5;
      const C = 11;
      expect(q.controls).toBe(C);
      expect(c.layers.map((l) => [l.name, l.outputs, l.codeExp, l.accExp])).toEqual([
        ['predictor hidden', 7, p1!.inputExp, undefined],
        ['controls', C, q.controlExp, undefined],
        ['logits', 2, undefined, scale(p1!)],
        ['approximator hidden 1', 6, a1!.inputExp, undefined],
        ['approximator hidden 2', 5, a2!.inputExp, undefined],
        ['approximator output', 3, undefined, scale(a2!)],
      ]);
      const pick = (l: (typeof c.program.layers)[number]) => [
        l.src,
        l.srcOffset ?? 0,
        l.dstOffset ?? 0,
        l.f,
        l.fanIn,
        l.relu,
        l.last,
        l.shift,
        l.hadamard,
      ];
      expect(c.program.layers.map(pick)).toEqual([
        [0, 0, 0, 7, 5, true, false, scale(p0!) - p1!.inputExp, undefined],
        [1, 0, N, C, 7, false, false, scale(p1!) - q.controlExp, undefined],
        [1, 0, 0, 2, 7, false, true, 0, undefined],
        [
          0,
          0,
          0,
          6,
          5,
          true,
          false,
          scale(a0!) - q.activationExps[1]!,
          { buf: 0, offset: N, shift: q.activationExps[1]! + q.controlExp - a1!.inputExp },
        ],
        [
          1,
          0,
          N + C,
          5,
          6,
          true,
          false,
          scale(a1!) - q.activationExps[2]!,
          { buf: 0, offset: N + 6, shift: q.activationExps[2]! + q.controlExp - a2!.inputExp },
        ],
        [0, N + C, 0, 3, 5, false, true, 0, undefined],
      ]);
      // buffer 0: input, controls, the second hidden layer's codes; buffer 1: the predictor's and the first hidden layer's
      expect(c.activationWords).toBe(N + C + 5);
      expect(c.inputExp).toBe(a0!.inputExp);
      const faulty = compileGraph(axnetGraph(q), s.geo, { hadamardShiftDelta: 2, controlOffsetDelta: 3 }).program.layers;
      expect(faulty[3]!.hadamard).toEqual({
        ...c.program.layers[3]!.hadamard,
        offset: N + 3,
        shift: c.program.layers[3]!.hadamard!.shift + 2,
      });
      expect(faulty[4]!.hadamard).toEqual(c.program.layers[4]!.hadamard);
    },
  );

  it('refuses an NPU without the Hadamard step, and accumulators too narrow for exact sums, each with its fix', () => {
    const mult = 'exact-mul:width=8,signed';
    // a 40-wide hidden layer needs more accumulator bits than the other layers
    const w = randomAxnetWeights(5, [40], 2, 4, [1], 1);
    const x = randomInputs(8, 5, 1, 1);
    const q = quantiseAxnet(w, multiplierOfSpec(mult), x, 8);
    const plain = testNpu(mult, 4);
    const noHadamard = thrown(() => compileGraph(axnetGraph(q), plain.geo));
    expect(noHadamard).toBeInstanceOf(AxhwError);
    expect([noHadamard.message, noHadamard.fix]).toEqual([
      "the AXNet framework needs the PEs' Hadamard step, and this NPU has none.",
      'Generate the NPU with hadamard (npu:...,hadamard).',
    ]);
    const s = axnetTestNpu(q, mult, 4);
    const need = Math.max(...[...q.predictor, ...q.approximator].map((l) => l.exactAccumulatorBits));
    expect(need).toBeGreaterThan(Math.min(...[...q.predictor, ...q.approximator].map((l) => l.exactAccumulatorBits)));
    const narrow = thrown(() => compileGraph(axnetGraph(q), { ...s.geo, format: { ...s.geo.format, accBits: need - 1 } }));
    expect([narrow.message, narrow.fix]).toEqual([
      `the AXNet framework's sums need ${need}-bit accumulators to be exact (the integer reference ` +
        `does not saturate), but the NPU has acc=${need - 1}.`,
      `Use an NPU with acc=${need} or more.`,
    ]);
    expect(() => compileGraph(axnetGraph(q), { ...s.geo, format: { ...s.geo.format, accBits: need } })).not.toThrow();
  });

  it('sizes the activation buffers by what is written to them: input and control codes, or a wide hidden layer', () => {
    const mult = 'exact-mul:width=8,signed';
    const x = randomInputs(8, 5, 1, 1);
    // one hidden layer (6) with its control vector: buffer 0 holds 5 inputs and 6 control codes, buffer 1 at most 7
    const one = quantiseAxnet(randomAxnetWeights(5, [6], 9, 7, [1], 1), multiplierOfSpec(mult), x, 8);
    expect(compileGraph(axnetGraph(one), axnetTestNpu(one, mult, 4).geo).activationWords).toBe(11);
    // two hidden layers, no control vectors, 12 streamed outputs (written to no buffer): the widest write is the second hidden layer's 4
    // codes at 5
    const wide = quantiseAxnet(randomAxnetWeights(5, [3, 4], 12, 2, [], 1), multiplierOfSpec(mult), x, 8);
    expect(compileGraph(axnetGraph(wide), axnetTestNpu(wide, mult, 4).geo).activationWords).toBe(9);
  });
});
