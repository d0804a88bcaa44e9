import { tf } from '../backend.js';
import { col2im, im2col, patchGeometry, type ExplicitConv, type PatchGeometry } from '../../ir/im2col.js';

/**
 * Convolution patches (NHWC input, 'same' or 'valid', stride 1) as a differentiable op, so a conv2d is a
 * dense layer over patches on every backend (the wasm backend has no Conv2DBackpropFilter kernel) and
 * approximate convolutions run on the same layer arithmetic. im2col and col2im are each other's adjoint, and each is
 * the other's gradient, so gradients of gradients (AxTrain's double back-propagation) stay exact.
 */
export function patches(
  x: tf.Tensor4D,
  kh: number,
  kw: number,
  pad: 'same' | 'valid',
  explicit?: ExplicitConv,
): { cols: tf.Tensor2D; oh: number; ow: number } {
  const g = patchGeometry(...x.shape, kh, kw, pad, explicit);
  return { cols: im2colOp(x, g), oh: g.oh, ow: g.ow };
}

function im2colOp(x: tf.Tensor4D, g: PatchGeometry): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    return {
      value: tf.tensor2d(im2col((args[0] as tf.Tensor).dataSync() as Float32Array, g), [g.n * g.oh * g.ow, g.kh * g.kw * g.c]),
      gradFunc: (dy: tf.Tensor) => col2imOp(dy as tf.Tensor2D, g),
    };
  });
  return f(x) as tf.Tensor2D;
}

function col2imOp(cols: tf.Tensor2D, g: PatchGeometry): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tensor4d(col2im((args[0] as tf.Tensor).dataSync() as Float32Array, g), [g.n, g.h, g.w, g.c]),
    gradFunc: (dy: tf.Tensor) => im2colOp(dy as tf.Tensor4D, g),
  }));
  return f(cols) as tf.Tensor4D;
}
