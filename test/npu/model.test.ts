import { describe, expect, it } from 'vitest';
import { networkTarget } from '../../src/npu/target.js';
import { compileNetwork } from '../../src/npu/compile.js';
import { runOnNpu } from '../../src/npu/run.js';
import { multipliesPerInference, operandTrace, resultCodes } from '../../src/npu/operand-trace.js';
import { decodeNpy } from '../../src/lut/npy.js';
import { referenceInference } from '../../src/infer/reference.js';
import { multiplierOf, randomInputs, randomQuantised, TEST_CNN, TEST_MLP, testNpu, weightedLayers } from '../helpers/npu.js';

/**
 * The NPU's transaction model and the compiler without a simulator (the unit tier, and what mutation testing
 * runs): the model against the integer reference at every layer, its cycle walk against the cycle model, the
 * negative controls located, operand traces. test/npu/npu.test.ts runs the same networks on the RTL.
 */

describe('the NPU transaction model against the integer reference', () => {
  it.each([
    ['exact-mul:width=8,signed', 4, TEST_MLP],
    ['drum:width=8,k=4,signed', 3, TEST_CNN],
    ['drum:width=6,k=3', 4, TEST_MLP],
    ['drum:width=6,k=3', 2, TEST_CNN],
  ] as const)('%s, P = %i, %s: every layer of every sample, predictions, cycles', async (mult, P, spec) => {
    const s = testNpu(mult, P);
    const q = randomQuantised(spec, multiplierOf(s.design.children.mult!), 5, Array(weightedLayers(spec)).fill(-5));
    const n = 10;
    const x = randomInputs(
      n,
      spec.input.reduce((a, b) => a * b, 1),
      11,
    );
    const r = await runOnNpu(networkTarget(q, s), x, n, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    const c = compileNetwork(q, s.geo);
    expect(r.compared).toBe(n * c.layers.reduce((a, l) => a + l.outputs, 0));
    expect(r.cyclesMeasured).toEqual(Array(n).fill(c.cyclesPerInference));
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(q, x, n).predictions));
  });

  it('locates each negative control (weight bit, requantisation off by one) at its layer', async () => {
    const s = testNpu('exact-mul:width=6,signed', 3);
    const q = randomQuantised(TEST_MLP, multiplierOf(s.design.children.mult!), 9, [-4, -4, -4]);
    const x = randomInputs(8, 12, 3);
    const flipped = await runOnNpu(networkTarget(q, s), x, 8, { target: 'model', corruptWeight: { pe: 1, addr: 0, bit: 5 } });
    expect(flipped.mismatch).toMatchObject({ layer: 0, pe: 1, neuron: 1, what: 'output differs from the integer reference' });
    const shifted = await runOnNpu(networkTarget(q, s, { shiftDelta: { layer: 1, delta: 1 } }), x, 8, { target: 'model' });
    expect(shifted.mismatch).toMatchObject({ sample: 0, layer: 1 });
  });
});

describe('operand traces for power: what each multiplier sees, in order', () => {
  it('PE p sees its weight image in program order, every PE the same broadcast activations; multiplies per inference counted', () => {
    const s = testNpu('drum:width=6,k=3', 3); // unsigned: magnitudes on the ports
    const q = randomQuantised(TEST_CNN, multiplierOf(s.design.children.mult!), 5, [-3, -3, -3]);
    const target = networkTarget(q, s);
    const c = target.compiled;
    const n = 2;
    const x = randomInputs(n, 98, 2);
    const t = operandTrace(target, resultCodes(q.mult, s.geo.format), x, n);
    const per = multipliesPerInference(c, 3);
    expect(per).toBe(c.program.layers.filter((l) => l.op === 'mac').reduce((a, l) => a + l.groups * l.oh * l.ow * l.fanIn * 3, 0));
    expect(t.pairs).toBe(per * n);
    const { data, shape } = decodeNpy(t.npy, 'trace');
    expect(shape).toEqual([per * n, 2]);
    const pairs = Array.from({ length: t.pairs }, (_, i) => [data.readUInt32LE(8 * i), data.readUInt32LE(8 * i + 4)] as const);
    const stream = (per * n) / 3;
    for (let p = 0; p < 3; p++) {
      // b: the weight magnitudes walked layer by layer, group by group, position by position, t by t
      const expected: number[] = [];
      for (let sample = 0; sample < n; sample++)
        for (const l of c.program.layers)
          if (l.op === 'mac')
            for (let g = 0; g < l.groups; g++)
              for (let pos = 0; pos < l.oh * l.ow; pos++)
                for (let k = 0; k < l.fanIn; k++) expected.push(c.weights[p]![l.wbase + g * l.fanIn + k]! % 64);
      expect(pairs.slice(p * stream, (p + 1) * stream).map(([, b]) => b)).toEqual(expected);
      expect(pairs.slice(p * stream, (p + 1) * stream).map(([a]) => a)).toEqual(pairs.slice(0, stream).map(([a]) => a));
    }
    // the first product of PE 0 is |code of x[0]| (a padded position reads 0: the first window starts outside)
    expect(pairs[0]![0]).toBe(0);
  });
});
