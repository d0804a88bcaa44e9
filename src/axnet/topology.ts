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
  if (!Number.isInteger(connect) || connect < 1 || connect > hidden.length)
    throw new AxhwError(
      `AXNet cannot connect hidden layer ${connect}: the approximator has ${hidden.length} hidden layer(s).`,
      `Connect 'all' or a layer from 1 to ${hidden.length}.`,
    );
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
 * proportion: approximators whose hidden widths are the baseline's scaled by one factor f (rounded, at
 * least 1: the shape is kept), predictor hidden widths up to twice the baseline's; the candidate that
 * keeps the larger of the two smaller ratios (approximator parameters to the baseline approximator's,
 * predictor width to the baseline's), then the closest count. Where nothing is within the tolerance (tiny
 * networks), the same choice within the smallest multiple of the tolerance that has a candidate, and
 * `withinTolerance` false.
 */
export function matchParameterCount(
  baseline: Topology,
  connect: Connect,
  tolerance = 0.03,
): { topology: Topology; params: number; baselineParams: number; difference: number; withinTolerance: boolean } {
  const target = parameterCount(baseline);
  const hidden = baseline.approximatorHidden;
  const baseApprox = mlpParameters([baseline.inputs, ...hidden, baseline.outputs]);
  const widest = Math.max(...hidden);
  const shapes = new Map<string, number[]>();
  for (let k = 1; k <= widest; k++) {
    const w = hidden.map((h) => Math.max(1, Math.round((k / widest) * h)));
    shapes.set(w.join(), w);
  }
  const candidates = [...shapes.values()].flatMap((approximatorHidden) =>
    Array.from({ length: 2 * baseline.predictorHidden }, (_, i) => {
      const t: Topology = {
        ...baseline,
        approximatorHidden,
        predictorHidden: i + 1,
        connect: connectedLayers(approximatorHidden, connect),
      };
      const params = parameterCount(t);
      return {
        topology: t,
        params,
        diff: Math.abs(params - target) / target,
        score: Math.min(mlpParameters([t.inputs, ...approximatorHidden, t.outputs]) / baseApprox, (i + 1) / baseline.predictorHidden),
      };
    }),
  );
  // Nothing within the tolerance (tiny networks): the same choice within the smallest multiple of it that has one.
  let within = candidates.filter((c) => c.diff <= tolerance);
  // Stryker disable next-line EqualityOperator: a candidate exactly on a widened bound (6%, 9%, ...) is no better or worse a stand-in
  for (let f = 2; !within.length; f++) within = candidates.filter((c) => c.diff <= f * tolerance);
  const best = within.reduce((a, c) => (c.score > a.score || (c.score === a.score && c.diff < a.diff) ? c : a));
  return {
    topology: best.topology,
    params: best.params,
    baselineParams: target,
    difference: (best.params - target) / target,
    withinTolerance: best.diff <= tolerance,
  };
}
