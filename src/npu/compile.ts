import type { QuantisedLayer, QuantisedNetwork } from '../ir/quantised-network.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import {
  feedsHadamard,
  GRAPH_INPUT,
  graphAccumulatorBits,
  graphOutputs,
  networkGraph,
  readersOf,
  valueSizes,
  type GraphStep,
  type HadamardStep,
  type LayerStep,
  type PoolStep,
  type QuantisedGraph,
} from '../ir/quantised-graph.js';
import { samePadding } from '../ir/im2col.js';
import { quantiseValue } from '../arith/fixed-point.js';
import { AxhwError } from '../errors.js';
import { codeBits, codeRange, toWord, weightWord, type PeFormat } from '../models/pe-arith.js';
import { placeNeurons } from './placement.js';
import { cycleModel, encodeProgram, isExtended, type Instruction, type Program } from '../models/npu-program.js';
import { onSecond, type NpuGeometry } from '../models/npu-model.js';

/** Where a layer of the model lives on the NPU: its program entry and what its outputs mean. */
export interface LayerMapEntry {
  /** Index of the layer in the model spec. */
  modelLayer: number;
  kind: 'dense' | 'conv2d' | 'maxpool';
  op: Instruction['op'];
  outputs: number;
  /** Exponent of the codes the layer writes (the next weighted layer's input exponent); the last layer writes accumulators at 2^accExp. */
  codeExp?: number;
  accExp?: number;
  cycles: number;
  /** What the layer is, where the model's layers do not say (AXNet's stages). */
  name?: string;
}

export interface CompiledNetwork {
  program: Program;
  words: Uint32Array;
  /** Per PE: stored weight words, and biases (accumulator units). */
  weights: Uint32Array[];
  biases: Float64Array[];
  layers: LayerMapEntry[];
  /** Largest activation buffer use, in codes. */
  activationWords: number;
  cyclesPerInference: number;
  /** Exponent of the input codes. */
  inputExp: number;
  /** Per program layer, the graph value it writes or streams out (what the reference is compared with). */
  writes: string[];
  /** The model output each streamed output of the last layer is (a placed network's; absent: in order). */
  outputOf?: Int32Array;
}

/** Changes to what the compiler writes, for the negative controls. */
export interface CompileFaults {
  /** Add `delta` to the requantisation shift of the step with this layer-map index. */
  shiftDelta?: { layer: number; delta: number };
  /** Add this to the first Hadamard step's shift. */
  hadamardShiftDelta?: number;
  /** Read the first Hadamard step's control codes this many places off. */
  controlOffsetDelta?: number;
}

/** A plain network compiled through its graph (see compileGraph), placed first on a heterogeneous NPU (placement.ts). */
export function compileNetwork(q: QuantisedNetwork, geo: NpuGeometry, faults: CompileFaults = {}): CompiledNetwork {
  return compileGraph(networkGraph(placeNeurons(q, geo.P, geo)), geo, faults);
}

/** Where a value lives in the activation buffers. */
interface Placement {
  value: string;
  buf: 0 | 1;
  offset: number;
  size: number;
  /** Kept for the whole inference (never reclaimed). */
  held: boolean;
}

/**
 * A graph (ir/quantised-graph.ts) -> the NPU's program and memory images, one instruction per step the
 * hardware writes (a layer and the Hadamard step on its codes are one MAC instruction). A dense layer is a
 * 1 x 1 convolution over a 1 x 1 x fan-in input; a conv2d runs on its H x W x C input as it is (the window
 * walk is the NPU's); outputs are computed P at a time, PE p taking output g * P + p. A layer writing codes
 * requantises its accumulators (shift = input + weight exponent - code exponent); max pooling commutes with
 * that (monotone) rounding, so it pools codes. Every limit of the NPU is checked here with its fix.
 *
 * Buffers: the input is in buffer 0 at 0; a step reads the buffer its input is in and writes the other.
 * Values shared across the inference (the network input when more than one step reads it, as AXNet's
 * predictor and approximator do; the Hadamard steps' control codes) stay where they are written; above
 * them each buffer is a stack, from whose top a value is dropped once no later step reads it.
 */
export function compileGraph(g: QuantisedGraph, geo: NpuGeometry, faults: CompileFaults = {}): CompiledNetwork {
  const f = geo.format;
  const P = geo.P;
  if (g.steps.some((s) => s.op === 'hadamard') && !geo.hadamard)
    throw new AxhwError(
      `${g.name} needs the PEs' Hadamard step, and this NPU has none.`,
      'Generate the NPU with hadamard (npu:...,hadamard).',
    );
  checkMultiplier(g.mult, f);
  checkPlacement(g, geo);
  const need = graphAccumulatorBits(g);
  if (g.accumulatorBits === undefined && need > f.accBits)
    throw new AxhwError(
      `${g.name}'s sums need ${need}-bit accumulators to be exact (the integer reference does not ` +
        `saturate), but the NPU has acc=${f.accBits}.`,
      `Use an NPU with acc=${need} or more.`,
    );
  if (g.accumulatorBits !== undefined && g.accumulatorBits !== f.accBits)
    throw new AxhwError(
      `The network was quantised for ${g.accumulatorBits}-bit accumulators; the NPU has acc=${f.accBits}.`,
      `Use acc=${g.accumulatorBits}.`,
    );
  const readers = readersOf(g);
  const streamed = (s: GraphStep) => s.op === 'layer' && s.codeExp === undefined;
  const outputs = new Set(graphOutputs(g));
  if (g.steps.some((s) => streamed(s) !== outputs.has(s)))
    throw new AxhwError(
      `${g.name}: the NPU streams out the last layer's accumulators, so the model must end with a dense or conv2d layer.`,
      'End the model with a dense layer.',
    );
  const sizes = valueSizes(g);
  const exps = new Map([[GRAPH_INPUT, g.inputExp]]);
  for (const s of g.steps) exps.set(s.output, s.op === 'maxpool' ? exps.get(s.input)! : (s.codeExp ?? NaN));
  // The instructions: a step, and the Hadamard step fused into it.
  const stages: { step: LayerStep | PoolStep; hadamard?: HadamardStep }[] = [];
  g.steps.forEach((s, i) => {
    if (s.op === 'hadamard') {
      if (i === 0 || !feedsHadamard(g, i - 1, readers))
        throw new AxhwError(
          `${g.name}: ${s.output} takes the Hadamard step on values no MAC layer writes just before it.`,
          'Apply the Hadamard step to the codes of the layer right before it, read by nothing else.',
        );
      stages.at(-1)!.hadamard = s;
    } else stages.push({ step: s });
  });
  const lastRead = new Map<string, number>();
  stages.forEach(({ step, hadamard }, i) => {
    lastRead.set(step.input, i);
    if (hadamard) lastRead.set(hadamard.control, i);
  });
  // Stryker disable next-line ArrayDeclaration: a name no value has holds nothing
  const held = new Set(g.steps.flatMap((s) => (s.op === 'hadamard' ? [s.control] : [])));
  if (readers.get(GRAPH_INPUT)!.length > 1) held.add(GRAPH_INPUT);
  const placed = new Map<string, Placement>();
  const stacks: Placement[][] = [[], []];
  const place = (value: string, buf: 0 | 1, at: number): Placement => {
    const stack = stacks[buf]!;
    // Mutants left alive below (EqualityOperator, UnaryOperator): a step reads its input from the other buffer and its control codes
    // are held, so nothing it reads is ever at the top of the buffer it writes; every placed value has a reader
    // Stryker disable next-line EqualityOperator,UnaryOperator: equivalent, see above
    while (stack.length && !stack.at(-1)!.held && (lastRead.get(stack.at(-1)!.value) ?? -1) < at) stack.pop();
    const top = stack.at(-1);
    const p = { value, buf, offset: top ? top.offset + top.size : 0, size: sizes.get(value)!, held: held.has(value) };
    stack.push(p);
    placed.set(value, p);
    return p;
  };
  // Stryker disable next-line UnaryOperator: the first placement finds nothing to reclaim, whatever its time
  place(GRAPH_INPUT, 0, -1);
  let activationWords = g.inputSize;
  const layers: Instruction[] = [];
  const map: LayerMapEntry[] = [];
  const writes: string[] = [];
  const weights = Array.from({ length: P }, () => [] as number[]);
  const biases = Array.from({ length: P }, () => [] as number[]);
  let firstHadamard = true;
  stages.forEach(({ step, hadamard }, i) => {
    const what = step.label ?? `${g.name} layer ${step.index}`;
    const from = placed.get(step.input)!;
    const src = from.buf;
    const writtenValue = (hadamard ?? step).output;
    const to = streamed(step) ? undefined : place(writtenValue, (1 - src) as 0 | 1, i);
    if (to) activationWords = Math.max(activationWords, to.offset + to.size);
    writes.push(writtenValue);
    const ext = (h?: Instruction['hadamard']) => ({
      ...(from.offset ? { srcOffset: from.offset } : {}),
      ...(to?.offset ? { dstOffset: to.offset } : {}),
      ...(h ? { hadamard: h } : {}),
    });
    if (step.op === 'maxpool') {
      const [h, w, c] = step.inShape;
      const [oh, ow] = step.outShape;
      layers.push({
        op: 'pool',
        relu: false,
        last: false,
        src,
        shift: 0,
        pad: 0,
        k: step.size,
        h,
        w,
        c,
        f: c,
        oh,
        ow,
        fanIn: step.size * step.size,
        groups: 1,
        wbase: 0,
        bbase: 0,
        ...ext(),
      });
      // pooled codes stay at the exponent of the codes pooled
      map.push({ modelLayer: step.index, kind: 'maxpool', op: 'pool', outputs: oh * ow * c, codeExp: exps.get(step.input), cycles: 0 });
      return;
    }
    const l = step.layer;
    if (l.stride !== undefined || l.pads !== undefined)
      throw new AxhwError(
        `${what} convolves with stride ${l.stride ?? 1} and padding [${(l.pads ?? [0, 0, 0, 0]).join(', ')}]; the NPU's window walk ` +
          "takes stride 1 with 'same' or 'valid' padding.",
        'Evaluate the network with axhw eval (or export it with axhw export onnx --as-hardware); for the NPU, retrain it with ' +
          "stride-1 'same' / 'valid' convolutions followed by max pooling.",
      );
    const last = streamed(step);
    const [h, w, c] = l.kind === 'dense' ? [1, 1, l.fanIn] : (l.inShape as [number, number, number]);
    const kernel = l.kind === 'dense' ? 1 : l.kernel!;
    const pad = l.kind === 'conv2d' && l.pad === 'same' ? samePadding(kernel) : 0;
    const [oh, ow] = l.kind === 'dense' ? [1, 1] : (l.outShape as [number, number, number]);
    const scale = l.inputExp + l.weightExp;
    let shift = 0;
    if (!last) {
      shift = scale - step.codeExp!;
      if (faults.shiftDelta?.layer === step.index) shift += faults.shiftDelta.delta;
      shift = requantShift(shift, f.accBits, what);
    }
    let hadamardStep: Instruction['hadamard'];
    if (hadamard) {
      const delta = firstHadamard
        ? { shift: faults.hadamardShiftDelta ?? 0, offset: faults.controlOffsetDelta ?? 0 }
        : { shift: 0, offset: 0 };
      firstHadamard = false;
      const control = placed.get(hadamard.control)!;
      hadamardStep = {
        buf: control.buf,
        offset: control.offset + hadamard.controlOffset + delta.offset,
        shift: requantShift(
          step.codeExp! + exps.get(hadamard.control)! - hadamard.codeExp + delta.shift,
          f.accBits,
          `${what}'s Hadamard step`,
        ),
      };
    }
    const { wbase, bbase } = packLayer(weights, biases, l, step.from, step.count, f, what);
    layers.push({
      op: 'mac',
      relu: l.relu,
      last,
      src,
      shift,
      pad,
      k: kernel,
      h,
      w,
      c,
      f: step.count,
      oh,
      ow,
      fanIn: l.fanIn,
      groups: Math.ceil(step.count / P),
      wbase,
      bbase,
      ...ext(hadamardStep),
    });
    map.push({
      modelLayer: step.index,
      kind: l.kind,
      op: 'mac',
      outputs: oh * ow * step.count,
      codeExp: last ? undefined : exps.get(writtenValue),
      accExp: last ? scale : undefined,
      cycles: 0,
      ...(step.label ? { name: step.label } : {}),
    });
  });
  if (!geo.hadamard && layers.some(isExtended))
    throw new AxhwError(
      `${g.name} needs buffer offsets (extended instructions), which only an NPU generated with the Hadamard step reads.`,
      'Generate the NPU with hadamard (npu:...,hadamard).',
    );
  const c = assemble({ inputSize: g.inputSize, layers }, weights, biases, map, writes, activationWords, g.inputExp, geo, g.name);
  return g.outputOf ? { ...c, outputOf: g.outputOf } : c;
}

/**
 * Every output runs on PE (index mod P), and the split's PEs (onSecond) carry the second multiplier: each neuron
 * must sit where its own multiplier is (placeNeurons lays a network out so).
 */
function checkPlacement(g: QuantisedGraph, geo: NpuGeometry): void {
  if (g.approx) checkMultiplier(g.approx, geo.format);
  if (g.approx && g.steps.some((s) => s.op === 'hadamard'))
    throw new AxhwError(
      `${g.name}: the Hadamard step runs on each PE's own multiplier, and this network mixes two.`,
      'Run AXNet networks on one multiplier.',
    );
  for (const s of g.steps) {
    if (s.op !== 'layer') continue;
    const marks = s.layer.onApprox;
    if (marks && !g.approx)
      throw new AxhwError(`${g.name}: neurons are marked for a second multiplier the network does not have.`, 'Quantise with both.');
    for (let jj = 0; jj < s.count; jj++) {
      const onApprox = (marks?.[s.from + jj] ?? 0) === 1;
      const second = onSecond(geo, jj % geo.P);
      if (onApprox !== second)
        throw new AxhwError(
          `${g.name} ${s.output}: output ${s.from + jj} ${onApprox ? 'uses the second multiplier' : 'uses the first multiplier'} ` +
            `but runs on PE ${jj % geo.P}, which ${second ? 'has the second' : 'has the first'} ` +
            `(${geo.amask ? `amask=${geo.amask}` : `apes=${geo.apes}`}).`,
          'Place the network for this NPU first (placeNeurons; `axhw npu` commands do).',
        );
    }
  }
}

/** The program encoded, every memory checked against the NPU's, the cycle model per layer: the compiled network. */
function assemble(
  program: Program,
  weights: number[][],
  biases: number[][],
  map: LayerMapEntry[],
  writes: string[],
  activationWords: number,
  inputExp: number,
  geo: NpuGeometry,
  name: string,
): CompiledNetwork {
  let words: Uint32Array;
  try {
    words = encodeProgram(program);
  } catch (e) {
    throw new AxhwError(`${name} does not fit the NPU's program format: ${(e as Error).message}.`, 'Use a smaller model.');
  }
  const fits = (what: string, used: number, have: number, param: string) => {
    if (used > have)
      throw new AxhwError(
        `${name} needs ${used} ${what}; the NPU has ${have} (${param}=${have}).`,
        `Use an NPU with ${param}=${used} or more (or more PEs, for weights and biases).`,
      );
  };
  fits('weight words per PE', weights[0]!.length, geo.wdepth, 'wdepth');
  fits('bias words per PE', biases[0]!.length, geo.bdepth, 'bdepth');
  fits('activation words per buffer', activationWords, geo.adepth, 'adepth');
  fits('program words', words.length, geo.pdepth, 'pdepth');
  const cycles = cycleModel(program, geo.P);
  cycles.perLayer.forEach((c, i) => (map[i]!.cycles = c));
  return {
    program,
    words,
    weights: weights.map((w) => Uint32Array.from(w)),
    biases: biases.map((b) => Float64Array.from(b)),
    layers: map,
    writes,
    activationWords,
    cyclesPerInference: cycles.total,
    inputExp,
  };
}

/**
 * Append a layer's weights and biases to the PEs' images, columns [from, from + count) of its weight matrix:
 * P outputs at a time, PE p taking output g * P + p (zeros past the last). Returns where they start.
 */
export function packLayer(
  weights: number[][],
  biases: number[][],
  ql: QuantisedLayer,
  from: number,
  count: number,
  f: PeFormat,
  what: string,
): { wbase: number; bbase: number } {
  const P = weights.length;
  const wbase = weights[0]!.length;
  const bbase = biases[0]!.length;
  for (let g = 0; g < Math.ceil(count / P); g++) {
    for (let t = 0; t < ql.fanIn; t++) {
      for (let p = 0; p < P; p++) {
        const j = g * P + p;
        weights[p]!.push(j < count ? weightWord(f, ql.weightCodes[t * ql.outputs + from + j]!) : 0);
      }
    }
    for (let p = 0; p < P; p++) {
      const j = g * P + p;
      const b = j < count ? ql.bias[from + j]! : 0;
      if (Math.abs(b) > 2 ** (f.accBits - 1) - 1)
        throw new AxhwError(
          `${what}: bias ${b} (accumulator units) does not fit acc=${f.accBits}.`,
          `Use acc=${Math.ceil(Math.log2(Math.abs(b) + 1)) + 1} or more.`,
        );
      biases[p]!.push(b);
    }
  }
  return { wbase, bbase };
}

/** The requantisation shift from a layer's accumulator scale to the exponent of the codes it writes, checked against the PE. */
export function requantShift(shift: number, accBits: number, what: string): number {
  if (shift > 15)
    throw new AxhwError(
      `${what}: requantising needs a left shift of ${shift} bits; the PE shifts left by at most 15.`,
      "Recalibrate the network (its next layer exponent is far below this layer's accumulator scale).",
    );
  // A right shift past the accumulator's width rounds every value to 0, as a shift of acc + 1 does.
  return Math.max(shift, -(accBits + 1));
}

export function checkMultiplier(m: ApproxMultiplier, f: PeFormat): void {
  const { qmin, qmax } = codeRange(f);
  if (m.width !== f.n || m.signed !== f.signed || m.qmin !== qmin || m.qmax !== qmax) {
    throw new AxhwError(
      `The network is quantised for ${m.label} (${m.width}-bit, ${m.signed ? 'signed' : 'unsigned'}); ` +
        `the NPU's multiplier is ${f.n}-bit ${f.signed ? 'signed' : 'unsigned'}.`,
      'Compile for the multiplier the network runs on (--multiplier).',
    );
  }
}

/** A sample's input codes as the in-stream words (quantised at the first layer's input exponent). */
export function inputWords(x: Float32Array, offset: number, size: number, exp: number, f: PeFormat): bigint[] {
  const { qmin, qmax } = codeRange(f);
  const cw = codeBits(f);
  // Stryker disable next-line ArrayDeclaration: the loop fills every entry either way
  const out = new Array<bigint>(size);
  for (let i = 0; i < size; i++) out[i] = BigInt(toWord(quantiseValue(x[offset + i]!, exp, qmin, qmax), cw));
  return out;
}
