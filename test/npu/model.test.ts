import { describe, expect, it } from 'vitest';
import { networkTarget } from '../../src/npu/target.js';
import { compileNetwork } from '../../src/npu/compile.js';
import { runOnNpu } from '../../src/npu/run.js';
import { multipliesPerInference, operandTrace, resultCodes } from '../../src/npu/operand-trace.js';
import { decodeNpy } from '../../src/lut/npy.js';
import { referenceInference } from '../../src/infer/reference.js';
import { multiplierOf, randomInputs, randomQuantised, TEST_CNN, TEST_MLP, testNetwork, testNpu, weightedLayers } from '../helpers/npu.js';
import { accessesByInstance, modelAccesses } from '../../src/npu/memory-accesses.js';
import { encodeProgram, instructionWords, PROGRAM_HEADER_WORDS } from '../../src/models/npu-program.js';
import { loadCommands } from '../../src/npu/run.js';
import { getModule } from '../../src/gen/registry.js';
import type { NpuModel } from '../../src/models/npu-model.js';

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

/**
 * The transaction model's memory accesses (what `npu cost` charges per access) against a closed form of the
 * program: per layer, the window's in-range taps counted axis by axis (the padding is separable), every PE
 * reading its weight and fault mask in every MAC step and its bias once per output position.
 * test/synth/module-cost.test.ts holds the RTL's counts to the model's.
 */
describe('memory accesses of the NPU transaction model', () => {
  const inRange = (out: number, k: number, pad: number, size: number, stride: number) => {
    let n = 0;
    for (let o = 0; o < out; o++) for (let t = 0; t < k; t++) n += Number(o * stride + t - pad >= 0 && o * stride + t - pad < size);
    return n;
  };

  it.each([
    ['drum:width=8,k=4,signed', 3, TEST_MLP],
    ['exact-mul:width=8,signed', 4, TEST_CNN],
  ] as const)('%s, P = %i, %s: reads and writes of every memory, by closed form', (mult, P, spec) => {
    const s = testNpu(mult, P);
    const q = randomQuantised(spec, multiplierOf(s.design.children.mult!), 3, Array(weightedLayers(spec)).fill(-5));
    const target = networkTarget(q, s);
    const n = 3;
    const x = randomInputs(n, target.compiled.program.inputSize, 5);
    const got = modelAccesses(target, x, n);
    const p = target.compiled.program;
    const act = [
      { reads: 0, writes: p.inputSize },
      { reads: 0, writes: 0 },
    ];
    let progReads = PROGRAM_HEADER_WORDS;
    let steps = 0; // MAC steps of every PE
    let positions = 0; // output positions (each PE finishes once per position)
    for (const l of p.layers) {
      progReads += instructionWords(l);
      const dst = act[1 - l.src]!;
      if (l.op === 'pool') {
        act[l.src]!.reads += l.oh * l.ow * l.c * l.k * l.k;
        dst.writes += l.oh * l.ow * l.c;
        continue;
      }
      act[l.src]!.reads += l.groups * inRange(l.oh, l.k, l.pad, l.h, 1) * inRange(l.ow, l.k, l.pad, l.w, 1) * l.c;
      steps += l.groups * l.oh * l.ow * l.fanIn;
      positions += l.groups * l.oh * l.ow;
      if (!l.last) dst.writes += l.oh * l.ow * l.f;
    }
    const times = (a: { reads: number; writes: number }) => ({ reads: n * a.reads, writes: n * a.writes });
    const want = new Map([
      ['prog', times({ reads: progReads, writes: 0 })],
      ['act0', times(act[0]!)],
      ['act1', times(act[1]!)],
    ]);
    for (let pe = 0; pe < P; pe++) {
      want.set(`pe_array[${pe}].u.wmem`, times({ reads: steps, writes: 0 }));
      want.set(`pe_array[${pe}].u.fmask`, times({ reads: steps, writes: 0 }));
      want.set(`pe_array[${pe}].u.bmem`, times({ reads: positions, writes: 0 }));
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    expect(steps).toBeGreaterThan(0);
  });

  it('counts the host port writes of a load, and starts afresh where a costed run zeroes its counts', () => {
    const s = testNpu('drum:width=8,k=4,signed', 2);
    const target = networkTarget(testNetwork(TEST_MLP, s, 2, -4), s);
    const model = getModule('npu').model(s.design.params, s.design.children) as NpuModel;
    model.run(loadCommands(target.compiled, s.geo));
    const loaded = accessesByInstance(model.accesses, { apes: 0 });
    expect(loaded.get('prog')!.writes).toBe(encodeProgram(target.compiled.program).length);
    expect(loaded.get('pe_array[1].u.wmem')!.writes).toBeGreaterThan(0);
    expect([...loaded.values()].every((a) => a.reads === 0)).toBe(true);
    model.resetAccesses();
    expect([...accessesByInstance(model.accesses, { apes: 0 }).values()].every((a) => a.reads === 0 && a.writes === 0)).toBe(true);
  });
});
