import { tf } from './backend.js';
import type { LayerArithmetic } from './arithmetic.js';
import { steDense } from './ops/dense.js';
import { maskFloats, type FloatMultiplier } from '../arith/float-multiplier.js';

/**
 * fpmul layers: y = T(x) T(W) + b, every operand keeping its top m significand bits (the mask proved on
 * the RTL), one float32 matrix product (exact products for m <= 12), float32 bias. Backward: STE.
 */
export class FloatArithmetic implements LayerArithmetic {
  constructor(readonly float: FloatMultiplier) {}

  get label(): string {
    return this.float.label;
  }

  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
    const mask = this.float.mask;
    return steDense(x, w, b, (xv, wv, bv) => {
      const [rows, k] = xv.shape;
      const n = wv.shape[1];
      return tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(maskFloats(xv.dataSync() as Float32Array, mask), [rows, k]), tf.tensor2d(maskFloats(wv.dataSync() as Float32Array, mask), [k, n])), bv));
    });
  }
}
