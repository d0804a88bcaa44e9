import { scaleExponent } from '../arith/fixed-point.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import type { QuantisedLayer } from '../ir/quantised-network.js';
import { writtenSteps } from '../ir/quantised-graph.js';
import { axnetGraph, buildAxnetGraph, quantiseDense, type AxnetWeights, type QuantisedAxnet } from '../ir/quantised-axnet.js';
import { evaluateSteps, graphReference, rawStep, type GraphValue } from './graph-reference.js';

/** One stage of an AXNet inference, in the order the NPU runs them: its outputs per sample as the hardware writes them. */
export interface AxnetStage {
  name: string;
  /** Codes written to an activation buffer (at 2^exp), or accumulators streamed out (value = acc * 2^exp). */
  kind: 'codes' | 'accumulators';
  exp: number;
  outputs: number;
  /** n x outputs, integers. */
  data: Float64Array;
}

export interface AxnetReferenceResult {
  stages: AxnetStage[];
  /** H(x): n x outputs, scaled. */
  h: Float64Array;
  /** The predictor's decision per sample: logit 1 (safe) > logit 0. */
  predictedSafe: Uint8Array;
}

/**
 * Integer reference inference of a quantised AXNet framework: its graph (ir/quantised-axnet.ts) on the one
 * integer reference (infer/graph-reference.ts); every stage's outputs, H(x) (the approximator's streamed
 * accumulators, scaled) and the predictor's decisions (logit 1 > logit 0).
 */
export function axnetReference(q: QuantisedAxnet, x: Float32Array, n: number): AxnetReferenceResult {
  const g = axnetGraph(q);
  const values = graphReference(g, x, n);
  const stages = writtenSteps(g).map((s): AxnetStage => {
    const v = values.get(s.output)!;
    return { name: s.label!, kind: v.kind, exp: v.exp, outputs: v.size, data: Float64Array.from(v.data) };
  });
  const out = stages.at(-1)!;
  const h = out.data.map((v) => v * 2 ** out.exp);
  const logits = values.get('logits')!.data;
  const predictedSafe = Uint8Array.from({ length: n }, (_, r) => +(logits[2 * r + 1]! > logits[2 * r]!));
  return { stages, h, predictedSafe };
}

/**
 * Quantise an AXNet framework for a multiplier, its exponents calibrated on the integer path itself: each
 * exponent is the smallest that holds the largest |value| quantised there over the calibration samples,
 * with every earlier step already on the multiplier (approximate products included), as `calibrate`
 * does for plain networks.
 */
export function quantiseAxnet(w: AxnetWeights, mult: ApproxMultiplier, x: Float32Array, n: number): QuantisedAxnet {
  const exps = new Map<string, number>();
  const layers = { predictor: [] as QuantisedLayer[], approximator: [] as QuantisedLayer[] };
  const hiddenWidths = w.approximator.slice(0, -1).map((l) => l.b.length);
  const values = new Map<string, GraphValue>();
  let evaluated = 0;
  /** The smallest exponent that holds every value (integers at 2^exp), recorded under `key`. */
  const record = (key: string, data: ArrayLike<number>, exp: number) => {
    let max = 0;
    const scale = 2 ** exp;
    for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i]! * scale));
    const e = scaleExponent(max, mult.qmax);
    exps.set(key, e);
    return e;
  };
  const g = buildAxnetGraph(
    mult,
    { inputs: w.approximator[0]!.w.length / w.approximator[0]!.b.length, hiddenWidths, connect: w.connect },
    {
      layer(part, k, inputExp, relu) {
        const l = quantiseDense(w[part][k]!, mult, inputExp, relu);
        layers[part][k] = l;
        return l;
      },
      exp(key, graph, pending) {
        // the input's exponent comes first, from x; then the steps added since the last exponent, and what the
        // pending one computes before requantisation
        if (!pending) return record(key, x, 0);
        evaluated = evaluateSteps(graph, x, n, values, evaluated);
        const raw = rawStep(graph, pending, values, n);
        return record(key, raw.data, raw.exp);
      },
    },
  );
  const controls = g.steps.find((s) => s.output === 'controls');
  return {
    mult,
    inputs: g.inputSize,
    outputs: w.approximator.at(-1)!.b.length,
    predictor: layers.predictor,
    approximator: layers.approximator,
    connect: [...w.connect],
    controls: controls?.op === 'layer' ? controls.count : 0,
    controlExp: exps.get('control') ?? 0,
    activationExps: Array.from({ length: hiddenWidths.length + 1 }, (_, i) => exps.get(`act${i}`)),
  };
}
