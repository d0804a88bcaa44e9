import { describe, expect, it } from 'vitest';
import { axnetReference, quantiseAxnet } from '../../src/infer/axnet-reference.js';
import { compileAxnet } from '../../src/npu/compile-axnet.js';
import { runAxnetOnNpu } from '../../src/npu/run-axnet.js';
import { AxhwError } from '../../src/errors.js';
import { axnetTestNpu, multiplierOfSpec, randomAxnetWeights, randomInputs, testNpu } from '../helpers/npu.js';
import { AXNET_CASES } from './axnet-cases.js';

/**
 * AXNet on the NPU's transaction model, no simulator (the unit tier, and what mutation testing runs): every
 * stage of every sample against the integer reference, H(x) and the decisions read from the out-stream,
 * cycles against the cycle model, and the negative controls located. test/npu/axnet.test.ts runs the same
 * frameworks on the RTL.
 */
describe('AXNet on the NPU transaction model', () => {
  it.each(AXNET_CASES)('%s, P = %i, connect %j: every stage of every sample, H(x), decisions, cycles', async (mult, P, connect, hidden) => {
    const n = 12;
    const w = randomAxnetWeights(5, hidden, 3, 7, connect, 2);
    const x = randomInputs(n, 5, 6, 1);
    const q = quantiseAxnet(w, multiplierOfSpec(mult), x, n);
    const s = axnetTestNpu(q, mult, P);
    const r = await runAxnetOnNpu(q, s.design, s.geo, x, n, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    const ref = axnetReference(q, x, n);
    expect(r.compared).toBe(n * ref.stages.reduce((a, st) => a + st.outputs, 0));
    expect(Array.from(r.h)).toEqual(Array.from(ref.h));
    expect(Array.from(r.predictedSafe)).toEqual(Array.from(ref.predictedSafe));
    const c = compileAxnet(q, s.geo);
    expect(r.cyclesMeasured).toEqual(Array(n).fill(c.cyclesPerInference));
    // one Hadamard step per connected layer, the other layers plain (8-word instructions unless they use offsets)
    expect(c.program.layers.filter((l) => l.hadamard).length).toBe(connect.length);
  });

  it('locates each negative control at its stage: a flipped weight bit, the Hadamard shift off by one, control codes read one place off', async () => {
    const mult = 'exact-mul:width=8,signed';
    const n = 6;
    const w = randomAxnetWeights(5, [6, 5], 3, 7, [1, 2], 2);
    const x = randomInputs(n, 5, 6, 1);
    const q = quantiseAxnet(w, multiplierOfSpec(mult), x, n);
    const s = axnetTestNpu(q, mult, 4);
    const stage = (name: string) => compileAxnet(q, s.geo).layers.findIndex((l) => l.name === name);
    const flipped = await runAxnetOnNpu(q, s.design, s.geo, x, n, { target: 'model', corruptWeight: { pe: 2, addr: 0, bit: 6 } });
    expect(flipped.mismatch).toMatchObject({ programLayer: stage('predictor hidden'), pe: 2, neuron: 2 });
    const shifted = await runAxnetOnNpu(q, s.design, s.geo, x, n, { target: 'model', faults: { hadamardShiftDelta: 1 } });
    expect(shifted.mismatch).toMatchObject({ sample: 0, programLayer: stage('approximator hidden 1'), what: 'output differs from the integer reference' });
    const offset = await runAxnetOnNpu(q, s.design, s.geo, x, n, { target: 'model', faults: { controlOffsetDelta: 1 } });
    expect(offset.mismatch).toMatchObject({ programLayer: stage('approximator hidden 1') });
  });

  it('refuses an NPU without the Hadamard step, and accumulators too narrow for exact sums, each with its fix', () => {
    const mult = 'exact-mul:width=8,signed';
    const w = randomAxnetWeights(5, [6], 2, 4, [1], 1);
    const x = randomInputs(8, 5, 1, 1);
    const q = quantiseAxnet(w, multiplierOfSpec(mult), x, 8);
    const plain = testNpu(mult, 4);
    expect(() => compileAxnet(q, plain.geo)).toThrow(AxhwError);
    expect(() => compileAxnet(q, plain.geo)).toThrow(/Hadamard step, and this NPU has none/);
    const s = axnetTestNpu(q, mult, 4);
    expect(() => compileAxnet(q, { ...s.geo, format: { ...s.geo.format, accBits: 12 } })).toThrow(/sums need 18-bit accumulators to be exact.*acc=12/);
  });
});
