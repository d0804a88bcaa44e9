import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { biasInAccumulatorUnits, storedWeightCodes, type NtvStorage } from '../arith/stored-weights.js';
import { layerShapes, weightedLayerSizes, type ModelSpec } from './model-spec.js';
import { explicitConv } from './im2col.js';
import { AxhwError } from '../errors.js';

/**
 * A trained network in the form fixed-point hardware runs it: per weighted layer its geometry, integer
 * weight codes and exponent, the frozen input exponent, the bias in accumulator units and the accumulator
 * width. Built once by `quantiseNetwork`; the integer reference, NTV evaluation (flipped codes), model
 * calibration and the hardware back ends (the NPU compiler, Tetris kneading) read it; none recomputes it.
 */
export interface QuantisedLayer {
  /** Index of the layer in the model spec. */
  index: number;
  kind: 'dense' | 'conv2d';
  /** Input shape of the layer (per sample) and its output shape. */
  inShape: number[];
  outShape: number[];
  /** Rows of the weight matrix (a convolution's are ordered kh, kw, c) and its columns. */
  fanIn: number;
  outputs: number;
  kernel?: number;
  pad?: 'same' | 'valid';
  /** A convolution's explicit geometry (stride, padding [top, left, bottom, right]), when it has one. */
  stride?: number;
  pads?: [number, number, number, number];
  relu: boolean;
  /** (fanIn x outputs) row-major stored codes in [qmin, qmax] (after NTV flips, when drawn). */
  weightCodes: Float32Array;
  weightExp: number;
  /** Frozen exponent of the layer's input codes. */
  inputExp: number;
  /** Bias in accumulator units at 2^(inputExp + weightExp). */
  bias: Float64Array;
  /** Bits the accumulator needs to hold every sum exactly (any input codes, these weights and bias). */
  exactAccumulatorBits: number;
  /** Per output neuron, 1 where it multiplies on the network's second multiplier (`approx`); absent: none does. */
  onApprox?: Uint8Array;
}

export interface QuantisedNetwork {
  spec: ModelSpec;
  mult: ApproxMultiplier;
  /** The second multiplier of neurons marked in their layer's `onApprox` (same number format as `mult`). */
  approx?: ApproxMultiplier;
  layers: QuantisedLayer[];
  /**
   * The model output each of the last layer's outputs is, where the network computes them in another order
   * (a network placed on a heterogeneous NPU); -1: a placeholder output that is no class. Absent: in order.
   */
  outputOf?: Int32Array;
  /**
   * Declared accumulator width in bits (two's complement, saturating at every addition); absent: wide
   * enough that every sum is exact.
   */
  accumulatorBits?: number;
}

/** Float weights and biases of the weighted layers, in order (w is fan-in x outputs, row-major). */
export interface LayerWeights {
  w: Float32Array;
  b: Float32Array;
  /** Stored codes to use instead of quantising w (e.g. codes read back from hardware). */
  codes?: Float32Array;
}

/** Per-neuron multipliers: the neurons marked 1 in their weighted layer's mask multiply on `approx`. */
export interface NeuronMultipliers {
  approx: ApproxMultiplier;
  /** Per weighted layer, in order, one entry per output neuron (filter, for a convolution). */
  masks: Uint8Array[];
}

export interface QuantiseOptions {
  /** NTV storage: flips drawn into the stored codes, layer by layer, in order. */
  ntv?: NtvStorage;
  /** Neurons on a second multiplier (ApproxAnn's assignment, a heterogeneous NPU). */
  neurons?: NeuronMultipliers;
  accumulatorBits?: number;
}

export function quantiseNetwork(
  spec: ModelSpec,
  weights: LayerWeights[],
  mult: ApproxMultiplier,
  inputExps: number[],
  o: QuantiseOptions = {},
): QuantisedNetwork {
  const shapes = layerShapes(spec);
  const sizes = weightedLayerSizes(spec);
  const approx = o.neurons?.approx;
  if (approx) sameFormat(mult, approx);
  if (o.neurons && o.neurons.masks.length !== sizes.length)
    throw new AxhwError(
      `${spec.name}: neuron multipliers given for ${o.neurons.masks.length} layers; the model has ${sizes.length} weighted layers.`,
      'Give one mask per weighted layer.',
    );
  const maxProduct = Math.max(maxAbsProduct(mult), approx ? maxAbsProduct(approx) : 0);
  const layers: QuantisedLayer[] = [];
  spec.layers.forEach((l, i) => {
    if (l.kind !== 'dense' && l.kind !== 'conv2d') return;
    const k = layers.length;
    const lw = weights[k];
    if (!lw) throw new Error(`${spec.name}: no weights for weighted layer ${k}`);
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    const { fanIn } = sizes[k]!;
    const stored = storedWeightCodes(lw.w, mult, o.ntv);
    const codes = lw.codes ?? stored.codes;
    const inputExp = inputExps[k];
    if (inputExp === undefined) throw new Error(`${spec.name}: no input exponent for weighted layer ${k}`);
    const bias = biasInAccumulatorUnits(lw.b, inputExp + stored.ew);
    const maxBias = bias.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    const mask = o.neurons?.masks[k];
    if (mask && mask.length !== lw.b.length)
      throw new AxhwError(
        `${spec.name}: the neuron mask of weighted layer ${k} has ${mask.length} entries; the layer has ${lw.b.length} outputs.`,
        'Give one entry per output neuron.',
      );
    layers.push({
      index: i,
      kind: l.kind,
      inShape,
      outShape: shapes[i]!,
      fanIn,
      outputs: lw.b.length,
      ...(l.kind === 'conv2d' ? { kernel: l.kernel, pad: l.pad, ...explicitConv(l) } : {}),
      relu: l.relu,
      weightCodes: codes,
      weightExp: stored.ew,
      inputExp,
      bias,
      exactAccumulatorBits: signedBits(fanIn * maxProduct + maxBias),
      ...(mask && mask.some((v) => v) ? { onApprox: Uint8Array.from(mask, (v) => (v ? 1 : 0)) } : {}),
    });
  });
  return { spec, mult, ...(approx ? { approx } : {}), layers, accumulatorBits: o.accumulatorBits };
}

/** Two multipliers one network mixes per neuron must read and give the same codes. */
export function sameFormat(a: ApproxMultiplier, b: ApproxMultiplier): void {
  if (a.width !== b.width || a.signed !== b.signed || a.qmin !== b.qmin || a.qmax !== b.qmax)
    throw new AxhwError(
      `${a.label} and ${b.label} have different number formats (${a.width}-bit ${a.signed ? 'signed' : 'unsigned'}, ` +
        `${b.width}-bit ${b.signed ? 'signed' : 'unsigned'}); neurons of one network mix multipliers of one format.`,
      'Use two multipliers of one width and signedness (e.g. exact-mul:width=8 and drum:width=8,k=2).',
    );
}

/** The product tables of a network's neurons: per output of a layer, its multiplier's (`mult`'s where unmarked). */
export function productTables(q: { mult: ApproxMultiplier; approx?: ApproxMultiplier }): [Float64Array, Float64Array | undefined] {
  const own = q.mult.products;
  if (!own) throw new Error(`${q.mult.label}: the product table is too large for reference inference`);
  if (q.approx && !q.approx.products) throw new Error(`${q.approx.label}: the product table is too large for reference inference`);
  return [own, q.approx?.products];
}

/** Per multiplier (its table is fixed once built): NTV evaluation quantises a network once per draw. */
const maxProducts = new WeakMap<ApproxMultiplier, number>();

/** Largest |P(a, b)| of the multiplier over its operand codes. */
function maxAbsProduct(m: ApproxMultiplier): number {
  if (!m.products) return 2 ** (2 * m.width);
  let max = maxProducts.get(m);
  // Stryker disable next-line ConditionalExpression: a cache; computing the maximum again gives the same one
  if (max === undefined) {
    max = 0;
    for (const p of m.products) max = Math.max(max, Math.abs(p));
    maxProducts.set(m, max);
  }
  return max;
}

/** Two's-complement bits that hold every integer of magnitude <= v. */
function signedBits(v: number): number {
  return Math.ceil(Math.log2(v + 1)) + 1;
}
