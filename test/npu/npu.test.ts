import { beforeAll, describe, expect, it } from 'vitest';
import { generateDesign } from '../../src/gen/generate.js';
import { resolveUnitSpec } from '../../src/gen/unit-spec.js';
import type { Design } from '../../src/gen/design.js';
import { cycleModel } from '../../src/models/npu-program.js';
import { compileNetwork, type CompileFaults } from '../../src/npu/compile.js';
import { networkTarget } from '../../src/npu/target.js';
import { runOnNpu, type NpuRunOptions } from '../../src/npu/run.js';
import type { QuantisedNetwork } from '../../src/ir/quantised-network.js';
import { referenceInference } from '../../src/infer/reference.js';
import { multiplierOf, randomInputs, randomQuantised, TEST_CNN, TEST_MLP, testNetwork, testNpu, type TestNpu } from '../helpers/npu.js';
import { requireTool } from '../helpers/tools.js';

beforeAll(async () => {
  await requireTool('verilator');
});

describe('networks on the NPU, bit-exact with the integer reference', () => {
  it.each([
    ['exact-mul:width=8,signed', 4, TEST_MLP],
    ['drum:width=8,k=4,signed', 3, TEST_CNN],
    ['drum:width=6,k=3', 4, TEST_MLP], // unsigned multiplier: sign-magnitude codes and weights
    ['drum:width=6,k=3', 2, TEST_CNN],
  ] as const)('%s, P = %i, %s: every layer of every sample; simulated cycles = the cycle model', async (mult, P, spec) => {
    const s = testNpu(mult, P);
    const q = testNetwork(spec, s, 5, -5);
    const n = 24;
    const features = spec.input.reduce((a, b) => a * b, 1);
    const r = await runOnNpu(networkTarget(q, s), randomInputs(n, features, 11), n);
    expect(r.mismatch).toBeUndefined();
    const c = compileNetwork(q, s.geo);
    expect(r.compared).toBe(n * c.layers.reduce((a, l) => a + l.outputs, 0));
    expect(r.cyclesMeasured).toEqual(Array(n).fill(c.cyclesPerInference));
    // the data is not degenerate: several classes predicted
    expect(new Set(r.predictions).size).toBeGreaterThan(1);
  });

  it('saturating accumulators: a declared narrow accumulator saturates in the RTL exactly as in the reference', async () => {
    const s = testNpu('exact-mul:width=4,signed', 3, 9);
    const m = multiplierOf(s.design.children.mult!);
    // positive inputs and mostly maximum weights: hidden codes at qmax, last sums up to 7 * 7 * 7 = 343 > 255
    const saturating = (acc?: number) => {
      const q = randomQuantised(TEST_MLP, m, 8, [-2, -2, -2], acc);
      for (const l of q.layers) l.weightCodes.forEach((_, i, w) => (w[i] = i % 5 === 0 ? -3 : 7));
      return q;
    };
    const q = saturating(9);
    const n = 16;
    const x = randomInputs(n, 12, 4, 4).map(Math.abs);
    const r = await runOnNpu(networkTarget(q, s), x, n);
    expect(r.mismatch).toBeUndefined();
    // saturation happened: exact sums give other final accumulators
    expect(Array.from(referenceInference(q, x, n).logits)).not.toEqual(Array.from(referenceInference(saturating(), x, n).logits));
    expect(Math.max(...referenceInference(q, x, n).logits.map((v) => v / 2 ** (q.layers[2]!.inputExp + q.layers[2]!.weightExp)))).toBe(255);
  });

  it(
    'valid/ready handshakes: with input words withheld and out-ready dropped at random, every output ' +
      'is the same and only the cycles grow',
    async () => {
      const s = testNpu('drum:width=8,k=4,signed', 3);
      const q = testNetwork(TEST_CNN, s, 5, -5);
      const n = 12;
      const x = randomInputs(n, 98, 11);
      const steady = await runOnNpu(networkTarget(q, s), x, n);
      const stalled = await runOnNpu(networkTarget(q, s), x, n, { stall: 99 });
      expect(stalled.mismatch).toBeUndefined();
      expect(stalled.compared).toBe(steady.compared);
      expect(Array.from(stalled.predictions)).toEqual(Array.from(steady.predictions));
      for (const c of stalled.cyclesMeasured) expect(c).toBeGreaterThan(steady.cyclesModel);
    },
  );

  it('the cycle model gives cycles per inference for every P without simulating (and matches the simulation at each)', async () => {
    const rows: [number, number][] = [];
    for (const P of [1, 2, 5]) {
      const s = testNpu('exact-mul:width=6,signed', P);
      const q = testNetwork(TEST_CNN, s, 2, -3);
      const c = compileNetwork(q, s.geo);
      const r = await runOnNpu(networkTarget(q, s), randomInputs(2, 98, 1), 2);
      expect(r.cyclesMeasured).toEqual([c.cyclesPerInference, c.cyclesPerInference]);
      rows.push([P, cycleModel(c.program, P).total]);
    }
    // more PEs, fewer cycles (the MAC layers split their outputs over the PEs)
    expect(rows[0]![1]).toBeGreaterThan(rows[1]![1]);
    expect(rows[1]![1]).toBeGreaterThan(rows[2]![1]);
  });
});

describe('negative controls: npu run fails, at the place the model predicts', () => {
  const n = 8;
  let s: TestNpu;
  let q: QuantisedNetwork;
  let x: Float32Array;
  beforeAll(() => {
    s = testNpu('exact-mul:width=6,signed', 3);
    q = testNetwork(TEST_MLP, s, 9, -4);
    x = randomInputs(n, 12, 3);
  });
  const both = async (o: NpuRunOptions, setup = s, faults?: CompileFaults) => {
    const rtl = await runOnNpu(networkTarget(q, setup, faults), x, n, o);
    const model = await runOnNpu(networkTarget(q, setup, faults), x, n, { ...o, target: 'model' });
    return { rtl: rtl.mismatch, model: model.mismatch };
  };

  it('a flipped bit in the weight image: PE 1, the first layer, an output of PE 1', async () => {
    const { rtl, model } = await both({ corruptWeight: { pe: 1, addr: 0, bit: 5 } });
    expect(rtl).toBeDefined();
    expect(rtl).toEqual(model);
    expect(rtl).toMatchObject({ layer: 0, pe: 1, neuron: 1 });
  });

  it('a multiplier whose table differs in one entry (the first product the NPU computes)', async () => {
    const exact = generateDesign(resolveUnitSpec('exact-mul:width=6,signed').unit, resolveUnitSpec('exact-mul:width=6,signed').params);
    const c = compileNetwork(q, s.geo);
    // the pair of sample 0, layer 0, t = 0 on PE 0: input code x[0], weight word 0 of PE 0
    const a = Math.round(x[0]! * 2 ** -q.layers[0]!.inputExp);
    const aCode = (a < 0 ? a + 64 : a) & 63;
    const bCode = c.weights[0]![0]!;
    const top = 'exact_mul_one_entry_off';
    const text = exact.sources[`${exact.top}.v`]!.replace(`module ${exact.top}`, `module ${top}`).replace(
      'assign y = ax * bx;',
      `assign y = (a == 6'd${aCode} && b == 6'd${bCode}) ? (ax * bx) ^ 12'h400 : ax * bx;`,
    );
    expect(text).toContain("12'h400");
    const model = exact.model!;
    const altered: Design = {
      ...exact,
      top,
      sources: { [`${top}.v`]: text },
      rtlHash: 'one-entry-off',
      model: {
        evalBatch(av, bv, m, out) {
          model.evalBatch(av, bv, m, out);
          for (let i = 0; i < m; i++) if (av[i] === aCode && bv[i] === bCode) out[i] = out[i]! ^ 0x400;
        },
      },
    };
    const setup = testNpu('exact-mul:width=6,signed', 3, 32, { mult: altered });
    const r = await both({}, setup);
    expect(r.rtl).toBeDefined();
    expect(r.rtl).toEqual(r.model);
    expect(r.rtl).toMatchObject({ sample: 0, layer: 0, pe: 0 });
  });

  it('requantisation off by one in the second layer: the first difference is in that layer', async () => {
    const { rtl, model } = await both({}, s, { shiftDelta: { layer: 1, delta: 1 } });
    expect(rtl).toBeDefined();
    expect(rtl).toEqual(model);
    expect(rtl).toMatchObject({ sample: 0, layer: 1 });
  });

  it('without a fault the same runs are bit-exact (the controls fail because of the fault)', async () => {
    const { rtl, model } = await both({});
    expect(rtl).toBeUndefined();
    expect(model).toBeUndefined();
  });
});
