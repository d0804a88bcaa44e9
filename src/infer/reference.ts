import { layerShapes, weightedLayerSizes, type LayerSpec, type ModelSpec } from '../ir/model-spec.js';
import type { QuantisedNetwork, LayerWeights } from '../ir/quantised-network.js';
import { networkGraph } from '../ir/quantised-graph.js';
import { graphReference } from './graph-reference.js';
import { argmaxRows, modelOrder } from '../ir/classes.js';
import { convLayerRows } from '../ir/im2col.js';
import { maskFloats, type FloatMultiplier } from '../multipliers/float-multiplier.js';
import { formatOperands } from '../arith/float-format.js';

/** How one weighted layer is computed: the operand form of its inputs, and the layer on rows of them. */
interface WeightedStep {
  /** Inputs as the multiplier sees them (codes, or masked floats); padding takes the value 0. */
  encode(values: Float64Array, k: number): Float32Array;
  /** Outputs (rows x outs) after bias and ReLU, as exact values, from encoded input rows. */
  apply(inputs: Float32Array, rows: number, fanIn: number, k: number, l: LayerSpec & { relu: boolean }): Float64Array;
}

/**
 * The float reference's layer walk: flatten is free, max pooling acts on values, a convolution is its
 * weighted step over im2col patches of the encoded input. Returns the final layer's values.
 */
function walk(
  spec: ModelSpec,
  x: Float32Array,
  n: number,
  step: WeightedStep,
  observe?: (layer: number, values: Float64Array) => void,
): Float64Array {
  const shapes = layerShapes(spec);
  const sizes = weightedLayerSizes(spec);
  let values: Float64Array = Float64Array.from(x);
  let k = 0;
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    if (l.kind === 'flatten') return;
    if (l.kind === 'maxpool') {
      const [h, w, c] = inShape as [number, number, number];
      const [oh, ow] = shapes[i]! as [number, number, number];
      const out = new Float64Array(n * oh * ow * c);
      // Stryker disable EqualityOperator: one step past any of these loops writes an entry that a later step overwrites, or nowhere
      for (let s = 0; s < n; s++)
        for (let y = 0; y < oh; y++)
          for (let xx = 0; xx < ow; xx++)
            for (let ch = 0; ch < c; ch++) {
              // Stryker restore EqualityOperator
              let m = -Infinity;
              for (let dy = 0; dy < l.size; dy++)
                for (let dx = 0; dx < l.size; dx++) m = Math.max(m, values[((s * h + y * l.size + dy) * w + xx * l.size + dx) * c + ch]!);
              out[((s * oh + y) * ow + xx) * c + ch] = m;
            }
      values = out;
      observe?.(i, values);
      return;
    }
    let inputs = step.encode(values, k);
    let rows = n;
    const { fanIn } = sizes[k]!;
    if (l.kind === 'conv2d') {
      ({ rows: inputs, count: rows } = convLayerRows(inputs, n, { ...l, inShape }));
    }
    values = step.apply(inputs, rows, fanIn, k, l);
    observe?.(i, values);
    k++;
  });
  return values;
}

/**
 * Integer reference inference of a plain network: its graph (ir/quantised-graph.ts) evaluated by the one
 * integer reference (infer/graph-reference.ts). Input codes at each layer's frozen exponent (round half to
 * even, saturating), every product looked up in the multiplier's RTL table, sums and the bias as integers
 * (saturating at a declared accumulator width), ReLU on the accumulator, and the next layer re-quantises.
 * Returns the predicted class per sample (first maximum on ties) and the final accumulators (scaled);
 * `observe` sees every layer's output values (scaled: a weighted layer's after ReLU, max pooling's codes;
 * flatten has none), for layer-by-layer checks.
 */
export function referenceInference(
  q: QuantisedNetwork,
  x: Float32Array,
  n: number,
  observe?: (layer: number, values: Float64Array) => void,
): { predictions: Int32Array; logits: Float64Array } {
  const g = networkGraph(q);
  const last = g.steps.at(-1);
  let logits = new Float64Array(0);
  graphReference(g, x, n, (step, raw) => {
    if (!observe && step !== last) return;
    const scale = 2 ** raw.exp;
    const values = raw.data.map((v) => v * scale);
    observe?.(step.index, values);
    if (step === last) logits = values;
  });
  // A placed network computes its outputs in another order: logits and predictions are in the model's.
  if (q.outputOf) logits = modelOrder(logits, n, q.outputOf);
  return { predictions: argmaxRows(logits, n), logits };
}

/**
 * Reference for fpmul layers: every product is round(T(x) T(w)) to the unit's format (what the RTL computes,
 * proved when the multiplier was resolved), summed in float32 in index order, plus the float32 bias. Returns the predicted
 * class per sample and the final layer's values.
 */
export function floatReferenceInference(
  spec: ModelSpec,
  layers: LayerWeights[],
  fm: FloatMultiplier,
  x: Float32Array,
  n: number,
): { predictions: Int32Array; logits: Float64Array } {
  const logits = walk(spec, x, n, {
    // values are float32 numbers held in float64, so the conversion is exact
    // format values are float32 numbers, so holding them in a Float32Array is exact
    encode: (values) =>
      fm.narrow ? Float32Array.from(formatOperands(fm.narrow, Float32Array.from(values))) : maskFloats(Float32Array.from(values), fm.mask),
    apply(tx, rows, fanIn, k, l) {
      const layer = layers[k]!;
      const outs = layer.b.length;
      const tw = fm.narrow ? formatOperands(fm.narrow, layer.w) : maskFloats(layer.w, fm.mask);
      const product = fm.narrow ? fm.narrow.product : (p: number, q: number) => Math.fround(p * q);
      const out = new Float64Array(rows * outs);
      // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
      for (let r = 0; r < rows; r++) {
        // Stryker disable next-line EqualityOperator: one step past the row writes the next row's first entry, which is then overwritten
        for (let j = 0; j < outs; j++) {
          let acc = 0;
          for (let t = 0; t < fanIn; t++) acc = Math.fround(acc + product(tx[r * fanIn + t]!, tw[t * outs + j]!));
          acc = Math.fround(acc + layer.b[j]!);
          // Stryker disable next-line EqualityOperator: ReLU of -0 or 0 is a zero either way
          out[r * outs + j] = l.relu && acc < 0 ? 0 : acc;
        }
      }
      return out;
    },
  });
  return { predictions: argmaxRows(logits, n), logits };
}
