import { tf } from '../nn/backend.js';
import type { Network } from '../nn/network.js';
import { exactPatchArithmetic } from '../nn/arithmetic.js';
import type { LabelledData } from '../data/table-data.js';

/**
 * AxTrain's sensitivity (docs/methods.md, AxTrain), with the output O defined as the project's choice:
 *
 *   O = (1/n) sum_i sum_c z_ic      (the sum of the logits z, per sample, averaged over the batch)
 *   S = sum over every weight w (all weighted layers, biases excluded) of |dO/dw * w|
 *
 * |dO/dw * w| is the first-order change of O when w is scaled by (1 + eps), divided by eps: the effect
 * of a relative error in the products that w takes part in, which is what an approximate multiplier
 * (and a flipped low-order bit) does. Biases are not multiplied, so they are not in S.
 */
export function outputFunctional(logits: tf.Tensor2D): tf.Scalar {
  return tf.div(tf.sum(logits), logits.shape[0]) as tf.Scalar;
}

/**
 * g_l = dO/dW_l for every weighted layer, as tensors that stay differentiable in W when the caller is
 * itself being differentiated (nested tapes: TensorFlow.js records the backward pass of the inner
 * gradient on the outer tape, which is double back-propagation). `onLogits` receives the forward pass's
 * logits, so a caller can reuse them (act's task loss).
 */
export function outputGradients(net: Network, x: tf.Tensor, weights: tf.Tensor[], onLogits?: (logits: tf.Tensor2D) => void): tf.Tensor[] {
  return tf.grads((...ws: tf.Tensor[]) => {
    // The patch path: this gradient is differentiated again (see exactPatchArithmetic).
    const logits = net.forward(x, exactPatchArithmetic, ws);
    onLogits?.(logits);
    return outputFunctional(logits);
  })(weights);
}

/** S = sum_l sum |g_l * W_l|. */
export function sensitivityOf(gradients: tf.Tensor[], weights: tf.Tensor[]): tf.Scalar {
  return tf.addN(gradients.map((g, l) => tf.sum(tf.abs(tf.mul(g, weights[l]!))))) as tf.Scalar;
}

/** Per-layer sensitivity maps over a whole data set: |dO/dW * W| with O averaged over all samples. */
export interface SensitivityMap {
  /** Index of the layer in the model spec. */
  layer: number;
  rows: number;
  cols: number;
  /** Row-major (fan-in x out), like the weight matrix. */
  values: Float32Array;
  /** The layer's share of S (the sum of its values). */
  total: number;
}

export function sensitivityMaps(net: Network, d: LabelledData, batch = 500): { maps: SensitivityMap[]; total: number } {
  const weights = net.weighted.map((p) => p.w as tf.Tensor);
  const sums = weights.map((w) => new Float64Array(w.size));
  const f = d.x.length / d.n;
  for (let s = 0; s < d.n; s += batch) {
    const m = Math.min(batch, d.n - s);
    const gs = tf.tidy(() => {
      const x = tf.tensor(d.x.subarray(s * f, (s + m) * f), [m, ...d.shape]);
      // Gradient of the batch's summed output, so the batches add up to the data set's sum.
      return tf.grads((...ws: tf.Tensor[]) => tf.sum(net.forward(x, undefined, ws)) as tf.Scalar)(weights);
    });
    gs.forEach((g, l) => {
      const v = g.dataSync();
      const acc = sums[l]!;
      for (let i = 0; i < v.length; i++) acc[i]! += v[i]!;
    });
    tf.dispose(gs);
  }
  let total = 0;
  const maps = net.weighted.map((p, l) => {
    const w = p.w.dataSync() as Float32Array;
    const values = new Float32Array(w.length);
    const g = sums[l]!;
    let layerTotal = 0;
    for (let i = 0; i < w.length; i++) {
      values[i] = Math.abs((g[i]! / d.n) * w[i]!);
      layerTotal += values[i]!;
      total += values[i]!;
    }
    return { layer: p.layer, rows: p.w.shape[0]!, cols: p.w.shape[1]!, values, total: layerTotal };
  });
  return { maps, total };
}
