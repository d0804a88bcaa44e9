import type { ApproxMultiplier } from '../arith/fixed-multiplier.js';
import { layerShapes, type LayerSpec, type ModelSpec } from '../nn/models.js';
import { maxAbs32, quantiseValue, roundHalfEven, scaleExponent } from '../arith/fixed-point.js';
import { im2col, tableMatMul } from '../arith/table-matmul.js';
import { maskFloats, type FloatMultiplier } from '../arith/float-multiplier.js';

/** Per weighted layer: float weights (fan-in x out), biases, and optionally the stored codes to use. */
export interface ReferenceLayer {
  w: Float32Array;
  b: Float32Array;
  /** Stored weight codes (e.g. after NTV flips); default: quantised from w. */
  codes?: Float32Array;
}

/** How one weighted layer is computed: the operand form of its inputs, and the layer on rows of them. */
interface WeightedStep {
  /** Inputs as the multiplier sees them (codes, or masked floats); padding takes the value 0. */
  encode(values: Float64Array, k: number): Float32Array;
  /** Outputs (rows x outs) after bias and ReLU, as exact values, from encoded input rows. */
  apply(inputs: Float32Array, rows: number, fanIn: number, k: number, l: LayerSpec & { relu: boolean }): Float64Array;
}

/**
 * The layer walk both references share: flatten is free, max pooling acts on values, a convolution is
 * its weighted step over im2col patches of the encoded input. Returns the final layer's values.
 */
function walk(spec: ModelSpec, x: Float32Array, n: number, step: WeightedStep): Float64Array {
  const shapes = layerShapes(spec);
  let values: Float64Array = Float64Array.from(x);
  let k = 0;
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    if (l.kind === 'flatten') return;
    if (l.kind === 'maxpool') {
      const [h, w, c] = inShape as [number, number, number];
      const [oh, ow] = shapes[i]! as [number, number, number];
      const out = new Float64Array(n * oh * ow * c);
      for (let s = 0; s < n; s++)
        for (let y = 0; y < oh; y++)
          for (let xx = 0; xx < ow; xx++)
            for (let ch = 0; ch < c; ch++) {
              let m = -Infinity;
              for (let dy = 0; dy < l.size; dy++) for (let dx = 0; dx < l.size; dx++) m = Math.max(m, values[((s * h + y * l.size + dy) * w + xx * l.size + dx) * c + ch]!);
              out[((s * oh + y) * ow + xx) * c + ch] = m;
            }
      values = out;
      return;
    }
    let inputs = step.encode(values, k);
    let rows = n;
    const fanIn = l.kind === 'dense' ? inShape[0]! : l.kernel * l.kernel * inShape[2]!;
    if (l.kind === 'conv2d') {
      const [h, w, c] = inShape as [number, number, number];
      const r = im2col(inputs, n, h, w, c, l.kernel, l.kernel, l.pad, 0);
      inputs = r.cols;
      rows = n * r.oh * r.ow;
    }
    values = step.apply(inputs, rows, fanIn, k, l);
    k++;
  });
  return values;
}

/** Predicted class per sample: the first maximum of its row of final values (row-major, n rows). */
export function argmaxRows(values: Float32Array | Float64Array, n: number): Int32Array {
  const classes = values.length / n;
  const predictions = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (values[s * classes + j]! > values[s * classes + best]!) best = j;
    predictions[s] = best;
  }
  return predictions;
}

/**
 * Integer reference inference: what the accelerator computes. Inputs and weights become integer codes
 * (dynamic fixed point, frozen per-layer input exponents), every product is looked up in the multiplier's
 * RTL table (never the transform), sums and the bias (in accumulator units) are exact integers, ReLU and
 * max pooling act on the accumulator, and the next layer re-quantises with round-half-even. Returns the
 * predicted class per sample (first maximum on ties) and the final accumulators.
 */
export function referenceInference(spec: ModelSpec, layers: ReferenceLayer[], inputExps: number[], mult: ApproxMultiplier, x: Float32Array, n: number): { predictions: Int32Array; logits: Float64Array } {
  if (!mult.products) throw new Error(`${mult.label}: the product table is too large for reference inference`);
  const range = mult.qmax - mult.qmin + 1;
  const quantiseAll = (v: ArrayLike<number>, e: number) => {
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = quantiseValue(v[i]!, e, mult.qmin, mult.qmax);
    return out;
  };
  const logits = walk(spec, x, n, {
    encode: (values, k) => quantiseAll(values, inputExps[k]!),
    apply(qx, rows, fanIn, k, l) {
      const layer = layers[k]!;
      const outs = layer.b.length;
      const ew = scaleExponent(maxAbs32(layer.w), mult.qmax);
      const qw = layer.codes ?? quantiseAll(layer.w, ew);
      const acc = tableMatMul(qx, qw, rows, fanIn, outs, mult.products!, mult.qmin, range);
      const scale = 2 ** (inputExps[k]! + ew);
      const out = new Float64Array(rows * outs);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < outs; j++) {
          let a = acc[r * outs + j]! + roundHalfEven(layer.b[j]! / scale);
          if (l.relu && a < 0) a = 0;
          out[r * outs + j] = a * scale;
        }
      }
      return out;
    },
  });
  return { predictions: argmaxRows(logits, n), logits };
}

/**
 * Reference for fpmul layers: every product is fround(T(x) T(w)) (what the RTL computes, proved when the
 * multiplier was resolved), summed in float32 in index order, plus the float32 bias. Returns predictions.
 */
export function floatReferenceInference(spec: ModelSpec, layers: ReferenceLayer[], fm: FloatMultiplier, x: Float32Array, n: number): Int32Array {
  const values = walk(spec, x, n, {
    // values are float32 numbers held in float64, so the conversion is exact
    encode: (values) => maskFloats(Float32Array.from(values), fm.mask),
    apply(tx, rows, fanIn, k, l) {
      const layer = layers[k]!;
      const outs = layer.b.length;
      const tw = maskFloats(layer.w, fm.mask);
      const out = new Float64Array(rows * outs);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < outs; j++) {
          let acc = 0;
          for (let t = 0; t < fanIn; t++) acc = Math.fround(acc + Math.fround(tx[r * fanIn + t]! * tw[t * outs + j]!));
          acc = Math.fround(acc + layer.b[j]!);
          out[r * outs + j] = l.relu && acc < 0 ? 0 : acc;
        }
      }
      return out;
    },
  });
  return argmaxRows(values, n);
}
