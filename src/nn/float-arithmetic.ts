import { tf } from './backend.js';
import type { LayerArithmetic } from './arithmetic.js';
import { patchMatrix, steConv2d } from './ops/conv.js';
import { fastDenseGradients, steDense } from './ops/dense.js';
import { denseProduct } from './ops/matmul.js';
import { maskFloats, type FloatMultiplier } from '../multipliers/float-multiplier.js';
import type { ProductTrace } from '../multipliers/product-trace.js';
import { formatMatMul, formatOperands } from '../arith/float-format.js';

/**
 * Where the backward pass's products run: `exact` (the straight-through estimator: FramNN's exact
 * back-propagation), or `hardware` (FramNN's "approximate training": dL/dX = dL/dY W^T and
 * dL/dW = X^T dL/dY take their operands through the same significand mask, so every product of training
 * is one the fpmul computes).
 */
export type BackwardArithmetic = 'exact' | 'hardware';

export interface FloatArithmeticOptions {
  backward?: BackwardArithmetic;
  /** Records the forward products' operand pairs (the multiplier's workload, for power from simulation). */
  trace?: ProductTrace;
  /** Records the backward products' operand pairs (backward `hardware`): the pairs proved on the RTL. */
  backwardTrace?: ProductTrace;
}

/**
 * fpmul layers: y = T(x) T(W) + b, every operand keeping its top m significand bits (the mask proved on
 * the RTL), one float32 matrix product (exact products for m <= 12), float32 bias. On a bfloat16 or
 * binary16 fpmul the operands are first rounded to the format and every product is rounded to it too
 * (as the unit does), then summed in float32.
 */
export class FloatArithmetic implements LayerArithmetic {
  readonly backward: BackwardArithmetic;

  constructor(
    readonly float: FloatMultiplier,
    readonly opts: FloatArithmeticOptions = {},
  ) {
    this.backward = opts.backward ?? 'exact';
  }

  get label(): string {
    return this.backward === 'hardware' ? `${this.float.label}, forward and backward` : this.float.label;
  }

  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, _layer?: number, input = true): tf.Tensor2D {
    return steDense(
      x,
      w,
      b,
      (xv, wv, bv) => this.forward(xv, wv, bv),
      // The hardware backward computes dx whether wanted or not: its products are the recorded training operands.
      this.backward === 'hardware' ? (dy, saved) => this.hardwareGradients(dy, saved) : fastDenseGradients,
      input,
    );
  }

  /** With the exact backward, the direct kernels' gradients; the hardware backward runs on the patches. */
  conv(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D, kernel: number, pad: 'same' | 'valid'): tf.Tensor2D | undefined {
    if (this.backward !== 'exact') return undefined;
    return steConv2d(x, w, b, kernel, pad, (image, g, wv, bv) =>
      this.forward(tf.tensor2d(patchMatrix(image, g), [g.n * g.oh * g.ow, g.kh * g.kw * g.c]), wv, bv),
    );
  }

  private forward(xv: tf.Tensor2D, wv: tf.Tensor2D, bv: tf.Tensor1D): tf.Tensor2D {
    const xs = xv.dataSync() as Float32Array;
    const ws = wv.dataSync() as Float32Array;
    this.opts.trace?.record(xs, xv.shape[0], xv.shape[1], ws, wv.shape[1]);
    const [[r, k], c] = [xv.shape, wv.shape[1]];
    const y = this.float.narrow
      ? undefined
      : denseProduct(maskFloats(xs, this.float.mask), maskFloats(ws, this.float.mask), bv.dataSync() as Float32Array, r, k, c);
    if (y) return tf.tensor2d(y, [r, c]);
    return tf.tidy(() => tf.add(this.maskedProduct(xs, xv.shape, ws, wv.shape), bv) as tf.Tensor2D);
  }

  /**
   * T(a) T(b) for row-major a (r x k) and b (k x c): binary32, one float32 matrix product of the masked
   * operands; a narrower format, its operands and every product rounded to it, summed in float32.
   */
  private maskedProduct(a: Float32Array, [r, k]: number[], b: Float32Array, [, c]: number[]): tf.Tensor2D {
    const { mask, narrow } = this.float;
    if (narrow) return tf.tensor2d(formatMatMul(narrow, formatOperands(narrow, a), r!, k!, formatOperands(narrow, b), c!), [r!, c!]);
    return tf.matMul(tf.tensor2d(maskFloats(a, mask), [r!, k!]), tf.tensor2d(maskFloats(b, mask), [k!, c!]));
  }

  /** dx = T(dy) T(W^T), dW = T(x^T) T(dy), db = sum(dy) (a sum, no product). */
  private hardwareGradients(dy: tf.Tensor2D, [x, w]: [tf.Tensor2D, tf.Tensor2D]): tf.Tensor[] {
    return tf.tidy(() => {
      const dys = dy.dataSync() as Float32Array;
      const wt = tf.transpose(w);
      const xt = tf.transpose(x);
      const wts = wt.dataSync() as Float32Array;
      const xts = xt.dataSync() as Float32Array;
      this.opts.backwardTrace?.record(dys, dy.shape[0], dy.shape[1], wts, wt.shape[1]);
      this.opts.backwardTrace?.record(xts, xt.shape[0], xt.shape[1], dys, dy.shape[1]);
      return [this.maskedProduct(dys, dy.shape, wts, wt.shape), this.maskedProduct(xts, xt.shape, dys, dy.shape), tf.sum(dy, 0)];
    });
  }
}
