import { tf } from '../backend.js';

/**
 * Max pooling (size x size windows, stride size, 'valid') whose gradient is built from differentiable
 * ops: the incoming gradient repeated over each window, times a constant 0/1 mask of each window's
 * first maximum. TensorFlow.js's own MaxPoolGrad has no gradient, which double back-propagation needs.
 */
export function maxPool(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xv = args[0] as tf.Tensor4D;
    (args[1] as tf.GradSaveFunc)([xv]);
    return {
      value: tf.maxPool(xv, size, size, 'valid'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const mask = tf.tensor4d(firstMaxMask(saved!.dataSync() as Float32Array, n, h, w, c, size), [n, h, w, c]);
        // Repeat by broadcasting (tile has no gradient above rank 4).
        const up = tf.reshape(tf.mul(tf.reshape(dy, [n, oh, 1, ow, 1, c]), tf.ones([1, 1, size, 1, size, 1])), [n, oh * size, ow * size, c]);
        return tf.mul(mask, tf.pad(up, [[0, 0], [0, h - oh * size], [0, w - ow * size], [0, 0]]));
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

function firstMaxMask(x: Float32Array, n: number, h: number, w: number, c: number, size: number): Float32Array {
  const mask = new Float32Array(x.length);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy + size <= h; oy += size)
      for (let ox = 0; ox + size <= w; ox += size)
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let dy = 0; dy < size; dy++)
            for (let dx = 0; dx < size; dx++) {
              const i = ((s * h + oy + dy) * w + ox + dx) * c + ch;
              if (best < 0 || x[i]! > x[best]!) best = i;
            }
          mask[best] = 1;
        }
  return mask;
}
