import { describe, expect, it } from 'vitest';
import { checkMultiplier, compileGraph, compileNetwork, requantShift } from '../../src/npu/compile.js';
import { graphTarget } from '../../src/npu/target.js';
import { runOnNpu } from '../../src/npu/run.js';
import { cycleModel } from '../../src/models/npu-program.js';
import { codeRange } from '../../src/models/pe-arith.js';
import { networkGraph, type LayerStep, type QuantisedGraph } from '../../src/ir/quantised-graph.js';
import { axnetGraph, quantiseDense } from '../../src/ir/quantised-axnet.js';
import { graphReference } from '../../src/infer/graph-reference.js';
import { Rng } from '../../src/util/rng.js';
import { thrown } from '../helpers/errors.js';
import { axnetCase, multiplierOf, multiplierOfSpec, randomInputs, randomQuantised, TEST_CNN, TEST_MLP, testNpu } from '../helpers/npu.js';

const MULT = 'exact-mul:width=8,signed';
const mlp = () => {
  const s = testNpu(MULT, 4);
  return { s, q: randomQuantised(TEST_MLP, multiplierOf(s.design.children.mult!), 9, [-4, -4, -4]) };
};

/** The compiler's limits and fields, each with what it refuses and the fix it gives (the unit tier: no simulator). */
describe('the NPU compiler', () => {
  it('packs P outputs at a time, zeros past the last; writes pooling and padding as the model says; the cycle model per layer', () => {
    const { s, q } = mlp();
    const c = compileNetwork(q, s.geo);
    // 9, 7 and 4 outputs on 4 PEs: 3, 2 and 1 groups; the last group of the first layer has only output 8 (PE 0)
    expect(c.program.layers.map((l) => l.groups)).toEqual([3, 2, 1]);
    expect(c.weights[0]!.length).toBe(12 * 3 + 9 * 2 + 7);
    const lastGroup = (p: number) => Array.from(c.weights[p]!.subarray(24, 36));
    expect(lastGroup(1).every((w) => w === 0)).toBe(true);
    expect(lastGroup(0).some((w) => w !== 0)).toBe(true);
    expect(Array.from(c.biases[3]!.subarray(0, 3)).at(-1)).toBe(0);
    const perLayer = cycleModel(c.program, 4).perLayer;
    expect(c.layers.map((l) => l.cycles)).toEqual(perLayer);
    expect(c.cyclesPerInference).toBe(cycleModel(c.program, 4).total);

    const cs = testNpu(MULT, 3);
    const cnn = compileNetwork(randomQuantised(TEST_CNN, multiplierOf(cs.design.children.mult!), 5, [-3, -3, -3]), cs.geo);
    const [conv, pool, valid, dense] = cnn.program.layers;
    expect([conv!.pad, valid!.pad, dense!.pad]).toEqual([1, 0, 0]);
    // a 'valid' 3 x 3 convolution takes no padding (TEST_CNN's valid one is 2 x 2, where 'same' would pad 0 too)
    const valid3 = {
      name: 'valid3',
      input: [5, 5, 1],
      layers: [
        { kind: 'conv2d' as const, filters: 2, kernel: 3, pad: 'valid' as const, relu: true },
        { kind: 'flatten' as const },
        { kind: 'dense' as const, units: 2, relu: false },
      ],
    };
    expect(
      compileNetwork(randomQuantised(valid3, multiplierOf(cs.design.children.mult!), 2, [-3, -3]), cs.geo).program.layers[0]!.pad,
    ).toBe(0);
    expect(pool).toMatchObject({ op: 'pool', relu: false, last: false, k: 2, h: 7, w: 7, c: 5, f: 5, oh: 3, ow: 3, fanIn: 4, groups: 1 });
  });

  it('moves only the shift of the layer a fault names, by its delta', () => {
    const { s, q } = mlp();
    const clean = compileNetwork(q, s.geo).program.layers.map((l) => l.shift);
    const faulty = compileNetwork(q, s.geo, { shiftDelta: { layer: 1, delta: 2 } }).program.layers.map((l) => l.shift);
    expect(faulty).toEqual([clean[0], clean[1]! + 2, clean[2]]);
  });

  it('refuses memories too small for the network, naming the memory and the depth it needs', () => {
    const { s, q } = mlp();
    const c = compileNetwork(q, s.geo);
    const cases: [keyof typeof s.geo, string, number][] = [
      ['wdepth', 'weight words per PE', c.weights[0]!.length],
      ['bdepth', 'bias words per PE', c.biases[0]!.length],
      ['adepth', 'activation words per buffer', c.activationWords],
      ['pdepth', 'program words', c.words.length],
    ];
    for (const [param, what, used] of cases) {
      expect(() => compileNetwork(q, { ...s.geo, [param]: used })).not.toThrow();
      const e = thrown(() => compileNetwork(q, { ...s.geo, [param]: used - 1 }));
      expect([e.message, e.fix]).toEqual([
        `mlp needs ${used} ${what}; the NPU has ${used - 1} (${param}=${used - 1}).`,
        `Use an NPU with ${param}=${used} or more (or more PEs, for weights and biases).`,
      ]);
    }
  });

  it('refuses a bias the accumulator cannot hold, and a network quantised for other accumulators', () => {
    const { s, q } = mlp();
    const withBias = (b: number) => ({
      ...q,
      layers: q.layers.map((l, k) => (k === 0 ? { ...l, bias: l.bias.map((v, j) => (j === 2 ? b : v)) } : l)),
    });
    expect(() => compileNetwork(withBias(2 ** 31 - 1), s.geo)).not.toThrow();
    const e = thrown(() => compileNetwork(withBias(-(2 ** 31)), s.geo));
    expect([e.message, e.fix]).toEqual(['mlp layer 0: bias -2147483648 (accumulator units) does not fit acc=32.', 'Use acc=33 or more.']);
    // a declared accumulator width is what the network was quantised for: narrower than exact sums need, and it must match
    const bits = Math.max(...q.layers.map((l) => l.exactAccumulatorBits)) - 1;
    const narrow = { ...q, accumulatorBits: bits };
    expect(() => compileNetwork(narrow, testNpu(MULT, 4, bits).geo)).not.toThrow();
    const other = thrown(() => compileNetwork(narrow, s.geo));
    expect([other.message, other.fix]).toEqual([
      `The network was quantised for ${bits}-bit accumulators; the NPU has acc=32.`,
      `Use acc=${bits}.`,
    ]);
  });

  it('requantises with left shifts up to 15 and clamps right shifts past the accumulator', () => {
    expect(requantShift(15, 32, 'x')).toBe(15);
    const e = thrown(() => requantShift(16, 32, 'mlp layer 0'));
    expect([e.message, e.fix]).toEqual([
      'mlp layer 0: requantising needs a left shift of 16 bits; the PE shifts left by at most 15.',
      "Recalibrate the network (its next layer exponent is far below this layer's accumulator scale).",
    ]);
    expect([requantShift(-32, 32, 'x'), requantShift(-33, 32, 'x'), requantShift(-60, 32, 'x')]).toEqual([-32, -33, -33]);
    // the Hadamard step's shift is checked the same way, under its layer's name
    const { q, s } = axnetCase(MULT, 4, 8);
    const g = axnetGraph(q);
    const far = { ...g, steps: g.steps.map((st) => (st.op === 'hadamard' ? { ...st, codeExp: -40 } : st)) };
    expect(thrown(() => compileGraph(far, s.geo)).message).toMatch(
      /^approximator hidden 1's Hadamard step: requantising needs a left shift/,
    );
  });

  it('refuses a multiplier other than the NPU’s: its width, signedness or code range', () => {
    const { s, q } = mlp();
    const f = s.geo.format;
    const m = q.mult;
    expect(() => checkMultiplier(m, f)).not.toThrow();
    const { qmin, qmax } = codeRange(f);
    expect([qmin, qmax]).toEqual([m.qmin, m.qmax]);
    for (const other of [
      { ...m, width: 7 },
      { ...m, signed: false },
      { ...m, qmin: qmin + 1 },
      { ...m, qmax: qmax - 1 },
    ]) {
      const e = thrown(() => checkMultiplier(other, f));
      expect(e.fix).toBe('Compile for the multiplier the network runs on (--multiplier).');
    }
    expect(thrown(() => checkMultiplier({ ...m, signed: false }, f)).message).toBe(
      `The network is quantised for ${m.label} (8-bit, unsigned); the NPU's multiplier is 8-bit signed.`,
    );
    expect(thrown(() => checkMultiplier(m, { ...f, signed: false })).message).toBe(
      `The network is quantised for ${m.label} (8-bit, signed); the NPU's multiplier is 8-bit unsigned.`,
    );
  });

  it('refuses a program the NPU’s instruction fields cannot hold', () => {
    const { s } = mlp();
    const mult = multiplierOfSpec(MULT);
    const wide = quantiseDense({ w: new Float32Array(70000), b: new Float32Array(1) }, mult, -4, false);
    const g: QuantisedGraph = {
      name: 'wide',
      mult,
      inputSize: 70000,
      inputExp: -4,
      steps: [{ op: 'layer', index: 0, input: 'input', output: 'y', layer: wide, from: 0, count: 1 }],
    };
    const e = thrown(() => compileGraph(g, s.geo));
    expect([e.message, e.fix]).toEqual([
      "wide does not fit the NPU's program format: C = 70000 does not fit the program's 16-bit field.",
      'Use a smaller model.',
    ]);
  });

  it('keeps a value until its last reader: a branch read after another layer wrote its buffer (a skip connection), bit-exact', async () => {
    const mult = multiplierOfSpec(MULT);
    const rng = new Rng(3);
    const u = () => (rng.nextU32() / 2 ** 32) * 2 - 1;
    const dense = (fanIn: number, outs: number, relu: boolean) =>
      quantiseDense(
        {
          w: Float32Array.from({ length: fanIn * outs }, () => u() / Math.sqrt(fanIn)),
          b: Float32Array.from({ length: outs }, () => 0.2 * u()),
        },
        mult,
        -5,
        relu,
      );
    const layer = (index: number, input: string, output: string, l: ReturnType<typeof dense>, codeExp?: number): LayerStep => ({
      op: 'layer',
      index,
      input,
      output,
      layer: l,
      from: 0,
      count: l.outputs,
      codeExp,
    });
    // a (buffer 1) is read by the first and the last step; c is written to buffer 1 in between, so it goes above a
    const g: QuantisedGraph = {
      name: 'skip',
      mult,
      inputSize: 4,
      inputExp: -5,
      steps: [
        layer(0, 'input', 'a', dense(4, 6, true), -5),
        layer(1, 'a', 'b', dense(6, 3, true), -5),
        layer(2, 'b', 'c', dense(3, 5, true), -5),
        layer(3, 'c', 'out1', dense(5, 2, false)),
        layer(4, 'a', 'out2', dense(6, 2, false)),
      ],
    };
    // reading and writing at offsets takes the extended instructions, which NPUs with the Hadamard step read
    const e = thrown(() => graphTarget(g, testNpu(MULT, 4)));
    expect([e.message, e.fix]).toEqual([
      'skip needs buffer offsets (extended instructions), which only an NPU generated with the Hadamard step reads.',
      'Generate the NPU with hadamard (npu:...,hadamard).',
    ]);
    const s = testNpu(MULT, 4, 32, undefined, { hadamard: true });
    const t = graphTarget(g, s);
    expect(t.compiled.program.layers.map((l) => [l.src, l.srcOffset ?? 0, l.dstOffset ?? 0])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 6],
      [1, 6, 0],
      [1, 0, 0],
    ]);
    expect(t.compiled.activationWords).toBe(11);
    const x = randomInputs(10, 4, 4, 1);
    const r = await runOnNpu(t, x, 10, { target: 'model' });
    expect(r.mismatch).toBeUndefined();
    expect(r.compared).toBe(10 * (6 + 3 + 5 + 2 + 2));
    const ref = graphReference(g, x, 10);
    expect(ref.get('out2')!.data.some((v) => v !== 0)).toBe(true);
  });

  it('refuses graphs the NPU cannot run: an output that is not streamed accumulators, a Hadamard step first or not on its layer', () => {
    const { s, q } = mlp();
    const g = networkGraph(q);
    const withFirst = (patch: Partial<LayerStep>): QuantisedGraph => ({
      ...g,
      steps: g.steps.map((st, i) => (i === 0 ? ({ ...st, ...patch } as LayerStep) : st)),
    });
    const readStreamed = withFirst({ codeExp: undefined });
    expect(thrown(() => compileGraph(readStreamed, s.geo)).message).toBe(
      "mlp: the NPU streams out the last layer's accumulators, so the model must end with a dense or conv2d layer.",
    );
    // ...and the reference refuses a layer that reads accumulators, or codes at another exponent than its own input's
    expect(() => graphReference(readStreamed, randomInputs(2, 12, 1), 2)).toThrow(
      /^mlp: layer 1 reads layer 0 \(accumulators at 2\^-?\d+\), not codes at 2\^-4$/,
    );
    const shifted = withFirst({ codeExp: -3 });
    expect(() => graphReference(shifted, randomInputs(2, 12, 1), 2)).toThrow(
      'mlp: layer 1 reads layer 0 (codes at 2^-3), not codes at 2^-4',
    );

    const ax = axnetCase(MULT, 4, 8, { hidden: [6], connect: [1] });
    const ag = axnetGraph(ax.q);
    const hadamard = ag.steps.find((st) => st.op === 'hadamard')!;
    const first = thrown(() => compileGraph({ ...ag, steps: [hadamard, ...ag.steps.filter((st) => st !== hadamard)] }, ax.s.geo));
    expect([first.message, first.fix]).toEqual([
      'the AXNet framework: approximator hidden 1 takes the Hadamard step on values no MAC layer writes just before it.',
      'Apply the Hadamard step to the codes of the layer right before it, read by nothing else.',
    ]);
    // the codes before the control also read by another step: they must be written, so the step cannot be fused
    const act = ag.steps[ag.steps.indexOf(hadamard) - 1] as LayerStep;
    const out = ag.steps.at(-1) as LayerStep;
    const shared = { ...ag, steps: [...ag.steps, { ...out, input: act.output, output: 'extra' }] };
    expect(thrown(() => compileGraph(shared, ax.s.geo)).message).toMatch(
      /takes the Hadamard step on values no MAC layer writes just before it/,
    );
  });
});
