import { tf } from '../backend.js';
import { layerKernels, poolOutput, type LayerKernels, type PoolGeometry } from '../layer-kernels.js';
import { registerOnActiveBackend, runKernel, type ArrayKernel } from './registered.js';

/**
 * Max pooling (size x size windows, stride size, 'valid') whose gradient is built from differentiable
 * ops: the incoming gradient repeated over each window, times a constant 0/1 mask of each window's
 * first maximum. TensorFlow.js's own MaxPoolGrad has no gradient, which double back-propagation needs.
 * With the layer kernels, mask * repeat is one kernel (the mask found from the saved input inside it)
 * whose gradient is its adjoint (each window's masked sum); without them, TensorFlow.js ops compute the
 * same values, bit for bit (tested).
 *
 * `relu`: maxPool(relu(x)), the ReLU of the layer before fused in. The value is TensorFlow.js's relu then
 * max pool, as before; the backward pass is one kernel instead of the mask product followed by ReLU's
 * gradient (step, cast, multiply over the whole activation): scatter(dy) * step(x), computed in that order,
 * so every gradient, of every order, is bit for bit the unfused pair's (tested).
 */
export function maxPool(x: tf.Tensor4D, size: number, relu = false): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const geometry: PoolGeometry = { n, h, w, c, size, relu };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xv = args[0] as tf.Tensor4D;
    (args[1] as tf.GradSaveFunc)([xv]);
    return {
      value: tf.maxPool(relu ? tf.relu(xv) : xv, size, size, 'valid'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const k = layerKernels();
        if (k) return kernelGradient(k, dy, saved!, geometry);
        if (!relu) return maxPoolGradientByOps(dy, saved!, geometry);
        return tf.mul(maxPoolGradientByOps(dy, tf.relu(saved!), geometry), tf.cast(tf.step(saved!), 'float32'));
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

const SCATTER = 'AxhwMaxPoolBackprop';
const GATHER = 'AxhwMaxPoolGather';

function kernelGradient(k: LayerKernels, dy: tf.Tensor, x: tf.Tensor, g: PoolGeometry): tf.Tensor {
  registerOnActiveBackend(poolKernels(k), GRADIENTS);
  return runKernel(SCATTER, { dy, x }, g);
}

function poolKernels(k: LayerKernels): ArrayKernel[] {
  const geometryOf = (a: tf.NamedAttrMap) => a as unknown as PoolGeometry;
  return [
    {
      name: SCATTER,
      run: ({ dy, x }, a) => {
        const g = geometryOf(a);
        return { values: k.poolScatter(dy!.values as Float32Array, x!.values as Float32Array, g), shape: [g.n, g.h, g.w, g.c] };
      },
    },
    {
      name: GATHER,
      run: ({ values, x }, a) => {
        const g = geometryOf(a);
        const { oh, ow } = poolOutput(g);
        return { values: k.poolGather(values!.values as Float32Array, x!.values as Float32Array, g), shape: [g.n, oh, ow, g.c] };
      },
    },
  ];
}

// x only places the mask, which is piecewise constant in x: its derivative in x is zero (as the mask
// tensor of the op form, made from data, contributes none). Double back-propagation asks for it.
const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: SCATTER,
    inputsToSave: ['x'],
    gradFunc: (g, [x], attrs) => ({ dy: () => runKernel(GATHER, { values: g as tf.Tensor, x: x! }, attrs), x: () => tf.zerosLike(x!) }),
  },
  {
    kernelName: GATHER,
    inputsToSave: ['x'],
    gradFunc: (g, [x], attrs) => ({ values: () => runKernel(SCATTER, { dy: g as tf.Tensor, x: x! }, attrs), x: () => tf.zerosLike(x!) }),
  },
];

/** The gradient in TensorFlow.js ops (without the kernels): mask * (dy repeated over each window). */
export function maxPoolGradientByOps(dy: tf.Tensor, x: tf.Tensor, { n, h, w, c, size }: PoolGeometry): tf.Tensor {
  const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
  const mask = tf.tensor4d(firstMaxMask(x.dataSync() as Float32Array, n, h, w, c, size), [n, h, w, c]);
  // Repeat by broadcasting (tile has no gradient above rank 4).
  const up = tf.reshape(tf.mul(tf.reshape(dy, [n, oh, 1, ow, 1, c]), tf.ones([1, 1, size, 1, size, 1])), [n, oh * size, ow * size, c]);
  return tf.mul(
    mask,
    tf.pad(up, [
      [0, 0],
      [0, h - oh * size],
      [0, w - ow * size],
      [0, 0],
    ]),
  );
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
