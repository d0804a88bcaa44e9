import { tf } from '../nn/backend.js';
import { permutation } from '../data/prepare.js';
import { makeOptimizer } from '../train/optimizer.js';
import { Framework, type ForwardHardware } from './framework.js';
import type { Topology } from './topology.js';
import { sampleErrors } from '../data/axbench/function.js';
import { eventLoopYielder } from '../util/yield.js';

/** The three ways to obtain an approximator and its predictor. */
export const METHODS = ['axnet', 'onepass', 'iterative'] as const;
export type AxnetMethod = (typeof METHODS)[number];

export interface RegressionSamples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

export interface TrainSettings {
  /** Epochs of each training phase (AXNet has one; onepass two; iterative two per round). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Per-sample error below which a sample is safe to approximate. */
  errorBound: number;
  /** Iterative: rounds of (approximator on the safe samples, relabel, predictor). */
  rounds: number;
  seed: number;
  /** The forward pass's hardware (exact by default); backward is straight-through. */
  hardware: ForwardHardware;
}

export interface EpochTrace {
  phase: string;
  epoch: number;
  /** Mean training loss of the phase's batches (AXNet: J = MSE + CE). */
  loss: number;
  /** Share of the epoch's training samples within the bound / called safe, as trained (AXNet's Figure 2b). */
  trueInvocation?: number;
  predictedInvocation?: number;
}

export interface TrainedFramework {
  method: AxnetMethod;
  framework: Framework;
  trainSeconds: number;
  /** Optimiser steps over all phases. */
  steps: number;
  history: EpochTrace[];
}

/** Rows `idx` of a row-major matrix of `width` columns. */
function rows(m: Float32Array, width: number, idx: ArrayLike<number>, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * width);
  for (let i = from; i < to; i++) out.set(m.subarray(idx[i]! * width, (idx[i]! + 1) * width), (i - from) * width);
  return out;
}

/**
 * Safe (1) / unsafe (0) of each row of H against y (mean |H - y| below the bound), read out of H's values
 * into a fresh tensor: labels are targets, with no gradient path back into H.
 */
function safeLabels(h: tf.Tensor2D, y: Float32Array, bound: number): tf.Tensor1D {
  const errors = sampleErrors(h.dataSync() as Float32Array, y, h.shape[1]);
  return tf.tensor1d(
    Int32Array.from(errors, (e) => +(e < bound)),
    'int32',
  );
}

interface Phase {
  name: string;
  vars: tf.Variable[];
  /** Samples the phase trains on (indices into the training set). */
  subset: Int32Array;
  /** The batch loss, and optionally the batch's safe labels and decisions for the trace. */
  loss(x: tf.Tensor2D, y: tf.Tensor2D, labels: tf.Tensor2D | undefined): { loss: tf.Scalar; safe?: tf.Tensor1D; called?: tf.Tensor1D };
}

/**
 * Epochs of seeded minibatch Adam over the phase's samples; returns steps taken. Gives the event loop a
 * turn between batches (Ctrl-C must get through a synchronous training loop).
 */
async function runPhase(
  p: Phase,
  data: RegressionSamples,
  labels: Int32Array | undefined,
  t: Topology,
  s: TrainSettings,
  seedOffset: number,
  history: EpochTrace[],
): Promise<number> {
  const opt = makeOptimizer('adam', s.learningRate);
  const yieldNow = eventLoopYielder();
  let steps = 0;
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    const order = permutation(p.subset.length, s.seed * 1000 + seedOffset * 100 + epoch);
    const idx = Int32Array.from(order, (i) => p.subset[i]!);
    let [lossSum, safeSum, calledSum, seen] = [0, 0, 0, 0];
    for (let from = 0; from < idx.length; from += s.batchSize) {
      const to = Math.min(idx.length, from + s.batchSize);
      const m = to - from;
      const stats = tf.tidy(() => {
        const x = tf.tensor2d(rows(data.x, t.inputs, idx, from, to), [m, t.inputs]);
        const y = tf.tensor2d(rows(data.y, t.outputs, idx, from, to), [m, t.outputs]);
        const lab = labels
          ? (tf.oneHot(
              tf.tensor1d(
                Int32Array.from({ length: m }, (_, i) => labels[idx[from + i]!]!),
                'int32',
              ),
              2,
            ) as tf.Tensor2D)
          : undefined;
        let safe: tf.Tensor1D | undefined;
        let called: tf.Tensor1D | undefined;
        const cost = opt.minimize(
          () => {
            const r = p.loss(x, y, lab);
            safe = r.safe ? tf.keep(r.safe) : undefined;
            called = r.called ? tf.keep(r.called) : undefined;
            return r.loss;
          },
          true,
          p.vars,
        )!;
        const out = [cost.dataSync()[0]!, safe ? tf.sum(safe).dataSync()[0]! : 0, called ? tf.sum(called).dataSync()[0]! : 0];
        safe?.dispose();
        called?.dispose();
        return out;
      });
      lossSum += stats[0]! * m;
      safeSum += stats[1]!;
      calledSum += stats[2]!;
      seen += m;
      steps++;
      await yieldNow();
    }
    history.push({
      phase: p.name,
      epoch,
      loss: lossSum / seen,
      ...(p.name === 'axnet' ? { trueInvocation: safeSum / seen, predictedInvocation: calledSum / seen } : {}),
    });
  }
  opt.dispose();
  return steps;
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function approximatorPhase(f: Framework, hw: ForwardHardware, subset: Int32Array): Phase {
  return {
    name: 'approximator',
    vars: f.approximatorVariables(),
    subset,
    loss: (x, y) => ({ loss: tf.losses.meanSquaredError(y, f.approximate(x, hw)) as tf.Scalar }),
  };
}

function predictorPhase(f: Framework, hw: ForwardHardware, n: number): Phase {
  return {
    name: 'predictor',
    vars: f.predictorVariables(),
    subset: all(n),
    loss: (x, _y, lab) => ({ loss: tf.losses.softmaxCrossEntropy(lab!, f.logits(x, hw)) as tf.Scalar }),
  };
}

/** Safe labels of every training sample under the framework's current approximator. */
function labelAll(f: Framework, data: RegressionSamples, s: TrainSettings): Int32Array {
  const { errors } = f.evaluate(data.x, data.y, data.n, s.hardware);
  return Int32Array.from(errors, (e) => +(e < s.errorBound));
}

/**
 * Train a framework by one method:
 * - axnet: one end-to-end back-propagation of J = MSE(y, H(x)) + CE(p_label, P(x)), p_label from each
 *   batch's own approximation errors (no gradient through the labels), all weights in one Adam;
 * - onepass: the approximator (MSE), then the training set labelled by it, then the predictor (CE);
 * - iterative: `rounds` times: the approximator on the samples labelled safe (all in the first round),
 *   relabel, the predictor on the new labels (weights carried over between rounds).
 */
export async function trainFramework(
  method: AxnetMethod,
  topology: Topology,
  data: RegressionSamples,
  s: TrainSettings,
): Promise<TrainedFramework> {
  const f = new Framework(topology, s.seed);
  const hw = s.hardware;
  const history: EpochTrace[] = [];
  const start = performance.now();
  let steps = 0;
  if (method === 'axnet') {
    const phase: Phase = {
      name: 'axnet',
      vars: [...f.approximatorVariables(), ...f.predictorVariables()],
      subset: all(data.n),
      loss: (x, y) => {
        const { h, logits } = f.forward(x, hw);
        const safe = safeLabels(h, y.dataSync() as Float32Array, s.errorBound);
        const joint = tf.add(tf.losses.meanSquaredError(y, h), tf.losses.softmaxCrossEntropy(tf.oneHot(safe, 2), logits)) as tf.Scalar;
        return { loss: joint, safe, called: tf.cast(tf.argMax(logits, 1), 'int32') as tf.Tensor1D };
      },
    };
    steps += await runPhase(phase, data, undefined, topology, s, 0, history);
  } else {
    const rounds = method === 'onepass' ? 1 : s.rounds;
    let subset = all(data.n);
    for (let r = 0; r < rounds; r++) {
      steps += await runPhase(approximatorPhase(f, hw, subset), data, undefined, topology, s, 2 * r + 1, history);
      const labels = labelAll(f, data, s);
      steps += await runPhase(predictorPhase(f, hw, data.n), data, labels, topology, s, 2 * r + 2, history);
      const safe = all(data.n).filter((i) => labels[i] === 1);
      // An approximator that fits no sample yet keeps training on all of them.
      subset = safe.length >= s.batchSize ? safe : all(data.n);
    }
  }
  return { method, framework: f, trainSeconds: (performance.now() - start) / 1000, steps, history };
}
