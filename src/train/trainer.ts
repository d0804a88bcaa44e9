import { tf } from './backend.js';
import { Network } from './network.js';
import type { Arithmetic } from './approx-ops.js';
import { arithmeticOf, type HardwareChoice } from './hardware.js';
import type { ModelSpec } from './models.js';
import { accuracy, predict } from './evaluate.js';
import { permutation, type PreparedData } from '../data/prepare.js';
import { Rng } from '../util/rng.js';

/**
 * Training methods of the engine. `bp`: exact float32 back-propagation. `pas`: the forward pass runs on
 * the hardware (RTL table products and/or NTV flips, fresh flips every batch), backward by the
 * straight-through estimator (AxTrain-pas; FramNN's approximate forward pass).
 */
export type Method = 'bp' | 'pas';
export const METHODS: readonly Method[] = ['bp', 'pas'];

export interface TrainOptions {
  data: PreparedData;
  model: ModelSpec;
  method: Method;
  hardware?: HardwareChoice;
  /** NTV bit-flip rate of the stored weights during pas training (fixed-point hardware). */
  ntvRate?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  onEpoch?: (e: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  /** Exact float32 test accuracy. */
  testAccuracy: number;
  /** Test accuracy on the hardware (per-batch exponents, no NTV), when there is hardware. */
  testAccuracyHw?: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainResult {
  net: Network;
  history: EpochRecord[];
  trainSeconds: number;
  samplesPerSecond: number;
}

/** Mini-batch Adam on softmax cross-entropy, seeded shuffling; one record per epoch. */
export function train(opts: TrainOptions): TrainResult {
  const { data, model } = opts;
  const net = new Network(model, opts.seed);
  const optimizer = tf.train.adam(opts.learningRate);
  const classes = model.layers.filter((l) => l.kind === 'dense').at(-1)!.units;
  const hw = opts.hardware;
  const hwTrain: Arithmetic | undefined =
    opts.method !== 'pas' || !hw ? undefined : hw.kind === 'float' ? { float: hw.float } : { mult: hw.mult, path: hw.path, ntv: opts.ntvRate ? { rate: opts.ntvRate, rng: new Rng(opts.seed ^ 0x5eed) } : undefined };
  const hwEval: Arithmetic | undefined = hw ? arithmeticOf(hw) : undefined;
  const f = data.train.x.length / data.train.n;
  const xb = new Float32Array(opts.batchSize * f);
  const yb = new Int32Array(opts.batchSize);
  const history: EpochRecord[] = [];
  let trainSeconds = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    const order = permutation(data.train.n, opts.seed * 7919 + epoch);
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < data.train.n; s += opts.batchSize) {
      const m = Math.min(opts.batchSize, data.train.n - s);
      for (let i = 0; i < m; i++) {
        const r = order[s + i]!;
        xb.set(data.train.x.subarray(r * f, (r + 1) * f), i * f);
        yb[i] = data.train.y[r]!;
      }
      const stats = tf.tidy(() => {
        const x = tf.tensor(xb.subarray(0, m * f), [m, ...data.shape]);
        const labels = tf.oneHot(tf.tensor1d(yb.subarray(0, m), 'int32'), classes);
        let hits: tf.Tensor | undefined;
        const loss = optimizer.minimize(() => {
          const logits = net.forward(x, hwTrain);
          hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32')));
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        }, true)!;
        return [tf.mul(loss, m), hits!];
      });
      lossSum += stats[0]!.dataSync()[0]!;
      correct += stats[1]!.dataSync()[0]!;
      tf.dispose(stats);
    }
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    const rec: EpochRecord = {
      epoch,
      loss: lossSum / data.train.n,
      trainAccuracy: correct / data.train.n,
      testAccuracy: accuracy(predict(net, data.test), data.test.y),
      testAccuracyHw: hwEval ? accuracy(predict(net, data.test, hwEval), data.test.y) : undefined,
      seconds,
      samplesPerSecond: data.train.n / seconds,
    };
    history.push(rec);
    opts.onEpoch?.(rec);
  }
  optimizer.dispose();
  return { net, history, trainSeconds, samplesPerSecond: (data.train.n * opts.epochs) / trainSeconds };
}
