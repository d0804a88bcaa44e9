import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { mlp } from './model-spec.js';
import { quantiseNetwork, type LayerWeights, type QuantisedLayer } from './quantised-network.js';
import { GRAPH_INPUT, type GraphStep, type LayerStep, type QuantisedGraph } from './quantised-graph.js';

/**
 * An AXNet framework (approximator, predictor, control vectors) in the form fixed-point hardware runs it,
 * with frozen exponents; `axnetGraph` gives the steps the integer reference and the NPU compiler read.
 * The predictor is one hidden layer (ReLU) and an output layer whose first `controls` columns are the
 * control vectors of the connected approximator hidden layers, in order, and whose last 2 are the logits
 * (safe is column 1). A connected hidden layer i passes a(i) . c(i) on: its ReLU output is requantised to
 * `activationExps[i]`, multiplied by its control codes (at `controlExp`) on the multiplier, and requantised
 * to the next layer's input exponent.
 */
export interface QuantisedAxnet {
  mult: ApproxMultiplier;
  inputs: number;
  outputs: number;
  predictor: QuantisedLayer[];
  approximator: QuantisedLayer[];
  /** Connected approximator hidden layers (1-based, ascending). */
  connect: number[];
  /** Control outputs of the predictor (the widths of the connected layers, summed). */
  controls: number;
  controlExp: number;
  /** Per hidden layer i (index i), the exponent its ReLU codes take before the Hadamard step (connected layers only). */
  activationExps: (number | undefined)[];
}

/** The weights of an AXNet framework (float, fan-in x outputs row-major), and its connected layers. */
export interface AxnetWeights {
  approximator: LayerWeights[];
  predictor: LayerWeights[];
  connect: number[];
}

/** Where hidden layer `hidden`'s control vector starts among the predictor's control outputs (hidden widths in order). */
export function controlOffset(connect: number[], hiddenWidths: number[], hidden: number): number {
  let at = 0;
  for (const l of connect) {
    if (l === hidden) return at;
    at += hiddenWidths[l - 1]!;
  }
  throw new Error(`hidden layer ${hidden} takes no control vector`);
}

/** One dense layer quantised for the multiplier at this input exponent (weights to codes, bias to accumulator units). */
export function quantiseDense(lw: LayerWeights, mult: ApproxMultiplier, inputExp: number, relu: boolean): QuantisedLayer {
  const fanIn = lw.w.length / lw.b.length;
  // Stryker disable next-line StringLiteral: the spec's name is not read
  const [layer] = quantiseNetwork(mlp('layer', [fanIn], [lw.b.length]), [lw], mult, [inputExp]).layers;
  return { ...layer!, relu };
}

/** Where `buildAxnetGraph` gets each quantised layer, and each exponent of the codes a step writes. */
export interface AxnetSource {
  layer(part: 'predictor' | 'approximator', k: number, inputExp: number, relu: boolean): QuantisedLayer;
  /**
   * The exponent `key` (input, p1, control, act<i>, a<i>) of the codes `pending` writes, given the steps
   * of `g` so far; without `pending`, the network input's.
   */
  exp(key: string, g: QuantisedGraph, pending?: GraphStep): number;
}

/** The shape of a framework: inputs, the approximator's hidden widths, the connected hidden layers (1-based). */
export interface AxnetShape {
  inputs: number;
  hiddenWidths: number[];
  connect: number[];
}

/**
 * An AXNet framework as graph steps, in the order the NPU runs them: the predictor's hidden layer (ReLU,
 * codes), its output layer's control columns (codes) and 2 logits (streamed), then the approximator, each
 * connected hidden layer's ReLU codes taking the Hadamard step with their control codes, the last layer's
 * accumulators (H(x)) streamed after the logits.
 */
export function buildAxnetGraph(mult: ApproxMultiplier, shape: AxnetShape, src: AxnetSource): QuantisedGraph {
  const g: QuantisedGraph = { name: 'the AXNet framework', mult, inputSize: shape.inputs, inputExp: 0, steps: [] };
  g.inputExp = src.exp('input', g);
  let index = 0;
  /** Adds a layer step; its code exponent from `key`, or none (streamed). */
  const layer = (step: Omit<LayerStep, 'op' | 'index' | 'codeExp'>, key?: string): number | undefined => {
    const s: LayerStep = { op: 'layer', index, ...step };
    if (key !== undefined) s.codeExp = src.exp(key, g, s);
    g.steps.push(s);
    return s.codeExp;
  };
  const p0 = src.layer('predictor', 0, g.inputExp, true);
  const hidden = 'predictor hidden';
  const p1Exp = layer({ input: GRAPH_INPUT, output: hidden, label: hidden, layer: p0, from: 0, count: p0.outputs }, 'p1')!;
  index++;
  const p1 = src.layer('predictor', 1, p1Exp, false);
  const controls = p1.outputs - 2;
  if (controls > 0) {
    layer({ input: hidden, output: 'controls', label: 'controls', layer: p1, from: 0, count: controls }, 'control');
    index++;
  }
  layer({ input: hidden, output: 'logits', label: 'logits', layer: p1, from: controls, count: 2 });
  index++;
  let value = GRAPH_INPUT;
  let exp = g.inputExp;
  const L = shape.hiddenWidths.length + 1;
  for (let k = 0; k < L; k++) {
    const last = k === L - 1;
    const l = src.layer('approximator', k, exp, !last);
    const label = last ? 'approximator output' : `approximator hidden ${k + 1}`;
    const step = { input: value, output: label, label, layer: l, from: 0, count: l.outputs };
    if (last) layer(step);
    else if (shape.connect.includes(k + 1)) {
      layer({ ...step, output: `${label} before its control` }, `act${k + 1}`);
      const h: GraphStep = {
        op: 'hadamard',
        input: `${label} before its control`,
        output: label,
        index,
        label,
        control: 'controls',
        controlOffset: controlOffset(shape.connect, shape.hiddenWidths, k + 1),
        codeExp: 0,
      };
      h.codeExp = src.exp(`a${k + 1}`, g, h);
      g.steps.push(h);
      exp = h.codeExp;
    } else exp = layer(step, `a${k + 1}`)!;
    value = label;
    index++;
  }
  return g;
}

/** The graph of a quantised framework, its exponents frozen. */
export function axnetGraph(q: QuantisedAxnet): QuantisedGraph {
  const fixed = new Map<string, number | undefined>([
    ['input', q.approximator[0]!.inputExp],
    ['p1', q.predictor[1]!.inputExp],
    ['control', q.controlExp],
  ]);
  q.approximator.forEach((l, k) => fixed.set(`a${k}`, l.inputExp));
  q.activationExps.forEach((v, i) => fixed.set(`act${i}`, v));
  const hiddenWidths = q.approximator.slice(0, -1).map((l) => l.outputs);
  return buildAxnetGraph(
    q.mult,
    { inputs: q.inputs, hiddenWidths, connect: q.connect },
    {
      layer: (part, k) => (part === 'predictor' ? q.predictor : q.approximator)[k]!,
      exp(key) {
        const e = fixed.get(key);
        if (e === undefined) throw new Error(`the quantised framework has no exponent ${key}`);
        return e;
      },
    },
  );
}
