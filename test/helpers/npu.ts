import type { ApproxMultiplier } from '../../src/arith/fixed-multiplier.js';
import type { Design } from '../../src/gen/design.js';
import { multiplierCodes } from '../../src/gen/units/pe.js';
import { quantiseNetwork, type QuantisedNetwork } from '../../src/ir/quantised-network.js';
import { layerShapes, type ModelSpec } from '../../src/nn/models.js';
import { Rng } from '../../src/util/rng.js';

/** The multiplier a quantised network uses, from a unit's model (verify proves model == RTL), as fixed-multiplier.ts builds it from the RTL table. */
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
      const s = signed || (a >= 0) === (b >= 0) ? 1 : -1;
      products[(a - qmin) * range + (b - qmin)] = s * value(y[code(a) * side + code(b)]!);
    }
  return { label: d.top, width: n, signed, qmin, qmax, products, noTransform: 'test', provenance: { source: 'registry-unit', unit: d.unit, params: d.params, top: d.top, rtlHash: d.rtlHash, verilator: 'model', verifiedAgainstModel: true } };
}

/** A network with seeded random weights and biases, quantised at input exponents that make codes use their range. */
export function randomQuantised(spec: ModelSpec, mult: ApproxMultiplier, seed: number, inputExps: number[], accumulatorBits?: number): QuantisedNetwork {
  const rng = new Rng(seed);
  const u = () => (rng.nextU32() / 2 ** 32) * 2 - 1;
  const shapes = layerShapes(spec);
  const weights: { w: Float32Array; b: Float32Array }[] = [];
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    if (l.kind === 'dense') weights.push({ w: Float32Array.from({ length: inShape[0]! * l.units }, u), b: Float32Array.from({ length: l.units }, () => 0.5 * u()) });
    if (l.kind === 'conv2d') weights.push({ w: Float32Array.from({ length: l.kernel * l.kernel * inShape[2]! * l.filters }, u), b: Float32Array.from({ length: l.filters }, () => 0.5 * u()) });
  });
  return quantiseNetwork(spec, weights, mult, inputExps, { accumulatorBits });
}

export function randomInputs(n: number, features: number, seed: number, scale = 2): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * features }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);
}
