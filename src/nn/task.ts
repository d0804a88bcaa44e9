import { tf } from './backend.js';
import { accuracy, argmaxRows } from '../ir/classes.js';

/**
 * What a network is trained to do: how targets become tensors, the loss back-propagation minimises, and
 * the metric reported. Classification (softmax cross-entropy, accuracy; targets are class indices) and
 * regression (mean squared error; targets are real vectors, `outputs` per sample).
 */
export interface Task {
  name: 'classification' | 'regression';
  /** Name of the metric in reports. */
  metric: 'accuracy' | 'mse';
  /** A reusable target buffer for `samples` samples of `outputs` outputs. */
  targetBuffer(samples: number, outputs: number): Int32Array | Float32Array;
  /** Targets per sample in a data set's target array (1 for class indices). */
  targetsPerSample(outputs: number): number;
  /** The first m samples' targets as a tensor (m x outputs). */
  targets(y: Int32Array | Float32Array, m: number, outputs: number): tf.Tensor2D;
  /** Mean loss over the batch. */
  loss(targets: tf.Tensor2D, outputs: tf.Tensor2D): tf.Scalar;
  /** The metric summed over the batch's samples (divide by the sample count for the mean). */
  batchMetric(targets: tf.Tensor2D, outputs: tf.Tensor2D): tf.Scalar;
  /** The metric of row-major outputs (n x outputs) against a data set's targets. */
  metricOf(outputs: Float32Array, y: Int32Array | Float32Array, n: number): number;
}

export const classification: Task = {
  name: 'classification',
  metric: 'accuracy',
  targetBuffer: (samples) => new Int32Array(samples),
  targetsPerSample: () => 1,
  targets: (y, m, outputs) => tf.oneHot(tf.tensor1d(y.subarray(0, m) as Int32Array, 'int32'), outputs) as tf.Tensor2D,
  loss: (targets, outputs) => tf.losses.softmaxCrossEntropy(targets, outputs) as tf.Scalar,
  batchMetric: (targets, outputs) => tf.sum(tf.cast(tf.equal(tf.argMax(outputs, 1), tf.argMax(targets, 1)), 'float32')),
  metricOf: (outputs, y, n) => accuracy(argmaxRows(outputs, n), y),
};

export const regression: Task = {
  name: 'regression',
  metric: 'mse',
  targetBuffer: (samples, outputs) => new Float32Array(samples * outputs),
  targetsPerSample: (outputs) => outputs,
  targets: (y, m, outputs) => tf.tensor2d(Float32Array.from(y.subarray(0, m * outputs)), [m, outputs]),
  loss: (targets, outputs) => tf.losses.meanSquaredError(targets, outputs) as tf.Scalar,
  batchMetric: (targets, outputs) => tf.sum(tf.mean(tf.squaredDifference(outputs, targets), 1)),
  metricOf(outputs, y) {
    let s = 0;
    for (let i = 0; i < outputs.length; i++) s += (outputs[i]! - y[i]!) ** 2;
    return outputs.length ? s / outputs.length : NaN;
  },
};
