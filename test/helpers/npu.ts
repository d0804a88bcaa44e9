import type { ApproxMultiplier } from '../../src/multipliers/fixed-multiplier.js';
import type { Design } from '../../src/gen/design.js';
import { multiplierCodes } from '../../src/gen/units/pe.js';
import { quantiseNetwork, type QuantisedNetwork } from '../../src/ir/quantised-network.js';
import { layerShapes, type ModelSpec } from '../../src/ir/model-spec.js';
import { Rng } from '../../src/util/rng.js';
import { generateModule } from '../../src/gen/generate-module.js';
import { getModule, resolveModule } from '../../src/gen/registry.js';
import { npuGeometry } from '../../src/gen/units/npu.js';
import type { AxnetWeights, QuantisedAxnet } from '../../src/ir/quantised-axnet.js';
import { axnetNpu } from '../../src/npu/axnet-target.js';
import type { NpuHardware } from '../../src/npu/target.js';
import { quantiseAxnet } from '../../src/infer/axnet-reference.js';
import { formatUnitSpec, resolveUnitSpec } from '../../src/gen/unit-spec.js';
import { generateDesign } from '../../src/gen/generate.js';

/** The multiplier a quantised network uses, from a unit's model (verify proves model == RTL), as fixed-multiplier.ts builds it from the
 * RTL table. */
export function multiplierOf(d: Design): ApproxMultiplier {
  const n = d.ports.a.width;
  const signed = d.ports.signed;
  const y = multiplierCodes(d);
  const side = 2 ** n;
  const qmin = signed ? -(2 ** (n - 1)) : -(2 ** n - 1);
  const qmax = signed ? 2 ** (n - 1) - 1 : 2 ** n - 1;
  const range = qmax - qmin + 1;
  const yw = d.ports.y.width;
  const code = (q: number) => (signed ? (q < 0 ? q + side : q) : Math.abs(q));
  const value = (c: number) => (signed && c >= 2 ** (yw - 1) ? c - 2 ** yw : c);
  const products = new Float64Array(range * range);
  for (let a = qmin; a <= qmax; a++)
    for (let b = qmin; b <= qmax; b++) {
      const s = signed || a >= 0 === b >= 0 ? 1 : -1;
      products[(a - qmin) * range + (b - qmin)] = s * value(y[code(a) * side + code(b)]!);
    }
  return {
    label: d.top,
    width: n,
    signed,
    qmin,
    qmax,
    products,
    noTransform: 'test',
    provenance: {
      source: 'registry-unit',
      unit: d.unit,
      params: d.params,
      top: d.top,
      rtlHash: d.rtlHash,
      verilator: 'model',
      verifiedAgainstModel: true,
    },
  };
}

/** A network with seeded random weights and biases, quantised at input exponents that make codes use their range. */
export function randomQuantised(
  spec: ModelSpec,
  mult: ApproxMultiplier,
  seed: number,
  inputExps: number[],
  accumulatorBits?: number,
): QuantisedNetwork {
  const rng = new Rng(seed);
  const u = () => (rng.nextU32() / 2 ** 32) * 2 - 1;
  const shapes = layerShapes(spec);
  const weights: { w: Float32Array; b: Float32Array }[] = [];
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    if (l.kind === 'dense')
      weights.push({
        w: Float32Array.from({ length: inShape[0]! * l.units }, u),
        b: Float32Array.from({ length: l.units }, () => 0.5 * u()),
      });
    if (l.kind === 'conv2d')
      weights.push({
        w: Float32Array.from({ length: l.kernel * l.kernel * inShape[2]! * l.filters }, u),
        b: Float32Array.from({ length: l.filters }, () => 0.5 * u()),
      });
  });
  return quantiseNetwork(spec, weights, mult, inputExps, { accumulatorBits });
}

export function randomInputs(n: number, features: number, seed: number, scale = 2): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * features }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);
}

/** A three-layer MLP of the NPU tests. */
export const TEST_MLP: ModelSpec = {
  name: 'mlp',
  input: [12],
  layers: [
    { kind: 'dense', units: 9, relu: true },
    { kind: 'dense', units: 7, relu: true },
    { kind: 'dense', units: 4, relu: false },
  ],
};
/** 'same' padding (the address generator's zeros), pooling, a 'valid' convolution, flatten, dense. */
export const TEST_CNN: ModelSpec = {
  name: 'cnn',
  input: [7, 7, 2],
  layers: [
    { kind: 'conv2d', filters: 5, kernel: 3, pad: 'same', relu: true },
    { kind: 'maxpool', size: 2 },
    { kind: 'conv2d', filters: 6, kernel: 2, pad: 'valid', relu: false },
    { kind: 'flatten' },
    { kind: 'dense', units: 3, relu: false },
  ],
};

export type TestNpu = NpuHardware;

/** A small NPU (memories sized for the test networks, unless `more` says; with the Hadamard step where it says) on this multiplier, or
 * on a given child design. */
export function testNpu(
  mult: string,
  P: number,
  acc = 32,
  children?: Record<string, Design>,
  more: { wdepth?: number; bdepth?: number; adepth?: number; pdepth?: number; hadamard?: boolean } & Record<
    string,
    string | number | boolean
  > = {},
): TestNpu {
  const given = { mult, p: P, acc, wdepth: 512, bdepth: 16, adepth: 256, pdepth: 64, ...more };
  const { params } = resolveModule('npu', given);
  const design = generateModule(getModule('npu'), params, children);
  return { design, geo: npuGeometry(params, design.children.mult!), spec: formatUnitSpec('npu', given) };
}

export const weightedLayers = (s: ModelSpec) => s.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv2d').length;

/** A random network on the NPU's multiplier, every layer's input at exponent `exp`. */
export function testNetwork(spec: ModelSpec, s: TestNpu, seed: number, exp: number): QuantisedNetwork {
  return randomQuantised(spec, multiplierOf(s.design.children.mult!), seed, Array(weightedLayers(spec)).fill(exp));
}

/** Seeded random AXNet weights: approximator inputs-hidden..-outputs, predictor inputs-ph-(controls + 2), control biases spread over
 * -0.5..1.5 (the Framework starts them at 1; training moves them). */
export function randomAxnetWeights(
  inputs: number,
  hidden: number[],
  outputs: number,
  ph: number,
  connect: number[],
  seed: number,
): AxnetWeights {
  const rng = new Rng(seed);
  const u = () => (rng.nextU32() / 2 ** 32) * 2 - 1;
  const layer = (fanIn: number, outs: number, bias = () => 0.3 * u()) => ({
    w: Float32Array.from({ length: fanIn * outs }, () => u() / Math.sqrt(fanIn)),
    b: Float32Array.from({ length: outs }, bias),
  });
  const sizes = [inputs, ...hidden, outputs];
  const controls = connect.reduce((a, l) => a + hidden[l - 1]!, 0);
  const approximator = sizes.slice(1).map((s, i) => layer(sizes[i]!, s));
  const out = layer(ph, controls + 2);
  for (let j = 0; j < controls; j++) out.b[j] = 0.5 + u();
  return { approximator, predictor: [layer(inputs, ph), out], connect };
}

/** The shape and seeds of a random AXNet test framework (defaults: 5-6-5-3 approximator, 5-7-(11 + 2) predictor, both hidden layers
 * connected). */
export interface AxnetShape {
  inputs: number;
  hidden: number[];
  outputs: number;
  ph: number;
  connect: number[];
  seed: number;
  inputSeed: number;
}

/** A random AXNet framework quantised for `mult` (calibrated on its n inputs in [-1, 1]) and an NPU with the Hadamard step sized for it. */
export function axnetCase(
  mult: string,
  P: number,
  n: number,
  shape: Partial<AxnetShape> = {},
): { w: AxnetWeights; x: Float32Array; q: QuantisedAxnet; s: TestNpu } {
  const c: AxnetShape = { inputs: 5, hidden: [6, 5], outputs: 3, ph: 7, connect: [1, 2], seed: 2, inputSeed: 6, ...shape };
  const w = randomAxnetWeights(c.inputs, c.hidden, c.outputs, c.ph, c.connect, c.seed);
  const x = randomInputs(n, c.inputs, c.inputSeed, 1);
  const q = quantiseAxnet(w, multiplierOfSpec(mult), x, n);
  return { w, x, q, s: axnetTestNpu(q, mult, P) };
}

/** An NPU with the Hadamard step sized for this framework, on this multiplier (its model: no simulator needed to build the design). */
export function axnetTestNpu(q: QuantisedAxnet, mult: string, P: number): TestNpu {
  const s = resolveUnitSpec(mult);
  return axnetNpu(q, mult, generateDesign(s.unit, s.params), P);
}

/** A registry multiplier as quantised layers use it, from its model. */
export const multiplierOfSpec = (mult: string): ApproxMultiplier => {
  const s = resolveUnitSpec(mult);
  return multiplierOf(generateDesign(s.unit, s.params));
};
