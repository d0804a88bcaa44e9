import { tf } from '../backend.js';

/**
 * Gradients of x W + b: dx = dy W^T, dW = x^T dy, db = sum(dy). Transposes are explicit: the wasm
 * backend's matMul with a transpose flag is ten times slower than a transpose followed by a plain product.
 */
export function denseGradients(dy: tf.Tensor2D, [x, w]: [tf.Tensor2D, tf.Tensor2D]): tf.Tensor[] {
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)];
}

/**
 * A dense layer y = x W + b whose forward value `forward` computes (on any arithmetic) and whose backward
 * is that of the exact float layer: the straight-through estimator for approximate arithmetic, and the
 * plain gradient (itself differentiable, for double back-propagation) for exact arithmetic. `gradients`
 * replaces the backward products (FramNN's approximate training runs them on the hardware too).
 */
export function steDense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  forward: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D,
  gradients: (dy: tf.Tensor2D, saved: [tf.Tensor2D, tf.Tensor2D]) => tf.Tensor[] = denseGradients,
): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    return {
      value: forward(xv as tf.Tensor2D, wv as tf.Tensor2D, bv as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]),
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/** Exact float layer (no hardware): x W + b, with the same gradient code as the hardware layers. */
export function exactDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return steDense(x, w, b, (xv, wv, bv) => tf.add(tf.matMul(xv, wv), bv));
}
