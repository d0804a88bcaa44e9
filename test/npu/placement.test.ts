import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { lenet5, resolveModel } from '../../src/ir/model-spec.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { referenceInference } from '../../src/infer/reference.js';
import { calibrate } from '../../src/evaluate/calibrate.js';
import { quantisedNetworkOf } from '../../src/nn/to-ir.js';
import { bestSplit, layerSlots, placeNeurons } from '../../src/npu/placement.js';
import { compileGraph, compileNetwork } from '../../src/npu/compile.js';
import { networkGraph } from '../../src/ir/quantised-graph.js';
import type { NpuGeometry } from '../../src/models/npu-model.js';
import { Rng } from '../../src/util/rng.js';
import { getModule, resolveModule } from '../../src/gen/registry.js';
import { paramTag } from '../../src/gen/params.js';
import { peInstance } from '../../src/gen/units/npu.js';
import { AxhwError } from '../../src/errors.js';
import { handMultiplier } from '../helpers/multiplier.js';

const rand = (rng: Rng, n: number, scale = 1) => Float32Array.from({ length: n }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);
const exact8 = handMultiplier(8, (a, b) => a * b, 'exact8', { a: (q) => q, b: (q) => q });
// The second multiplier: weights lose their two low bits (a rank-one table, so the transform path runs too).
const masked8 = handMultiplier(8, (a, b) => a * (b & ~3), 'masked8', { a: (q) => q, b: (q) => q & ~3 });
const maskOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, j) => ((j * 7 + seed) % 3 === 0 ? 1 : 0));
const geometry = (P: number, apes: number): NpuGeometry => ({
  P,
  format: { n: 8, signed: true, yWidth: 16, accBits: 32 },
  wdepth: 1 << 20,
  bdepth: 1 << 16,
  adepth: 1 << 22,
  pdepth: 1 << 12,
  wa: 20,
  ba: 16,
  hadamard: false,
  apes,
});

beforeAll(async () => {
  await initBackend();
});

describe('neurons on two multipliers (per-neuron choice)', () => {
  const spec = resolveModel('mlp:12-8-4', [10], 4);
  const n = 30;
  const xs = rand(new Rng(3), n * 10, 3);
  const data = { x: xs, y: new Int32Array(n), n, shape: [10], classes: ['a', 'b', 'c', 'd'] };
  let net: Network;
  beforeAll(() => {
    net = new Network(spec, 5);
    net.setWeights(net.weights().map((t) => (t.name.startsWith('b') ? { ...t, data: rand(new Rng(9), t.data.length, 0.3) } : t)));
  });

  it('each column on its own multiplier: table = transform path = integer reference; marked columns are the second multiplier’s', () => {
    const masks = [12, 8, 4].map((m, k) => maskOf(m, k));
    const mixed = new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx: masked8, masks } });
    const inputExps = calibrate(net, data, mixed);
    const x = tf.tensor2d(xs, [n, 10]);
    const table = net.forward(x, mixed.with({ inputExps })).dataSync();
    const transform = net.forward(x, mixed.with({ inputExps, path: 'transform' })).dataSync();
    expect(Array.from(transform)).toEqual(Array.from(table));
    const q = quantisedNetworkOf(net, mixed.with({ inputExps }), inputExps);
    expect(q.approx).toBe(masked8);
    expect(Array.from(q.layers[2]!.onApprox!)).toEqual(Array.from(masks[2]!));
    expect(Array.from(referenceInference(q, xs, n).logits, Math.fround)).toEqual(Array.from(table));
    // Independently: in a one-layer network, marked columns equal the all-second network's, the others the all-first's.
    const one = resolveModel('mlp:6', [10], 6);
    one.layers = [{ kind: 'dense', units: 6, relu: false }];
    const single = new Network(one, 2);
    const mask = Uint8Array.of(1, 0, 0, 1, 1, 0);
    const on = (hw: FixedArithmetic) => single.forward(x, hw.with({ inputExps: [inputExps[0]!] })).dataSync();
    const both = on(new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx: masked8, masks: [mask] } }));
    const first = on(new FixedArithmetic({ mult: exact8, path: 'table' }));
    const second = on(new FixedArithmetic({ mult: masked8, path: 'table' }));
    for (let i = 0; i < both.length; i++) expect(both[i]).toBe(mask[i % 6] ? second[i] : first[i]);
    expect(Array.from(first)).not.toEqual(Array.from(second));
    x.dispose();
  });

  it('refuses a second multiplier of another number format, and masks of the wrong size', () => {
    const seven = handMultiplier(7, (a, b) => a * b, 'exact7');
    const masks = [12, 8, 4].map((m) => new Uint8Array(m));
    const hw = (approx = masked8, ms = masks) => new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx, masks: ms } });
    expect(() => quantisedNetworkOf(net, hw(seven), [0, 0, 0])).toThrow(/different number formats/);
    expect(() => quantisedNetworkOf(net, hw(masked8, masks.slice(1)), [0, 0, 0])).toThrow(/for 2 layers; the model has 3/);
    expect(() => quantisedNetworkOf(net, hw(masked8, [new Uint8Array(3), ...masks.slice(1)]), [0, 0, 0])).toThrow(/has 3 entries/);
  });
});

describe('placing neurons on a heterogeneous NPU', () => {
  it('slots by hand: each kind in order, group by group; trailing placeholders dropped', () => {
    // P = 4, PE 0 approximate: slots 0, 4, 8 take the marked neurons 0, 3, 4; the rest 1, 2, 5, 6.
    expect(Array.from(layerSlots(Uint8Array.of(1, 0, 0, 1, 1, 0, 0), 7, 4, 1, 'x'))).toEqual([0, 1, 2, 5, 3, 6, -1, -1, 4]);
    // Homogeneous: the identity.
    expect(Array.from(layerSlots(undefined, 5, 4, 0, 'x'))).toEqual([0, 1, 2, 3, 4]);
    // Every PE approximate and every neuron marked: the identity too.
    expect(Array.from(layerSlots(Uint8Array.of(1, 1, 1), 3, 2, 2, 'x'))).toEqual([0, 1, 2]);
    expect(() => layerSlots(Uint8Array.of(0, 1), 2, 4, 0, 'layer 3')).toThrow(/layer 3: 1 neurons use the second multiplier.*apes=0/);
    expect(() => layerSlots(Uint8Array.of(0, 1), 2, 4, 4, 'layer 3')).toThrow(/every PE of the NPU has the second/);
  });

  it('slots by hand under a mask (amask 0100: PE 1 approximate): the marked neurons in slots 1, 5, 9', () => {
    expect(Array.from(layerSlots(Uint8Array.of(1, 0, 0, 1, 1, 0, 0), 7, 4, { apes: 1, amask: '0100' }, 'x'))).toEqual([
      1, 0, 2, 5, 6, 3, -1, -1, -1, 4,
    ]);
    // The mask 1000 is the count apes = 1.
    const marks = Uint8Array.of(1, 0, 0, 1, 1, 0, 0);
    expect(Array.from(layerSlots(marks, 7, 4, { apes: 1, amask: '1000' }, 'x'))).toEqual(Array.from(layerSlots(marks, 7, 4, 1, 'x')));
  });

  it('the npu unit checks amask against p and apes, and names each PE instance by its multiplier', () => {
    const base = { mult: 'exact-mul:width=6', approx: 'drum:width=6,k=2', p: 4 };
    expect(() => resolveModule('npu', { ...base, apes: 2, amask: '011' })).toThrow(/amask = 011 has 3 digits for 4 PEs/);
    expect(() => resolveModule('npu', { ...base, apes: 1, amask: '0110' })).toThrow(/amask = 0110 marks 2 PEs and apes = 1/);
    expect(() => resolveModule('npu', { ...base, apes: 2, amask: '01x0' })).toThrow(/must be a string of 0s and 1s/);
    const { params } = resolveModule('npu', { ...base, apes: 2, amask: '0110' });
    expect([0, 1, 2, 3].map((pe) => peInstance(pe, { apes: 2, amask: params.amask as string }))).toEqual([
      'pe_array[0].first.u',
      'pe_array[1].approx.u',
      'pe_array[2].approx.u',
      'pe_array[3].first.u',
    ]);
    // Without a mask the names are those of apes alone, and a design's name changes only with a mask.
    expect(peInstance(1, { apes: 2 })).toBe('pe_array[1].approx.u');
    const moduleName = (raw: Record<string, unknown>) => paramTag(getModule('npu').params, resolveModule('npu', raw).params);
    expect(moduleName({ ...base, apes: 2 })).not.toContain('amask');
    expect(moduleName({ ...base, apes: 2, amask: '0110' })).toContain('amask0110');
  });

  it.each([
    [4, 1],
    [4, 3],
    [3, 2],
  ])('P = %i, apes = %i: the placed network computes the same logits, each neuron on a PE of its multiplier', (P, apes) => {
    const conv = lenet5([12, 12, 1], 4);
    const cnet = new Network(conv, 2);
    cnet.setWeights(cnet.weights().map((t) => (t.name.startsWith('b') ? { ...t, data: rand(new Rng(4), t.data.length, 0.2) } : t)));
    const m = 4;
    const imgs = rand(new Rng(5), m * 144, 2);
    const masks = [6, 16, 120, 84, 4].map((u, k) => maskOf(u, k + P));
    const hw = new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx: masked8, masks } });
    const inputExps = calibrate(cnet, { x: imgs, y: new Int32Array(m), n: m, shape: [12, 12, 1], classes: [] }, hw);
    const q = quantisedNetworkOf(cnet, hw.with({ inputExps }), inputExps);
    const placed = placeNeurons(q, P, apes);
    for (const l of placed.layers) l.onApprox!.forEach((v, j) => expect(v, `${l.kind} ${l.index} output ${j}`).toBe(j % P < apes ? 1 : 0));
    expect(placed.layers.some((l) => l.outputs > q.layers[placed.layers.indexOf(l)]!.outputs)).toBe(true);
    const want = referenceInference(q, imgs, m);
    const got = referenceInference(placed, imgs, m);
    expect(Array.from(got.logits)).toEqual(Array.from(want.logits));
    expect(Array.from(got.predictions)).toEqual(Array.from(want.predictions));
    // The compiler takes the placed network, and refuses the unplaced one on the same NPU.
    expect(() => compileNetwork(q, geometry(P, apes))).not.toThrow();
    expect(() => compileGraph(networkGraph(q), geometry(P, apes))).toThrow(/runs on PE \d+, which has the/);
    // Negative control: a network placed for another split is refused too.
    expect(() => compileGraph(networkGraph(placeNeurons(q, P, apes - 1 || 2)), geometry(P, apes))).toThrow(AxhwError);
  });

  it('the best split of the PEs has the fewest cycles by the compiler’s cycle model; in proportion to the neurons is not it', () => {
    const spec = resolveModel('mlp:24-16-4', [10], 4);
    const net = new Network(spec, 3);
    // Mostly approximate: 21 of 24, 15 of 16, 3 of 4.
    const masks = [
      Uint8Array.from({ length: 24 }, (_, j) => (j % 8 === 0 ? 0 : 1)),
      Uint8Array.from({ length: 16 }, (_, j) => (j === 5 ? 0 : 1)),
      Uint8Array.of(1, 0, 1, 1),
    ];
    const q = quantisedNetworkOf(net, new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx: masked8, masks } }), [0, 0, 0]);
    const P = 8;
    const cycles = Array.from({ length: P - 1 }, (_, i) => compileNetwork(q, geometry(P, i + 1)).cyclesPerInference);
    const best = bestSplit(q, P);
    expect(cycles[best.apes - 1]).toBe(Math.min(...cycles));
    expect(cycles[best.apes - 1]).toBeLessThan(Math.max(...cycles));
  });

  it('a homogeneous network on a homogeneous NPU is left as it is; placeholders need P(a, 0) = 0', () => {
    const spec = resolveModel('mlp:5-2', [3], 2);
    const net = new Network(spec, 1);
    const plain = quantisedNetworkOf(net, new FixedArithmetic({ mult: exact8, path: 'table' }), [0, 0]);
    expect(placeNeurons(plain, 4, 0)).toBe(plain);
    const biased = handMultiplier(8, (a, b) => a * b + (b === 0 ? 1 : 0), 'biased8');
    const masks = [Uint8Array.of(1, 0, 0, 0, 0), Uint8Array.of(0, 0)];
    const q = quantisedNetworkOf(net, new FixedArithmetic({ mult: exact8, path: 'table', neurons: { approx: biased, masks } }), [0, 0]);
    expect(() => placeNeurons(q, 4, 2)).toThrow(/biased8 gives P\(-128, 0\) = 1/);
  });
});
