import type { tf } from './backend.js';
import { directConv2d } from './ops/conv.js';
import { exactDense } from './ops/dense.js';
import { directDense } from './ops/matmul.js';

/**
 * The arithmetic one weighted layer runs on: an open interface, chosen per layer. A network may mix
 * them (an exact first layer, fpmul at 8 bits elsewhere) and a schedule may change them between epochs.
 * Implementations: exact float32 (here), fixed point through an RTL table or its transform and fpmul at
 * any mbits (src/arith). Every one computes y = x W + b on its hardware and back-propagates as the exact
 * layer does (straight-through estimator).
 */
export interface LayerArithmetic {
  readonly label: string;
  /**
   * y = x W + b for the `layer`-th weighted layer (0-based, in network order). `input` false: x is data, a
   * constant of any differentiation (a network's first weighted layer), so no gradient is computed for it.
   */
  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, layer: number, input?: boolean): tf.Tensor2D;
  /**
   * Optionally, a convolution computed directly: the (n*oh*ow) x out matrix that `dense` over the input's
   * patches computes, with the same gradients, bit for bit, or undefined to have the network run `dense`
   * over the patches.
   */
  conv?(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D, kernel: number, pad: 'same' | 'valid', layer: number): tf.Tensor2D | undefined;
}

export const exactArithmetic: LayerArithmetic = {
  label: 'exact float32',
  // The direct product's registered gradient computes dx only when TensorFlow.js asks for it.
  dense: (x, w, b, _layer, input) => directDense(x, w, b) ?? exactDense(x, w, b, input),
  conv: directConv2d,
};

/**
 * Exact float32 in TensorFlow.js's own ops (convolutions as the dense layer over the patch op), whose
 * backward pass is made of TensorFlow.js ops too. Double back-propagation (AxTrain's sensitivity gradient) runs on it: the
 * autodiff of those ops fixes the second-order sums' order (its transposed products add in blocks of
 * 48), which the direct kernels' own second-order gradients match in value but not bit for bit.
 */
export const exactPatchArithmetic: LayerArithmetic = {
  label: 'exact float32',
  dense: (x, w, b, _layer, input) => exactDense(x, w, b, input),
};

/** The arithmetic of a forward pass: one for every weighted layer, or one per weighted layer (absent = exact). */
export type ArithmeticPlan = LayerArithmetic | readonly (LayerArithmetic | undefined)[];

export function arithmeticAt(plan: ArithmeticPlan | undefined, layer: number): LayerArithmetic {
  if (!plan) return exactArithmetic;
  if (isPerLayer(plan)) return plan[layer] ?? exactArithmetic;
  return plan;
}

function isPerLayer(plan: ArithmeticPlan): plan is readonly (LayerArithmetic | undefined)[] {
  return Array.isArray(plan);
}
