import { describe, expect, it } from 'vitest';
import { axnetReference, quantiseAxnet } from '../../src/infer/axnet-reference.js';
import { compileGraph, type CompileFaults } from '../../src/npu/compile.js';
import { axnetGraph } from '../../src/ir/quantised-axnet.js';
import type { NpuRunOptions } from '../../src/npu/run.js';
import { axnetTarget, runAxnetOnNpu } from '../../src/npu/axnet-target.js';
import { getTargetFunction } from '../../src/data/axbench/index.js';
import { axnetCase, axnetTestNpu, multiplierOfSpec, randomAxnetWeights } from '../helpers/npu.js';
import { requireTool } from '../helpers/tools.js';
import { AXNET_CASES } from './axnet-cases.js';

/**
 * AXNet on the Verilated NPU with the Hadamard step: every stage of every sample bit-exact with the integer
 * reference, H(x) and the safe / unsafe decisions from the out-stream, simulated cycles equal to the cycle
 * model; stalls change only cycles; the negative controls fail where the transaction model says they do.
 */
describe('AXNet on the NPU RTL', () => {
  it.each(AXNET_CASES)(
    '%s, P = %i, connect %j: bit-exact at every stage, H(x) and decisions, cycles',
    { timeout: 300_000 },
    async (mult, P, connect, hidden) => {
      await requireTool('verilator');
      const n = 40;
      const { x, q, s } = axnetCase(mult, P, n, { hidden, connect, seed: 12, inputSeed: 13 });
      const r = await runAxnetOnNpu(axnetTarget(q, s), x, n, { jobs: 1 });
      expect(r.mismatch).toBeUndefined();
      const ref = axnetReference(q, x, n);
      expect(r.compared).toBe(n * ref.stages.reduce((a, st) => a + st.outputs, 0));
      expect(Array.from(r.h)).toEqual(Array.from(ref.h));
      expect(Array.from(r.predictedSafe)).toEqual(Array.from(ref.predictedSafe));
      expect(new Set(r.cyclesMeasured)).toEqual(new Set([compileGraph(axnetGraph(q), s.geo).cyclesPerInference]));
    },
  );

  it('sobel on real image patches, with stalls on both streams: the same outputs, more cycles', { timeout: 300_000 }, async () => {
    await requireTool('verilator');
    const fn = getTargetFunction('sobel');
    const n = 30;
    const { x } = fn.generate(n, 3);
    const mult = 'drum:width=8,k=4,signed';
    const q = quantiseAxnet(randomAxnetWeights(fn.inputs, [8, 4], fn.outputs, 6, [1, 2], 5), multiplierOfSpec(mult), x, n);
    const s = axnetTestNpu(q, mult, 4);
    const plain = await runAxnetOnNpu(axnetTarget(q, s), x, n, { jobs: 1 });
    const stalled = await runAxnetOnNpu(axnetTarget(q, s), x, n, { jobs: 1, stall: 5 });
    expect(plain.mismatch).toBeUndefined();
    expect(stalled.mismatch).toBeUndefined();
    expect(Array.from(stalled.h)).toEqual(Array.from(plain.h));
    expect(Array.from(stalled.predictedSafe)).toEqual(Array.from(plain.predictedSafe));
    expect(stalled.simulatedCycles).toBeGreaterThan(plain.simulatedCycles);
  });

  it(
    'negative controls (the Hadamard shift off by one, control codes one place off, a flipped weight ' +
      'bit) fail on the RTL exactly where the model says',
    { timeout: 300_000 },
    async () => {
      await requireTool('verilator');
      const n = 10;
      const { x, q, s } = axnetCase('drum:width=6,k=3', 4, n);
      const cases: [CompileFaults, NpuRunOptions][] = [
        [{ hadamardShiftDelta: -1 }, {}],
        [{ controlOffsetDelta: 1 }, {}],
        [{}, { corruptWeight: { pe: 1, addr: 3, bit: 6 } }],
      ];
      for (const [faults, o] of cases) {
        const rtl = await runAxnetOnNpu(axnetTarget(q, s, faults), x, n, { ...o, jobs: 1 });
        const model = await runAxnetOnNpu(axnetTarget(q, s, faults), x, n, { ...o, target: 'model' });
        expect(rtl.mismatch, JSON.stringify([faults, o])).toBeDefined();
        expect(rtl.mismatch).toEqual(model.mismatch);
      }
    },
  );
});
