import { tf } from '../backend.js';
import { kernelDenseGradients } from './matmul.js';

/**
 * A dense layer's backward products for dy: [dx, dW, db]. `input` false: dx is not wanted (the layer's input
 * is data), and a function may leave it out (undefined); the others are the same tensors either way.
 */
export type DenseGradients = (dy: tf.Tensor2D, saved: [tf.Tensor2D, tf.Tensor2D], input?: boolean) => (tf.Tensor | undefined)[];

/**
 * Gradients of x W + b: dx = dy W^T, dW = x^T dy, db = sum(dy). Transposes are explicit: the wasm
 * backend's matMul with a transpose flag is ten times slower than a transpose followed by a plain product.
 */
export const denseGradients: DenseGradients = (dy, [x, w], input = true) => [
  input ? tf.matMul(dy, tf.transpose(w)) : undefined,
  weightGradient(x, dy),
  tf.sum(dy, 0),
];

/**
 * The same gradients on the layer kernels where they load (faster, the same bits; tested), else
 * denseGradients. Their second derivatives are right in value but not those of TensorFlow.js's
 * autodiff to the bit, so a layer that is differentiated twice uses denseGradients (exactDense).
 */
export const fastDenseGradients: DenseGradients = (dy, [x, w], input = true) =>
  kernelDenseGradients(dy, x, w, input) ?? denseGradients(dy, [x, w], input);

/**
 * dW = x^T dy, transposing whichever side moves fewer values. A convolution's x is a tall patch matrix
 * (50,176 x 25 for LeNet's first layer at batch 64) whose transpose costs more than the product; there
 * dW = (dy^T x)^T. Both sum the same float32 products over the rows of x in the same order (products
 * commute exactly, and the wasm matrix product accumulates its inner dimension in order), so the result
 * is bit-identical either way (tested).
 */
export function weightGradient(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  const [rows, k] = x.shape;
  const n = dy.shape[1];
  if (rows * n + k * n < rows * k) return tf.transpose(tf.matMul(tf.transpose(dy), x)) as tf.Tensor2D;
  return tf.matMul(tf.transpose(x), dy);
}

/**
 * A dense layer y = x W + b whose forward value `forward` computes (on any arithmetic) and whose backward
 * is that of the exact float layer: the straight-through estimator for approximate arithmetic, and the
 * plain gradient (itself differentiable, for double back-propagation) for exact arithmetic. `gradients`
 * replaces the backward products (FramNN's approximate training runs them on the hardware too).
 * `input` false: the layer's input is data, a constant of the differentiation (a network's first weighted
 * layer), so its gradient dx, the largest product of an MLP's backward pass, is not computed; dW and db are
 * the same tensors, so training gives the same bits. Differentiating such a layer in x is then an error.
 */
export function steDense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  forward: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D,
  gradients: DenseGradients = fastDenseGradients,
  input = true,
): tf.Tensor2D {
  // A data input is no input of the custom gradient: it is saved as an input would be (TensorFlow.js keeps saved
  // tensors for the backward pass, which may run after the scope that made x has ended: act's second-order pass).
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, -1) as tf.Tensor[];
    const [xv, wv, bv] = input ? tensors : [x, ...tensors];
    (args.at(-1) as tf.GradSaveFunc)([xv!, wv!]);
    return {
      value: forward(xv as tf.Tensor2D, wv as tf.Tensor2D, bv as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = gradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D], input);
        if (input) return grads as tf.Tensor[];
        // A function that computes dx anyway (FramNN's hardware backward records its operands) gives it here.
        grads[0]?.dispose();
        return grads.slice(1) as tf.Tensor[];
      },
    };
  });
  return (input ? f(x, w, b) : f(w, b)) as tf.Tensor2D;
}

/**
 * Exact float layer (no hardware) in TensorFlow.js's ops: x W + b with denseGradients, whose own
 * gradients TensorFlow.js derives (double back-propagation).
 */
export function exactDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, input = true): tf.Tensor2D {
  return steDense(x, w, b, (xv, wv, bv) => tf.add(tf.matMul(xv, wv), bv), denseGradients, input);
}
