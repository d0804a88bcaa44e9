import { tf } from '../nn/backend.js';
import { Network } from '../nn/network.js';
import type { ArithmeticPlan } from '../nn/arithmetic.js';
import type { ModelSpec } from '../ir/model-spec.js';
import { classification, type Task } from '../nn/task.js';
import type { Hardware } from '../nn/hardware.js';
import { logitsOf } from '../evaluate/predict.js';
import { permutation } from '../data/prepare.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';
import { actTerms, adaptiveLambda } from './act.js';
import { DEFAULT_ACT, type ActOptions } from './act-settings.js';
import { TRAINING_METHODS, type Method, type Phase } from './methods.js';
import { arithmeticAtIteration, checkSchedule, type ArithmeticSchedule } from './schedule.js';
import { makeOptimizer } from './optimizer.js';
import type { OptimizerName } from './optimizer-names.js';
import { eventLoopYielder } from '../util/yield.js';

/** Samples for training: features row-major, targets as the task reads them (class indices, or real vectors). */
export interface Samples {
  x: Float32Array;
  y: Int32Array | Float32Array;
  n: number;
}

export interface TrainingData {
  train: Samples;
  test: Samples;
  /** Per-sample feature shape. */
  shape: number[];
}

export interface TrainOptions {
  data: TrainingData;
  model: ModelSpec;
  method: Method;
  /** Classification (default) or regression. */
  task?: Task;
  act?: Partial<ActOptions>;
  /** axtrain: epochs of pas after act (default: max(1, round(epochs / 4))). */
  pasEpochs?: number;
  /** Start from these weights (names w{layer}/b{layer}) instead of the seeded initialisation. */
  initialWeights?: { name: string; data: Float32Array }[];
  hardware?: Hardware;
  /** The hardware epochs' arithmetic over training (default: the hardware's, every epoch). */
  schedule?: ArithmeticSchedule;
  /** NTV bit-flip rate of the stored weights during pas training (fixed-point hardware). */
  ntvRate?: number;
  /** Epochs (axtrain: the most epochs of act before pas). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Adam (default) or plain SGD. */
  optimizer?: OptimizerName;
  seed: number;
  onEpoch?: (e: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  phase: Phase;
  /** Mean training loss E (without the regulariser): cross-entropy, or MSE for regression. */
  loss: number;
  /** axtrain-act: mean sensitivity S over the epoch's batches, and the lambda the epoch trained with. */
  sensitivity?: number;
  lambda?: number;
  /** The task's metric (accuracy; MSE for regression) on the training batches as trained. */
  trainAccuracy: number;
  /** The task's metric on the test set, exact float32. */
  testAccuracy: number;
  /** The same on the hardware (per-batch exponents, no NTV), when there is hardware. */
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

/**
 * Mini-batch Adam (or SGD), seeded shuffling; the method decides each epoch's phase; one record per epoch.
 * Asynchronous only to give the event loop a turn between batches (Ctrl-C, progress); the arithmetic is
 * the same either way.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { data, model } = opts;
  const task = opts.task ?? classification;
  const method = TRAINING_METHODS[opts.method];
  const net = new Network(model, opts.seed);
  if (opts.initialWeights) net.setWeights(opts.initialWeights);
  const act = { ...DEFAULT_ACT, ...opts.act };
  const outputs = model.layers.filter((l) => l.kind === 'dense').at(-1)!.units;
  const hw = opts.hardware;
  const hwTrain: ArithmeticPlan | undefined =
    !method.usesHardware || !hw
      ? undefined
      : hw.arithmetic(opts.ntvRate ? { rate: opts.ntvRate, rng: new Rng(opts.seed ^ 0x5eed) } : undefined);
  // NTV flips need a fixed-point multiplier to store the weights at, so every hardware method needs one.
  if (method.usesHardware && !hwTrain)
    throw new AxhwError(
      `--method ${opts.method} trains on the hardware: give a multiplier and/or an NTV rate.`,
      'Add --multiplier drum:width=8,k=4,signed and/or --ntv-voltage 660.',
    );
  const hwEval = hw?.arithmetic();
  const f = data.train.x.length / data.train.n;
  const per = task.targetsPerSample(outputs);
  const xb = new Float32Array(opts.batchSize * f);
  const yb = task.targetBuffer(opts.batchSize, outputs);
  const history: EpochRecord[] = [];
  const actErrors: number[] = [];
  let lambda = act.lambda;
  let trainSeconds = 0;
  let optimizer = makeOptimizer(opts.optimizer ?? 'adam', opts.learningRate);
  const context = { epochs: opts.epochs, pasEpochs: method.pasEpochs(opts.epochs, opts.pasEpochs), convergeTol: act.convergeTol };
  if (opts.schedule) checkSchedule(opts.schedule);
  const batchesPerEpoch = Math.ceil(data.train.n / opts.batchSize);
  let hwIterations = 0;
  const yieldNow = eventLoopYielder();
  for (let epoch = 1; ; epoch++) {
    const phase = method.next(history, context);
    if (!phase) break;
    if (history.length && history.at(-1)!.phase !== phase) {
      // A new phase (axtrain's fine-tuning on the hardware) starts with fresh optimiser state.
      optimizer.dispose();
      optimizer = makeOptimizer(opts.optimizer ?? 'adam', opts.learningRate);
    }
    const t0 = performance.now();
    const order = permutation(data.train.n, opts.seed * 7919 + epoch);
    let lossSum = 0;
    let sensSum = 0;
    let metricSum = 0;
    for (let s = 0; s < data.train.n; s += opts.batchSize) {
      const m = Math.min(opts.batchSize, data.train.n - s);
      const onHardware =
        phase === 'pas' ? (opts.schedule ? arithmeticAtIteration(opts.schedule, hwIterations++, batchesPerEpoch) : hwTrain) : undefined;
      for (let i = 0; i < m; i++) {
        const r = order[s + i]!;
        xb.set(data.train.x.subarray(r * f, (r + 1) * f), i * f);
        yb.set(data.train.y.subarray(r * per, (r + 1) * per), i * per);
      }
      const stats = tf.tidy(() => {
        const x = tf.tensor(xb.subarray(0, m * f), [m, ...data.shape]);
        const targets = task.targets(yb, m, outputs);
        let hits: tf.Tensor | undefined;
        let loss: tf.Tensor | undefined;
        let sens: tf.Tensor | undefined;
        let logits: tf.Tensor2D | undefined;
        const score = (out: tf.Tensor2D) => {
          hits = tf.keep(task.batchMetric(targets, out));
          return task.loss(targets, out);
        };
        const cost = optimizer.minimize(() => {
          if (phase !== 'act') return score(net.forward(x, onHardware));
          const t = actTerms(net, x);
          logits = t.logits;
          sens = tf.keep(t.sensitivity);
          loss = tf.keep(score(logits));
          return tf.add(loss, tf.mul(sens, lambda)) as tf.Scalar;
        }, true)!;
        logits?.dispose(); // kept for the backward pass, which has run
        return [loss ?? cost, hits!, ...(sens ? [sens] : [])];
      });
      lossSum += stats[0]!.dataSync()[0]! * m;
      metricSum += stats[1]!.dataSync()[0]!;
      if (stats[2]) sensSum += stats[2].dataSync()[0]! * m;
      tf.dispose(stats);
      await yieldNow();
    }
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    const loss = lossSum / data.train.n;
    const testMetric = (plan?: ArithmeticPlan) =>
      task.metricOf(logitsOf(net, { x: data.test.x, n: data.test.n, shape: data.shape }, plan), data.test.y, data.test.n);
    const rec: EpochRecord = {
      epoch,
      phase,
      loss,
      sensitivity: phase === 'act' ? sensSum / data.train.n : undefined,
      lambda: phase === 'act' ? lambda : undefined,
      trainAccuracy: metricSum / data.train.n,
      testAccuracy: testMetric(),
      testAccuracyHw: hwEval ? testMetric(hwEval) : undefined,
      seconds,
      samplesPerSecond: data.train.n / seconds,
    };
    if (phase === 'act') {
      actErrors.push(loss);
      lambda = adaptiveLambda(lambda, actErrors, act);
    }
    history.push(rec);
    opts.onEpoch?.(rec);
  }
  optimizer.dispose();
  return { net, history, trainSeconds, samplesPerSecond: (data.train.n * history.length) / trainSeconds };
}
