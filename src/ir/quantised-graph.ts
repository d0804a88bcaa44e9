import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { layerShapes } from './model-spec.js';
import type { QuantisedLayer, QuantisedNetwork } from './quantised-network.js';

/**
 * The one integer form of a network that fixed-point hardware runs: steps over named values, in the order
 * the hardware runs them. A plain network (`networkGraph`) is a chain; an AXNet framework
 * (`axnetGraph`, ir/quantised-axnet.ts) has two branches and a Hadamard step. The integer reference
 * (infer/graph-reference.ts) evaluates it and the NPU compiler (npu/compile.ts) maps it to a program;
 * neither knows which kind of network it came from.
 */
export interface QuantisedGraph {
  /** What the network is called in messages. */
  name: string;
  mult: ApproxMultiplier;
  /** The second multiplier of neurons marked in their layer's `onApprox`. */
  approx?: ApproxMultiplier;
  /** The model output each output of the graph's last step is (QuantisedNetwork.outputOf). */
  outputOf?: Int32Array;
  /** Codes per sample of the network input, and their frozen exponent. */
  inputSize: number;
  inputExp: number;
  steps: GraphStep[];
  /** Declared accumulator width in bits (saturating at every addition); absent: every sum is exact. */
  accumulatorBits?: number;
}

/** The value every graph starts from: the network input, quantised at `inputExp`. */
export const GRAPH_INPUT = 'input';

interface StepBase {
  /** The value the step reads, and the value it writes. */
  input: string;
  output: string;
  /** The layer map's index of the step: the layer of the model spec, or the stage (AXNet). */
  index: number;
  /** What the step is where the model's layers do not say (AXNet's stages). */
  label?: string;
}

/**
 * Columns [from, from + count) of a quantised layer (dense, or a convolution over the input's H x W x C)
 * on the input codes: accumulators with the bias, ReLU when the layer has it, requantised to codes at
 * `codeExp`; without `codeExp` the accumulators themselves are an output of the network (streamed out).
 */
export interface LayerStep extends StepBase {
  op: 'layer';
  layer: QuantisedLayer;
  from: number;
  count: number;
  codeExp?: number;
}

/** Max pooling, size x size windows with stride size, on H x W x C codes (or accumulators). */
export interface PoolStep extends StepBase {
  op: 'maxpool';
  size: number;
  inShape: [number, number, number];
  outShape: [number, number, number];
}

/**
 * AXNet's Hadamard step: each input code times the control code at `controlOffset` + its index in the value
 * `control`, on the multiplier's table, requantised to codes at `codeExp`.
 */
export interface HadamardStep extends StepBase {
  op: 'hadamard';
  control: string;
  controlOffset: number;
  codeExp: number;
}

export type GraphStep = LayerStep | PoolStep | HadamardStep;

/** Values per sample of every value of the graph, by name (a Hadamard step writes as many as it reads). */
export function valueSizes(g: QuantisedGraph): Map<string, number> {
  const sizes = new Map([[GRAPH_INPUT, g.inputSize]]);
  for (const s of g.steps) {
    const size =
      s.op === 'maxpool'
        ? s.outShape[0] * s.outShape[1] * s.outShape[2]
        : s.op === 'hadamard'
          ? sizes.get(s.input)!
          : (s.layer.outShape.reduce((a, b) => a * b, 1) / s.layer.outputs) * s.count;
    sizes.set(s.output, size);
  }
  return sizes;
}

/** The steps that read each value (by index), the Hadamard steps' control reads included. */
export function readersOf(g: QuantisedGraph): Map<string, number[]> {
  const r = new Map<string, number[]>();
  const add = (v: string, i: number) => r.set(v, [...(r.get(v) ?? []), i]);
  g.steps.forEach((s, i) => {
    add(s.input, i);
    if (s.op === 'hadamard') add(s.control, i);
  });
  return r;
}

/** The steps whose values no step reads: the network's outputs, in step order. */
export function graphOutputs(g: QuantisedGraph): GraphStep[] {
  const read = readersOf(g);
  return g.steps.filter((s) => !read.has(s.output));
}

/**
 * Whether step i is a layer whose codes only the Hadamard step right after it reads: the hardware computes
 * both in one pass (the PE's second multiplier), so those codes are written nowhere.
 */
export function feedsHadamard(g: QuantisedGraph, i: number, readers = readersOf(g)): boolean {
  const s = g.steps[i]!;
  const next = g.steps[i + 1];
  return s.op === 'layer' && next?.op === 'hadamard' && next.input === s.output && readers.get(s.output)!.length === 1;
}

/** The steps whose values the hardware writes (or streams out), in order: the stages of an inference. */
export function writtenSteps(g: QuantisedGraph): GraphStep[] {
  const readers = readersOf(g);
  return g.steps.filter((_, i) => !feedsHadamard(g, i, readers));
}

/** Bits the accumulators need for every sum of every layer step to be exact. */
export function graphAccumulatorBits(g: QuantisedGraph): number {
  return Math.max(...g.steps.map((s) => (s.op === 'layer' ? s.layer.exactAccumulatorBits : 0)));
}

/**
 * A plain network as a chain: each weighted layer writes the codes its next weighted layer reads (at that
 * layer's input exponent), max pooling pools them, flatten is free; the last weighted layer's accumulators
 * are the output.
 */
export function networkGraph(q: QuantisedNetwork): QuantisedGraph {
  const shapes = layerShapes(q.spec);
  const steps: GraphStep[] = [];
  let value = GRAPH_INPUT;
  let k = 0;
  q.spec.layers.forEach((l, i) => {
    if (l.kind === 'flatten') return;
    const output = `layer ${i}`;
    if (l.kind === 'maxpool') {
      const inShape = (i === 0 ? q.spec.input : shapes[i - 1]!) as [number, number, number];
      steps.push({
        op: 'maxpool',
        input: value,
        output,
        index: i,
        size: l.size,
        inShape,
        outShape: shapes[i]! as [number, number, number],
      });
    } else {
      const layer = q.layers[k]!;
      const next = q.layers[++k];
      steps.push({ op: 'layer', input: value, output, index: i, layer, from: 0, count: layer.outputs, codeExp: next?.inputExp });
    }
    value = output;
  });
  return {
    name: q.spec.name,
    mult: q.mult,
    ...(q.approx ? { approx: q.approx } : {}),
    ...(q.outputOf ? { outputOf: q.outputOf } : {}),
    inputSize: q.spec.input.reduce((a, b) => a * b, 1),
    inputExp: q.layers[0]!.inputExp,
    steps,
    accumulatorBits: q.accumulatorBits,
  };
}
