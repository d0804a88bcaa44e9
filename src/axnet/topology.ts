import { AxhwError } from '../errors.js';

/**
 * The networks of one approximate-computing framework. The approximator maps N inputs through its hidden
 * layers to M outputs; the predictor maps N inputs through one hidden layer to its outputs: 2 logits
 * (safe / unsafe) for onepass and iterative, and for AXNet the control vectors of the connected
 * approximator layers followed by the 2 logits (the paper's eq. 3, softmax form).
 */
export interface Topology {
  inputs: number;
  outputs: number;
  approximatorHidden: number[];
  predictorHidden: number;
  /** AXNet: the approximator hidden layers (1-based) that take a control vector; absent: a plain predictor. */
  connect?: number[];
}

/** Connection forms of AXNet: every hidden layer (the paper's AXNet), or a single one (its simplified AXNet). */
export type Connect = 'all' | number;

export function connectedLayers(hidden: number[], connect: Connect): number[] {
  if (connect === 'all') return hidden.map((_, i) => i + 1);
  if (!Number.isInteger(connect) || connect < 1 || connect > hidden.length) throw new AxhwError(`AXNet cannot connect hidden layer ${connect}: the approximator has ${hidden.length} hidden layer(s).`, `Connect 'all' or a layer from 1 to ${hidden.length}.`);
  return [connect];
}

/** Predictor outputs: the control vectors (one per connected hidden layer, its width) and 2 logits. */
export function predictorOutputs(t: Topology): number {
  return (t.connect ?? []).reduce((s, l) => s + t.approximatorHidden[l - 1]!, 0) + 2;
}

/** Weights and biases of an MLP with these layer sizes. */
export function mlpParameters(sizes: number[]): number {
  let p = 0;
  for (let i = 1; i < sizes.length; i++) p += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return p;
}

/** Parameters (weights and biases) of the framework: approximator plus predictor. */
export function parameterCount(t: Topology): number {
  return mlpParameters([t.inputs, ...t.approximatorHidden, t.outputs]) + mlpParameters([t.inputs, t.predictorHidden, predictorOutputs(t)]);
}

/** Written as the paper labels its stars: approximator N-h..-M and predictor N-p-outputs. */
export function describeTopology(t: Topology): string {
  return `${[t.inputs, ...t.approximatorHidden, t.outputs].join('-')} + ${[t.inputs, t.predictorHidden, predictorOutputs(t)].join('-')}`;
}

/**
 * The AXNet topology whose parameter count matches a baseline's, as the paper compares them (within 3%).
 * AXNet's predictor carries the control vectors, so something must shrink; both networks shrink in
 * proportion: among approximators no wider than the baseline's in any hidden layer and predictor hidden
 * widths up to twice the baseline's, the one that keeps the larger of the two smaller ratios
 * (approximator parameters to the baseline approximator's, predictor hidden width to the baseline's),
 * then the closest count. Where nothing is within the tolerance (tiny networks), the closest count, and
 * `withinTolerance` false.
 */
export function matchParameterCount(baseline: Topology, connect: Connect, tolerance = 0.03): { topology: Topology; params: number; baselineParams: number; difference: number; withinTolerance: boolean } {
  const target = parameterCount(baseline);
  const hidden = baseline.approximatorHidden;
  const baseApprox = mlpParameters([baseline.inputs, ...hidden, baseline.outputs]);
  let best: { topology: Topology; params: number; score: number; diff: number } | undefined;
  const widths = (i: number, prefix: number[]): number[][] => (i === hidden.length ? [prefix] : Array.from({ length: hidden[i]! }, (_, w) => widths(i + 1, [...prefix, w + 1])).flat());
  for (const approximatorHidden of widths(0, []))
    for (let p = 1; p <= 2 * baseline.predictorHidden; p++) {
      const t: Topology = { ...baseline, approximatorHidden, predictorHidden: p, connect: connectedLayers(approximatorHidden, connect) };
      const params = parameterCount(t);
      const diff = Math.abs(params - target) / target;
      const score = Math.min(mlpParameters([t.inputs, ...approximatorHidden, t.outputs]) / baseApprox, p / baseline.predictorHidden);
      const [inT, bestInT] = [diff <= tolerance, best !== undefined && best.diff <= tolerance];
      const better = !best || (inT && !bestInT) || (inT && bestInT && (score > best.score || (score === best.score && diff < best.diff))) || (!inT && !bestInT && diff < best.diff);
      if (better) best = { topology: t, params, score, diff };
    }
  return { topology: best!.topology, params: best!.params, baselineParams: target, difference: (best!.params - target) / target, withinTolerance: best!.diff <= tolerance };
}
