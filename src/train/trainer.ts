import { tf } from '../nn/backend.js';
import { Network } from '../nn/network.js';
import type { Arithmetic } from './approx-ops.js';
import { arithmeticOf, type HardwareChoice } from '../arith/hardware.js';
import type { ModelSpec } from '../nn/models.js';
import { accuracy, predict } from '../infer/evaluate.js';
import { permutation, type PreparedData } from '../data/prepare.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';
import { outputFunctional, sensitivityOf } from './sensitivity.js';

/**
 * Training methods of the engine.
 * - `bp`: exact float32 back-propagation.
 * - `pas` (alias `axtrain-pas`): the forward pass runs on the hardware (RTL table products and/or NTV
 *   flips, fresh flips every batch), backward by the straight-through estimator (AxTrain-pas; FramNN's
 *   approximate forward pass).
 * - `axtrain-act`: exact forward, loss E + lambda * S with S the output sensitivity (sensitivity.ts),
 *   its gradient by double back-propagation, lambda adapted once per epoch (adaptiveLambda).
 * - `axtrain`: axtrain-act until the training error and S converge (or `epochs` run out), then
 *   `pasEpochs` epochs of pas on the hardware.
 */
export type Method = 'bp' | 'pas' | 'axtrain-act' | 'axtrain-pas' | 'axtrain';
export const METHODS: readonly Method[] = ['bp', 'axtrain-act', 'axtrain-pas', 'axtrain', 'pas'];
type Phase = 'bp' | 'act' | 'pas';

/** Methods whose training runs on the hardware (need a multiplier and/or an NTV rate). */
export function usesHardware(m: Method): boolean {
  return m === 'pas' || m === 'axtrain-pas' || m === 'axtrain';
}

/** AxTrain-act's regularisation settings (METHODS.md section 3). */
export interface ActOptions {
  /** Starting lambda. */
  lambda: number;
  /** Step of the adaptive rule (0 keeps lambda fixed). */
  lambdaStep: number;
  /** Training error (loss E) below which lambda always grows. */
  errorBound: number;
  /** axtrain: act has converged when E and S both change by less than this fraction in an epoch. */
  convergeTol: number;
}
export const DEFAULT_ACT: ActOptions = { lambda: 0.01, lambdaStep: 0.005, errorBound: 0, convergeTol: 0.01 };

export interface TrainOptions {
  data: PreparedData;
  model: ModelSpec;
  method: Method;
  act?: Partial<ActOptions>;
  /** axtrain: epochs of pas after act (default: max(1, round(epochs / 4))). */
  pasEpochs?: number;
  /** Start from these weights (names w{layer}/b{layer}) instead of the seeded initialisation. */
  initialWeights?: { name: string; data: Float32Array }[];
  hardware?: HardwareChoice;
  /** NTV bit-flip rate of the stored weights during pas training (fixed-point hardware). */
  ntvRate?: number;
  /** Epochs (axtrain: the most epochs of act before pas). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  onEpoch?: (e: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  phase: Phase;
  /** Mean training cross-entropy E (without the regulariser). */
  loss: number;
  /** axtrain-act: mean sensitivity S over the epoch's batches, and the lambda the epoch trained with. */
  sensitivity?: number;
  lambda?: number;
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

/** Mini-batch Adam on softmax cross-entropy, seeded shuffling; one record per epoch. */
export function train(opts: TrainOptions): TrainResult {
  const { data, model } = opts;
  const net = new Network(model, opts.seed);
  if (opts.initialWeights) net.setWeights(opts.initialWeights);
  const act = { ...DEFAULT_ACT, ...opts.act };
  const classes = model.layers.filter((l) => l.kind === 'dense').at(-1)!.units;
  const hw = opts.hardware;
  const hwTrain: Arithmetic | undefined = !usesHardware(opts.method) || !hw ? undefined : hw.kind === 'float' ? { float: hw.float } : { mult: hw.mult, path: hw.path, ntv: opts.ntvRate ? { rate: opts.ntvRate, rng: new Rng(opts.seed ^ 0x5eed) } : undefined };
  // NTV flips need a fixed-point multiplier to store the weights at, so every hardware method needs one.
  if (usesHardware(opts.method) && !hwTrain) throw new AxhwError(`--method ${opts.method} trains on the hardware: give a multiplier and/or an NTV rate.`, 'Add --multiplier drum:width=8,k=4,signed and/or --ntv-voltage 660.');
  const hwEval: Arithmetic | undefined = hw ? arithmeticOf(hw) : undefined;
  const f = data.train.x.length / data.train.n;
  const xb = new Float32Array(opts.batchSize * f);
  const yb = new Int32Array(opts.batchSize);
  const history: EpochRecord[] = [];
  const actErrors: number[] = [];
  let lambda = act.lambda;
  let trainSeconds = 0;
  let phase: Phase = opts.method === 'bp' ? 'bp' : opts.method === 'axtrain-act' || opts.method === 'axtrain' ? 'act' : 'pas';
  let optimizer = tf.train.adam(opts.learningRate);
  const pasEpochs = opts.method === 'axtrain' ? (opts.pasEpochs ?? Math.max(1, Math.round(opts.epochs / 4))) : 0;
  let actEpochs = 0;
  for (let epoch = 1; epoch <= opts.epochs + pasEpochs; epoch++) {
    if (opts.method === 'axtrain' && phase === 'act' && (actEpochs >= opts.epochs || actConverged(history, act.convergeTol))) {
      // Fine-tuning on the hardware starts with fresh optimiser state.
      phase = 'pas';
      optimizer.dispose();
      optimizer = tf.train.adam(opts.learningRate);
    }
    if (phase === 'pas' && opts.method === 'axtrain' && epoch > actEpochs + pasEpochs) break;
    const t0 = performance.now();
    const order = permutation(data.train.n, opts.seed * 7919 + epoch);
    let lossSum = 0;
    let sensSum = 0;
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
        let ce: tf.Tensor | undefined;
        let sens: tf.Tensor | undefined;
        let logits: tf.Tensor2D | undefined;
        const score = (logits: tf.Tensor2D) => {
          hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32')));
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        };
        const cost = optimizer.minimize(() => {
          if (phase !== 'act') return score(net.forward(x, phase === 'pas' ? hwTrain : undefined));
          // One forward pass serves both terms: the logits are kept out of the inner gradient's scope, so
          // E and the double back-propagation of S share them on the outer tape.
          const weights = net.weighted.map((p) => p.w as tf.Tensor);
          const g = tf.grads((...ws: tf.Tensor[]) => outputFunctional((logits = tf.keep(net.forward(x, undefined, ws)))))(weights);
          sens = tf.keep(sensitivityOf(g, weights));
          ce = tf.keep(score(logits!));
          return tf.add(ce, tf.mul(sens, lambda)) as tf.Scalar;
        }, true)!;
        logits?.dispose(); // kept for the backward pass, which has run
        return [ce ?? cost, hits!, ...(sens ? [sens] : [])];
      });
      lossSum += stats[0]!.dataSync()[0]! * m;
      correct += stats[1]!.dataSync()[0]!;
      if (stats[2]) sensSum += stats[2].dataSync()[0]! * m;
      tf.dispose(stats);
    }
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    const loss = lossSum / data.train.n;
    const rec: EpochRecord = {
      epoch,
      phase,
      loss,
      sensitivity: phase === 'act' ? sensSum / data.train.n : undefined,
      lambda: phase === 'act' ? lambda : undefined,
      trainAccuracy: correct / data.train.n,
      testAccuracy: accuracy(predict(net, data.test), data.test.y),
      testAccuracyHw: hwEval ? accuracy(predict(net, data.test, hwEval), data.test.y) : undefined,
      seconds,
      samplesPerSecond: data.train.n / seconds,
    };
    if (phase === 'act') {
      actEpochs++;
      actErrors.push(loss);
      lambda = adaptiveLambda(lambda, actErrors, act);
    }
    history.push(rec);
    opts.onEpoch?.(rec);
  }
  optimizer.dispose();
  return { net, history, trainSeconds, samplesPerSecond: (data.train.n * history.length) / trainSeconds };
}

/** Both the training error and the sensitivity changed by less than `tol` (relative) in the last act epoch. */
function actConverged(history: EpochRecord[], tol: number): boolean {
  const act = history.filter((h) => h.phase === 'act');
  if (act.length < 2) return false;
  const [a, b] = [act.at(-2)!, act.at(-1)!];
  const rel = (x: number, y: number) => Math.abs(y - x) / Math.max(Math.abs(x), 1e-12);
  return rel(a.loss, b.loss) < tol && rel(a.sensitivity!, b.sensitivity!) < tol;
}
