import { quantiseValue } from '../arith/fixed-point.js';
import { tableMatMul } from '../arith/table-matmul.js';
import { convLayerRows } from '../ir/im2col.js';
import { GRAPH_INPUT, type GraphStep, type QuantisedGraph } from '../ir/quantised-graph.js';
import { productTables } from '../ir/quantised-network.js';

/**
 * A value of the graph on n samples: n x size integers, codes at 2^exp or accumulators (value = acc * 2^exp).
 * Codes are held in a Float32Array (exact for any code; what the table product reads without a copy).
 */
export interface GraphValue {
  kind: 'codes' | 'accumulators';
  exp: number;
  size: number;
  data: Float32Array | Float64Array;
}

/** What a step computes before requantisation: integers at 2^exp (accumulators after bias and ReLU, pooled values, Hadamard products). */
export interface RawValue {
  data: Float64Array;
  exp: number;
}

/** The network input as codes at the graph's input exponent (round half to even, saturating). */
export function inputValue(g: QuantisedGraph, x: Float32Array, n: number): GraphValue {
  const { qmin, qmax } = g.mult;
  const data = new Float32Array(n * g.inputSize);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
  for (let i = 0; i < data.length; i++) data[i] = quantiseValue(x[i]!, g.inputExp, qmin, qmax);
  return { kind: 'codes', exp: g.inputExp, size: g.inputSize, data };
}

/**
 * One step on integers, as the hardware computes it. A layer: every product looked up in the multiplier's
 * RTL table (never the transform), sums and the bias (accumulator units) as integers, saturating at every
 * addition (products in index order, then the bias) when the graph declares an accumulator width, then
 * ReLU. Max pooling: the largest of each window. Hadamard: each code times its control code on the table.
 */
export function rawStep(g: QuantisedGraph, step: GraphStep, values: Map<string, GraphValue>, n: number): RawValue {
  const mult = g.mult;
  // Each neuron's own multiplier: the second one's table where the layer marks it.
  const [products, approxProducts] = productTables(g);
  const range = mult.qmax - mult.qmin + 1;
  const input = values.get(step.input)!;
  if (step.op === 'maxpool') return { data: maxPool(input.data, n, step.inShape, step.outShape, step.size), exp: input.exp };
  if (step.op === 'hadamard') {
    const control = values.get(step.control)!;
    const data = new Float64Array(n * input.size);
    // Stryker disable next-line EqualityOperator: one step past a row is overwritten by the next row; past the end writes nowhere
    for (let r = 0; r < n; r++)
      // Stryker disable next-line EqualityOperator: as above
      for (let j = 0; j < input.size; j++) {
        const c = control.data[r * control.size + step.controlOffset + j]!;
        data[r * input.size + j] = products[(input.data[r * input.size + j]! - mult.qmin) * range + (c - mult.qmin)]!;
      }
    return { data, exp: input.exp + control.exp };
  }
  const l = step.layer;
  if (input.kind !== 'codes' || input.exp !== l.inputExp)
    throw new Error(`${g.name}: ${step.output} reads ${step.input} (${input.kind} at 2^${input.exp}), not codes at 2^${l.inputExp}`);
  let rows = n;
  let codes = input.data instanceof Float32Array ? input.data : Float32Array.from(input.data);
  if (l.kind === 'conv2d') {
    ({ rows: codes, count: rows } = convLayerRows(codes, n, l));
  }
  const outs = l.outputs;
  const sat = g.accumulatorBits === undefined ? undefined : saturating(g.accumulatorBits);
  const marked = l.onApprox && approxProducts ? l.onApprox : undefined;
  if (l.onApprox && !approxProducts)
    throw new Error(`${g.name}: ${step.output} marks neurons for a second multiplier the graph does not have`);
  const tableOf = (j: number) => (marked?.[j] ? approxProducts! : products);
  // Stryker disable next-line ConditionalExpression: computing the exact sums when they are not used costs time only
  const acc = sat ? undefined : tableMatMul(codes, l.weightCodes, rows, l.fanIn, outs, products, mult.qmin, range);
  const accApprox = sat || !marked ? undefined : tableMatMul(codes, l.weightCodes, rows, l.fanIn, outs, approxProducts!, mult.qmin, range);
  const data = new Float64Array(rows * step.count);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
  for (let r = 0; r < rows; r++) {
    // Stryker disable next-line EqualityOperator: one step past the row writes the next row's first entry, which is then overwritten
    for (let jj = 0; jj < step.count; jj++) {
      const j = step.from + jj;
      let a: number;
      if (sat) {
        const table = tableOf(j);
        a = 0;
        for (let t = 0; t < l.fanIn; t++)
          a = sat(a + table[(codes[r * l.fanIn + t]! - mult.qmin) * range + (l.weightCodes[t * outs + j]! - mult.qmin)]!);
        a = sat(a + l.bias[j]!);
      } else a = (marked?.[j] ? accApprox! : acc!)[r * outs + j]! + l.bias[j]!;
      // Stryker disable next-line EqualityOperator: ReLU of 0 is 0 either way
      if (l.relu && a < 0) a = 0;
      data[r * step.count + jj] = a;
    }
  }
  return { data, exp: l.inputExp + l.weightExp };
}

/** A step's value from what it computed: requantised to its codes (round half to even, saturating), or kept as accumulators. */
export function stepValue(g: QuantisedGraph, step: GraphStep, raw: RawValue, input: GraphValue, n: number): GraphValue {
  const size = raw.data.length / n;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: either array type holds the pooled values exactly
  if (step.op === 'maxpool')
    return { kind: input.kind, exp: raw.exp, size, data: input.kind === 'codes' ? Float32Array.from(raw.data) : raw.data };
  if (step.codeExp === undefined) return { kind: 'accumulators', exp: raw.exp, size, data: raw.data };
  const { qmin, qmax } = g.mult;
  const scale = 2 ** raw.exp;
  const data = new Float32Array(raw.data.length);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
  for (let i = 0; i < data.length; i++) data[i] = quantiseValue(raw.data[i]! * scale, step.codeExp, qmin, qmax);
  return { kind: 'codes', exp: step.codeExp, size, data };
}

/**
 * Integer reference inference of a graph: every step on n samples, in order. Returns every value by name;
 * `observe` sees each step with what it computed and the value it wrote.
 */
export function graphReference(
  g: QuantisedGraph,
  x: Float32Array,
  n: number,
  observe?: (step: GraphStep, raw: RawValue, value: GraphValue) => void,
): Map<string, GraphValue> {
  const values = new Map<string, GraphValue>();
  evaluateSteps(g, x, n, values, 0, observe);
  return values;
}

/**
 * Steps `from` onwards of a graph into `values` (the input codes first, when they are not there yet), for a
 * graph evaluated as it grows (AXNet's calibration); returns the number of steps evaluated so far.
 */
export function evaluateSteps(
  g: QuantisedGraph,
  x: Float32Array,
  n: number,
  values: Map<string, GraphValue>,
  from: number,
  observe?: (step: GraphStep, raw: RawValue, value: GraphValue) => void,
): number {
  if (!values.has(GRAPH_INPUT)) values.set(GRAPH_INPUT, inputValue(g, x, n));
  for (const step of g.steps.slice(from)) {
    const raw = rawStep(g, step, values, n);
    const value = stepValue(g, step, raw, values.get(step.input)!, n);
    values.set(step.output, value);
    observe?.(step, raw, value);
  }
  return g.steps.length;
}

/** Max pooling of n samples of H x W x C values, size x size windows with stride size. */
function maxPool(values: Float32Array | Float64Array, n: number, [h, w, c]: number[], [oh, ow]: number[], size: number): Float64Array {
  const out = new Float64Array(n * oh! * ow! * c!);
  // Stryker disable EqualityOperator: one step past any of these loops writes an entry that a later step overwrites, or nowhere
  for (let s = 0; s < n; s++)
    for (let y = 0; y < oh!; y++)
      for (let xx = 0; xx < ow!; xx++)
        for (let ch = 0; ch < c!; ch++) {
          // Stryker restore EqualityOperator
          let m = -Infinity;
          for (let dy = 0; dy < size; dy++)
            for (let dx = 0; dx < size; dx++) m = Math.max(m, values[((s * h! + y * size + dy) * w! + xx * size + dx) * c! + ch]!);
          out[((s * oh! + y) * ow! + xx) * c! + ch] = m;
        }
  return out;
}

/** Clamp to a two's-complement accumulator of `bits` bits. */
function saturating(bits: number): (v: number) => number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
  return (v) => (v > hi ? hi : v < lo ? lo : v);
}
