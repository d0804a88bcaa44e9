import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import type { ModelSpec } from '../ir/model-spec.js';
import { Network } from '../nn/network.js';
import type { TrainingData } from './trainer.js';
import { train } from './trainer.js';
import { mixedHardware } from '../nn/hardware.js';
import { neuronCriticality } from './criticality.js';

/** One try of ApproxAnn's loop: `step` more neurons on the approximate multiplier, retrained, kept or undone. */
export interface ApproxAnnStep {
  /** Neurons on the approximate multiplier before the try, and how many the try added. */
  before: number;
  step: number;
  /** The neurons it moved (weighted layer, neuron), least critical first. */
  added: [number, number][];
  /** Accuracy after retraining with them (the caller's evaluation). */
  accuracy: number;
  accepted: boolean;
}

export interface ApproxAnnResult {
  /** Per weighted layer, 1 for a neuron on the approximate multiplier. */
  masks: Uint8Array[];
  approxNeurons: number;
  neurons: number;
  /** The kept network's accuracy (the caller's evaluation); the start's when no try was kept. */
  accuracy: number;
  /** The kept network's weights (names w{layer}/b{layer}). */
  weights: { name: string; shape: number[]; data: Float32Array }[];
  steps: ApproxAnnStep[];
}

export interface ApproxAnnOptions {
  data: TrainingData;
  model: ModelSpec;
  /** The pre-trained network to start from (bp, or AxTrain-act). */
  initialWeights: { name: string; data: Float32Array }[];
  /** The accurate multiplier and the approximate one (one number format). */
  exact: ApproxMultiplier;
  approx: ApproxMultiplier;
  /** The bound: a kept step's accuracy must be at least this. */
  targetAccuracy: number;
  /** The network's accuracy with these neurons on the approximate multiplier (e.g. calibrated, on held-out data). */
  evaluate(net: Network, masks: Uint8Array[]): number;
  retrainEpochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Samples the criticality is measured on (default 128). */
  criticalitySamples?: number;
  /** The first step as a share of all neurons (default 1/8); each failed step halves it, down to one neuron. */
  firstStep?: number;
  log?: (m: string) => void;
}

/**
 * ApproxANN's iterative replacement (Zhang et al., DATE 2015), as stated here: starting from a trained
 * network with every neuron on the accurate multiplier, rank the neurons still accurate by criticality
 * (criticality.ts, measured on the network as it now runs), move the `step` least critical ones to the
 * approximate multiplier, retrain on that hardware (pas: the hardware forward pass, straight-through
 * gradients) and evaluate; keep the step when the accuracy meets the bound (the next step doubles, up to the
 * first), else undo it and halve the step.
 * It ends when every neuron is approximate or a one-neuron step fails. The count of approximate neurons only
 * grows, and every kept network meets the bound.
 */
export async function approxAnn(o: ApproxAnnOptions): Promise<ApproxAnnResult> {
  const log = o.log ?? (() => {});
  const sizes = o.model.layers.flatMap((l) => (l.kind === 'dense' ? [l.units] : l.kind === 'conv2d' ? [l.filters] : []));
  const neurons = sizes.reduce((a, b) => a + b, 0);
  let masks = sizes.map((n) => new Uint8Array(n));
  let weights = o.initialWeights;
  const firstStep = Math.max(1, Math.round(neurons * (o.firstStep ?? 1 / 8)));
  let step = firstStep;
  const steps: ApproxAnnStep[] = [];
  // The transform path where both multipliers factorise (bit-identical to the table path, and much faster to train on).
  const path = o.exact.transform && o.approx.transform ? 'transform' : 'table';
  const hardware = (m: Uint8Array[]) => mixedHardware(o.exact, o.approx, m, path, 'per-neuron multipliers (ApproxAnn)');
  const retrain = (m: Uint8Array[], from: typeof weights) =>
    train({
      data: o.data,
      model: o.model,
      method: 'axtrain-pas',
      epochs: o.retrainEpochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed: o.seed,
      hardware: hardware(m),
      initialWeights: from,
    });
  // The start, evaluated as every later network is.
  let kept = new Network(o.model, o.seed);
  kept.setWeights(weights);
  let accuracy = o.evaluate(kept, masks);
  let count = 0;
  while (count < neurons && step >= 1) {
    const critical = neuronCriticality(kept, { ...o.data.train, shape: o.data.shape }, hardware(masks).arithmetic(), o.criticalitySamples);
    const order = critical
      .flatMap((c, k) => Array.from(c, (v, j) => ({ k, j, v })))
      .filter(({ k, j }) => masks[k]![j] === 0)
      .sort((a, b) => a.v - b.v || a.k - b.k || a.j - b.j);
    const take = Math.min(step, order.length);
    const trial = masks.map((m) => Uint8Array.from(m));
    for (const { k, j } of order.slice(0, take)) trial[k]![j] = 1;
    const r = await retrain(trial, weights);
    const acc = o.evaluate(r.net, trial);
    const accepted = acc >= o.targetAccuracy;
    steps.push({ before: count, step: take, added: order.slice(0, take).map(({ k, j }) => [k, j]), accuracy: acc, accepted });
    log(`${count} + ${take} neurons approximate: accuracy ${(100 * acc).toFixed(1)}% ${accepted ? 'kept' : 'undone'}`);
    if (accepted) {
      kept.dispose();
      kept = r.net;
      masks = trial;
      weights = r.net.weights();
      accuracy = acc;
      count += take;
      // A kept step doubles the next one (up to the first), so a failure early on does not leave single steps to the end.
      step = Math.min(firstStep, step * 2);
    } else {
      r.net.dispose();
      step = Math.floor(step / 2);
    }
  }
  const result = { masks, approxNeurons: count, neurons, accuracy, weights: kept.weights(), steps };
  kept.dispose();
  return result;
}
