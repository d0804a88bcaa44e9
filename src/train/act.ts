import { tf } from '../nn/backend.js';
import type { Network } from '../nn/network.js';
import { outputGradients, sensitivityOf } from './sensitivity.js';
import type { ActOptions } from './act-settings.js';

/**
 * The adaptive lambda rule, once per epoch: lambda grows by `step` when this epoch's training error is
 * below the weighted sum 0.5 E[t-1] + 0.25 E[t-2] + ... of the earlier epochs' errors, or below the
 * preset bound; otherwise it shrinks by `step` (never below 0).
 */
export function adaptiveLambda(lambda: number, errors: number[], o: Pick<ActOptions, 'lambdaStep' | 'errorBound'>): number {
  const t = errors.length - 1;
  let weighted = 0;
  for (let j = 1; j <= t; j++) weighted += 0.5 ** j * errors[t - j]!;
  const improving = (t > 0 && errors[t]! < weighted) || errors[t]! < o.errorBound;
  return Math.max(0, lambda + (improving ? o.lambdaStep : -o.lambdaStep));
}

/**
 * The act objective's two terms from one exact forward pass: the logits (for the task loss E) and S with
 * its exact gradient by double back-propagation. g = dO/dW is taken with tf.grads inside the caller's
 * loss, and TensorFlow.js records that backward pass on the outer tape. The logits are kept out of the
 * inner gradient's scope, so E and S share them on the outer tape (the caller disposes them after the step).
 * `weights` stand in for the layers' weight matrices (the sensitivity tests differentiate in them).
 */
export function actTerms(
  net: Network,
  x: tf.Tensor,
  weights: tf.Tensor[] = net.weighted.map((p) => p.w as tf.Tensor),
): { logits: tf.Tensor2D; sensitivity: tf.Scalar } {
  let logits: tf.Tensor2D | undefined;
  const g = outputGradients(net, x, weights, (z) => (logits = tf.keep(z)));
  return { logits: logits!, sensitivity: sensitivityOf(g, weights) };
}

/**
 * dS/dW by double back-propagation through actTerms, the function training minimises: sign(g*w) * g +
 * H (sign(g*w) * w), with H the Hessian of O. Exposed for the finite-difference tests.
 */
export function sensitivityGradient(net: Network, x: tf.Tensor, weights: tf.Tensor[]): { s: number; grads: tf.Tensor[] } {
  let s = 0;
  const kept: tf.Tensor[] = [];
  const grads = tf.grads((...ws: tf.Tensor[]) => {
    const t = actTerms(net, x, ws);
    kept.push(t.logits);
    s = t.sensitivity.dataSync()[0]!;
    return t.sensitivity;
  })(weights);
  tf.dispose(kept);
  return { s, grads };
}
