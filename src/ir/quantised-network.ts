import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { biasInAccumulatorUnits, storedWeightCodes, type NtvStorage } from '../arith/stored-weights.js';
import { layerShapes, weightedLayerSizes, type ModelSpec } from './model-spec.js';

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
}

export interface QuantisedNetwork {
  spec: ModelSpec;
  mult: ApproxMultiplier;
  layers: QuantisedLayer[];
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

export interface QuantiseOptions {
  /** NTV storage: flips drawn into the stored codes, layer by layer, in order. */
  ntv?: NtvStorage;
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
  const maxProduct = maxAbsProduct(mult);
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
    layers.push({
      index: i,
      kind: l.kind,
      inShape,
      outShape: shapes[i]!,
      fanIn,
      outputs: lw.b.length,
      ...(l.kind === 'conv2d' ? { kernel: l.kernel, pad: l.pad } : {}),
      relu: l.relu,
      weightCodes: codes,
      weightExp: stored.ew,
      inputExp,
      bias,
      exactAccumulatorBits: signedBits(fanIn * maxProduct + maxBias),
    });
  });
  return { spec, mult, layers, accumulatorBits: o.accumulatorBits };
}

/** Largest |P(a, b)| of the multiplier over its operand codes. */
function maxAbsProduct(m: ApproxMultiplier): number {
  if (!m.products) return 2 ** (2 * m.width);
  let max = 0;
  for (const p of m.products) max = Math.max(max, Math.abs(p));
  return max;
}

/** Two's-complement bits that hold every integer of magnitude <= v. */
function signedBits(v: number): number {
  return Math.ceil(Math.log2(v + 1)) + 1;
}
