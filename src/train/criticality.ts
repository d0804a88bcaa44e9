import { tf } from '../nn/backend.js';
import type { Network } from '../nn/network.js';
import type { ArithmeticPlan } from '../nn/arithmetic.js';
import { classification } from '../nn/task.js';

/**
 * Neuron criticality as ApproxANN (Zhang et al., DATE 2015) and AxNN before it characterise it: how much
 * the network's error moves per unit of error in a neuron's output. An approximate multiplier perturbs a
 * neuron's sum z_j; to first order the loss of sample i changes by dE_i/dz_j times that perturbation, so
 *
 *   criticality_j = mean over samples i of |dE_i / dz_j|      (E_i: the sample's cross-entropy)
 *
 * For a convolution a neuron is a filter (one PE computes all its positions), and dE_i/dz_j is the sum over
 * its positions: dE_i/db_j, the gradient of the sample's loss with respect to the neuron's bias, which is how
 * it is computed here (per sample, on `arithmetic`: the network on the hardware it runs on). The first
 * `samples` of `data` are used. Returns one array per weighted layer, one value per neuron.
 */
export function neuronCriticality(
  net: Network,
  data: { x: Float32Array; y: Int32Array | Float32Array; n: number; shape: number[] },
  arithmetic: ArithmeticPlan | undefined,
  samples = 128,
): Float64Array[] {
  const n = Math.min(samples, data.n);
  const outputs = net.weighted.map((p) => p.b.shape[0]!);
  const classes = outputs.at(-1)!;
  const perSample = data.x.length / data.n;
  const sums = outputs.map((o) => new Float64Array(o));
  const biases = net.weighted.map((p) => p.b);
  for (let i = 0; i < n; i++) {
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.tensor(data.x.subarray(i * perSample, (i + 1) * perSample), [1, ...data.shape]);
      const logits = net.forward(x, arithmetic);
      return classification.loss(classification.targets(data.y.subarray(i, i + 1), 1, classes), logits);
    }, biases);
    biases.forEach((b, k) => {
      const g = grads[b.name]!.dataSync();
      for (let j = 0; j < g.length; j++) sums[k]![j]! += Math.abs(g[j]!);
    });
    tf.dispose([value, ...Object.values(grads)]);
  }
  return sums.map((s) => s.map((v) => v / n));
}
