import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { mlp } from './model-spec.js';
import { quantiseNetwork, type LayerWeights, type QuantisedLayer } from './quantised-network.js';

/**
 * An AXNet framework (approximator, predictor, control vectors) in the form fixed-point hardware runs it,
 * with frozen exponents: what the integer reference (infer/axnet-reference.ts) and the NPU compiler read.
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
