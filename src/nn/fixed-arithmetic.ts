import { tf } from './backend.js';
import type { LayerArithmetic } from './arithmetic.js';
import { patchMatrix, steConv2d } from './ops/conv.js';
import { steDense } from './ops/dense.js';
import { denseProduct } from './ops/matmul.js';
import { valuesOf } from './ops/registered.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import type { NeuronMultipliers } from '../ir/quantised-network.js';
import { scaleExponent } from '../arith/fixed-point.js';
import { applyTransform, identityTable, quantiseOperand, scaleTable } from '../arith/quantise.js';
import { biasInAccumulatorUnits, storedWeightCodes, weightExponent, type NtvStorage } from '../arith/stored-weights.js';
import { tableMatMul } from '../arith/table-matmul.js';

/** How products are formed in the forward pass of a fixed-point layer. */
export type ProductPath = 'transform' | 'table';

/**
 * A reusable output array for a layer's operand where the backend copies tensor data on upload (wasm
 * does; the CPU backend keeps the array itself, so it gets a fresh one). Saves an allocation per layer
 * and step on the fast path.
 */
function scratch(key: string, n: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(n);
  let a = scratchArrays.get(key);
  if (!a || a.length !== n) scratchArrays.set(key, (a = new Float32Array(n)));
  return a;
}
const scratchArrays = new Map<string, Float32Array>();

/**
 * Fixed-point hardware: dynamic fixed point at the multiplier's width, products through its RTL table
 * (transform fast path or general table path), optionally NTV bit flips in the stored weights (fresh
 * flips at every forward pass).
 */
export interface FixedSpec {
  mult: ApproxMultiplier;
  path: ProductPath;
  ntv?: NtvStorage;
  /** Frozen per-layer input exponents (inference); absent: each batch uses its own max |x|. */
  inputExps?: number[];
  /** Stored weight codes held fixed (one NTV draw over a whole evaluation), per weighted layer. */
  frozenWeights?: { ew: number; codes: Float32Array }[];
  /** Sees each weighted layer's input max |x| and exponents (calibration, reporting). */
  observe?: (layer: number, info: { maxAbs: number; ex: number; ew: number }) => void;
  /** Neurons on a second multiplier (per weighted layer, a mask over its outputs): each column on its own. */
  neurons?: NeuronMultipliers;
}

/**
 * y = x W + b on fixed-point hardware: x and W quantised (exponents ex, ew), products from the RTL table,
 * exact accumulation (integers), bias in accumulator units, result scaled back by 2^(ex+ew). Backward is
 * the straight-through estimator.
 */
export class FixedArithmetic implements LayerArithmetic {
  constructor(readonly spec: FixedSpec) {}

  get label(): string {
    return this.spec.mult.label;
  }

  /** The same hardware with some settings replaced (frozen scales, frozen weights, an observer). */
  with(changes: Partial<FixedSpec>): FixedArithmetic {
    return new FixedArithmetic({ ...this.spec, ...changes });
  }

  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, layer: number, input = true): tf.Tensor2D {
    // Views of the backend's memory where it allows: read before anything allocates a tensor.
    const forward = (xv: tf.Tensor2D, wv: tf.Tensor2D, bv: tf.Tensor1D) =>
      this.forward(valuesOf(xv) as Float32Array, xv.shape, wv, bv, layer);
    return steDense(x, w, b, forward, undefined, input);
  }

  /**
   * A convolution quantises its input image, not the patch matrix (every pixel lies in some window, so
   * max |x| and every element's code are the same), then gathers the patches of the codes, padding with
   * zero's code: the same operands as the dense form over the patch op, at a 25th of the quantising work.
   */
  conv(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D, kernel: number, pad: 'same' | 'valid', layer: number): tf.Tensor2D | undefined {
    return steConv2d(x, w, b, kernel, pad, (image, g, wv, bv) =>
      this.forward(image, [g.n * g.oh * g.ow, g.kh * g.kw * g.c], wv, bv, layer, (q, zero) => patchMatrix(q, g, zero)),
    );
  }

  /** The layer's value for input values xd (rows x k, or an image whose `patches` are that matrix). */
  private forward(
    xd: Float32Array,
    [rows, k]: number[],
    wv: tf.Tensor2D,
    bv: tf.Tensor1D,
    layer: number,
    patches?: (q: Float32Array, zero: number) => Float32Array,
  ): tf.Tensor2D {
    const hw = this.spec;
    const m = hw.mult;
    const n = wv.shape[1];
    // Products: Ta(qx) Tb(qw) through one exact float32 matrix product (integers below 2^24 stay exact), or
    // every product looked up in the table. Quantisation and gathers run over the data in one pass (SIMD
    // where it loads): tf.gather is slow on the wasm backend, and a chain of tf ops + sync is no faster.
    // Scales are folded in: T(q) * 2^e is exact in float32 (a power of two), so the product of scaled
    // operands is the integer accumulation times 2^(ex+ew) with the same rounding (none below 2^24), and
    // the bias is added in accumulator units in the same scale; no further tensor ops per layer.
    // Neurons on two multipliers: operands as codes, each multiplier's transform (or table) applied after.
    const mask = hw.neurons?.masks[layer];
    const mixed = mask?.some((v) => v) === true;
    const transform = hw.path === 'transform' && !mixed ? m.transform! : undefined;
    const codes = () => identityTable(m.qmin, m.qmax);
    const fixedEx = hw.inputExps?.[layer];
    const xTable = transform ? (e: number) => scaleTable(transform.a, e) : codes;
    const qx = quantiseOperand(xd, (mx) => fixedEx ?? scaleExponent(mx, m.qmax), m.qmin, m.qmax, xTable, scratch(`x${layer}`, xd.length));
    const xq = patches ? patches(qx.out, xTable(qx.e)[-m.qmin]!) : qx.out;
    const frozen = hw.frozenWeights?.[layer];
    let qw: { out: Float32Array; e: number };
    if (frozen)
      qw = { out: transform ? applyTransform(frozen.codes, scaleTable(transform.b, frozen.ew), m.qmin) : frozen.codes, e: frozen.ew };
    else {
      const wd = valuesOf(wv) as Float32Array;
      if (hw.ntv) {
        // NTV flips act on the stored codes, so the codes come first and the transform after.
        const { codes: stored, ew } = storedWeightCodes(wd, m, hw.ntv);
        qw = { out: transform ? applyTransform(stored, scaleTable(transform.b, ew), m.qmin) : stored, e: ew };
      } else
        qw = quantiseOperand(
          wd,
          weightExponent(m),
          m.qmin,
          m.qmax,
          transform ? (e) => scaleTable(transform.b, e) : codes,
          scratch(`w${layer}`, wd.length),
        );
    }
    const [ex, ew] = [qx.e, qw.e];
    hw.observe?.(layer, { maxAbs: qx.maxAbs, ex, ew });
    const e = ex + ew;
    const s = 2 ** e;
    // The bias in accumulator units, back in value units (exact: an integer times a power of two).
    const qb = Float32Array.from(biasInAccumulatorUnits(bv.dataSync() as Float32Array, e), (v) => v * s);
    if (mixed) {
      const first = mixedProducts(m, hw.path, xq, qw.out, qb, ex, ew, rows!, k!, n);
      const second = mixedProducts(hw.neurons!.approx, hw.path, xq, qw.out, qb, ex, ew, rows!, k!, n);
      for (let i = 0; i < first.length; i++) if (mask![i % n]) first[i] = second[i]!;
      return tf.tensor2d(first, [rows!, n]);
    }
    if (transform) {
      const y = denseProduct(xq, qw.out, qb, rows!, k!, n);
      if (y) return tf.tensor2d(y, [rows!, n]);
      return tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(xq, [rows!, k!]), tf.tensor2d(qw.out, [k!, n])), tf.tensor1d(qb)));
    }
    const acc = tableMatMul(xq, qw.out, rows!, k!, n, m.products!, m.qmin, m.qmax - m.qmin + 1);
    const out = new Float32Array(acc.length);
    for (let i = 0; i < acc.length; i++) out[i] = Math.fround(acc[i]!) * s + qb[i % n]!;
    return tf.tensor2d(out, [rows!, n]);
  }
}

/** The layer's values on one multiplier from operand codes: through its transform (path and multiplier allowing), else its table. */
function mixedProducts(
  m: ApproxMultiplier,
  path: ProductPath,
  xc: Float32Array,
  wc: Float32Array,
  qb: Float32Array,
  ex: number,
  ew: number,
  rows: number,
  k: number,
  n: number,
): Float32Array {
  if (path === 'transform' && m.transform) {
    const xt = applyTransform(xc, scaleTable(m.transform.a, ex), m.qmin);
    const wt = applyTransform(wc, scaleTable(m.transform.b, ew), m.qmin);
    const y = denseProduct(xt, wt, qb, rows, k, n);
    if (y) return y;
    return tf
      .tidy(() => tf.add(tf.matMul(tf.tensor2d(xt, [rows, k]), tf.tensor2d(wt, [k, n])), tf.tensor1d(qb)))
      .dataSync() as Float32Array;
  }
  const s = 2 ** (ex + ew);
  const acc = tableMatMul(xc, wc, rows, k, n, m.products!, m.qmin, m.qmax - m.qmin + 1);
  const out = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = Math.fround(acc[i]!) * s + qb[i % n]!;
  return out;
}
