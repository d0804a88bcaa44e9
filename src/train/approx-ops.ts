import { tf } from './backend.js';
import type { ApproxMultiplier } from './multiplier.js';
import { scaleExponent } from './fixed-point.js';
import { flipWeightBits } from './ntv.js';
import { col2im, im2col, tableMatMul } from './table-matmul.js';
import type { Rng } from '../util/rng.js';

/** How products are formed in the forward pass of an approximate layer. */
export type ProductPath = 'transform' | 'table';

/**
 * The hardware a forward pass runs on: dynamic fixed point at the multiplier's width, products through
 * its RTL table (transform fast path or general table path), optionally NTV bit flips in the stored
 * weights (fresh flips at every forward pass).
 */
export interface HardwareSpec {
  mult: ApproxMultiplier;
  path: ProductPath;
  ntv?: { rate: number; rng: Rng };
  /** Frozen per-layer input exponents (inference); absent: each batch uses its own max |x|. */
  inputExps?: number[];
  /** Stored weight codes held fixed (one NTV draw over a whole evaluation), per weighted layer. */
  frozenWeights?: { ew: number; codes: Float32Array }[];
  /** Sees each weighted layer's input max |x| and exponents (calibration, reporting). */
  observe?: (layer: number, info: { maxAbs: number; ex: number; ew: number }) => void;
}

/** Integer codes of x at exponent e: clip(round_half_even(x / 2^e), qmin, qmax), as float32 values. */
export function quantiseTensor(x: tf.Tensor, e: number, qmin: number, qmax: number): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.round(tf.mul(x, 2 ** -e)), qmin, qmax));
}

export function maxAbs(x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(x))).dataSync()[0]!;
}

/** Weight codes as the hardware stores them, with this pass's NTV flips applied. */
export function storedWeightCodes(w: tf.Tensor, ew: number, hw: HardwareSpec): Float32Array {
  const q = quantiseTensor(w, ew, hw.mult.qmin, hw.mult.qmax);
  const codes = q.dataSync() as Float32Array;
  q.dispose();
  const out = codes.slice();
  if (hw.ntv) flipWeightBits(out, hw.mult.width, hw.mult.signed, hw.ntv.rate, hw.ntv.rng);
  return out;
}

/**
 * y = x W + b on the hardware: x and W quantised (exponents ex, ew), products from the RTL table, exact
 * accumulation (integers), bias in accumulator units, result scaled back by 2^(ex+ew). Backward is the
 * straight-through estimator: the gradients of the exact float layer x W + b.
 */
export function approxDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, hw: HardwareSpec, layer: number): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    const m = hw.mult;
    const mx = maxAbs(xv!);
    const ex = hw.inputExps?.[layer] ?? scaleExponent(mx, m.qmax);
    const frozen = hw.frozenWeights?.[layer];
    const ew = frozen?.ew ?? scaleExponent(maxAbs(wv!), m.qmax);
    hw.observe?.(layer, { maxAbs: mx, ex, ew });
    const qw = frozen?.codes ?? storedWeightCodes(wv!, ew, hw);
    const [rows, k] = xv!.shape as [number, number];
    const n = wv!.shape[1]!;
    const qxT = quantiseTensor(xv!, ex, m.qmin, m.qmax);
    const qx = qxT.dataSync() as Float32Array;
    qxT.dispose();
    // Products: T(qx) T(qw) through one exact float32 matrix product (integers below 2^24 stay exact), or
    // every product looked up in the table. Gathers run in JS: tf.gather is slow on the wasm backend.
    const acc =
      hw.path === 'transform'
        ? tf.tidy(() => tf.matMul(tf.tensor2d(applyTransform(qx, m.transform!.a, m.qmin), [rows, k]), tf.tensor2d(applyTransform(qw, m.transform!.b, m.qmin), [k, n])))
        : tf.tensor2d(Float32Array.from(tableMatMul(qx, qw, rows, k, n, m.products!, m.qmin, m.qmax - m.qmin + 1)), [rows, n]);
    const value = tf.tidy(() => {
      const qb = tf.round(tf.mul(bv!, 2 ** -(ex + ew)));
      return tf.mul(tf.add(acc, qb), 2 ** (ex + ew));
    });
    acc.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => denseGradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]),
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/**
 * Gradients of x W + b: dx = dy W^T, dW = x^T dy, db = sum(dy). Transposes are explicit: the wasm
 * backend's matMul with a transpose flag is ten times slower than a transpose followed by a plain product.
 */
function denseGradients(dy: tf.Tensor2D, [x, w]: [tf.Tensor2D, tf.Tensor2D]): tf.Tensor[] {
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)];
}

/** Exact float layer (no hardware): x W + b, with the same gradient code as the hardware layer. */
export function exactDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor2D[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    return { value: tf.add(tf.matMul(xv!, wv!), bv!), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => denseGradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]) };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/**
 * Convolution patches (NHWC input, 'same' or 'valid', stride 1) as a differentiable op, so a conv2d is a
 * dense layer over patches on every backend (the wasm backend has no Conv2DBackpropFilter kernel) and
 * approximate convolutions reuse approxDense.
 */
export function patches(x: tf.Tensor4D, kh: number, kw: number, pad: 'same' | 'valid'): { cols: tf.Tensor2D; oh: number; ow: number } {
  const [n, h, w, c] = x.shape;
  let oh = 0;
  let ow = 0;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const r = im2col((args[0] as tf.Tensor).dataSync() as Float32Array, n, h, w, c, kh, kw, pad);
    oh = r.oh;
    ow = r.ow;
    return {
      value: tf.tensor2d(r.cols, [n * r.oh * r.ow, kh * kw * c]),
      gradFunc: (dy: tf.Tensor) => tf.tensor4d(col2im(dy.dataSync() as Float32Array, n, h, w, c, kh, kw, pad), [n, h, w, c]),
    };
  });
  const cols = f(x) as tf.Tensor2D;
  return { cols, oh, ow };
}

/** T(q) for every code (a per-operand transform of the fast path, indexed by q - qmin). */
export function applyTransform(q: Float32Array, t: Float32Array, qmin: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = t[q[i]! - qmin]!;
  return out;
}
