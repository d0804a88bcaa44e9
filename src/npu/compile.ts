import type { QuantisedLayer, QuantisedNetwork } from '../ir/quantised-network.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { layerShapes } from '../ir/model-spec.js';
import { samePadding } from '../ir/im2col.js';
import { quantiseValue } from '../arith/fixed-point.js';
import { AxhwError } from '../errors.js';
import { codeBits, codeRange, toWord, weightWord, type PeFormat } from '../models/pe-arith.js';
import { cycleModel, encodeProgram, type Instruction, type Program } from '../models/npu-program.js';
import type { NpuGeometry } from '../models/npu-model.js';

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
}

/** Changes to what the compiler writes, for the negative controls (a shift off by one in one layer). */
export interface CompileFaults {
  shiftDelta?: { layer: number; delta: number };
}

/**
 * The quantised network -> the NPU's program and memory images. A dense layer is a 1 x 1 convolution over a
 * 1 x 1 x fan-in input; a conv2d runs on its H x W x C input as it is (the window walk is the NPU's); outputs
 * are computed P at a time, PE p taking output g * P + p. Hidden layers requantise to the next weighted
 * layer's input exponent (shift = input + weight exponent - next input exponent); max pooling commutes
 * with that (monotone) rounding, so it pools codes. Every limit of the NPU is checked here with its fix.
 */
export function compileNetwork(q: QuantisedNetwork, geo: NpuGeometry, faults: CompileFaults = {}): CompiledNetwork {
  const f = geo.format;
  const P = geo.P;
  checkMultiplier(q.mult, f);
  const shapes = layerShapes(q.spec);
  const need = Math.max(...q.layers.map((l) => l.exactAccumulatorBits));
  if (q.accumulatorBits === undefined && need > f.accBits)
    throw new AxhwError(
      `The network's sums need ${need}-bit accumulators to be exact (the integer reference does not ` +
        `saturate), but the NPU has acc=${f.accBits}.`,
      `Use an NPU with acc=${need} or more.`,
    );
  if (q.accumulatorBits !== undefined && q.accumulatorBits !== f.accBits)
    throw new AxhwError(
      `The network was quantised for ${q.accumulatorBits}-bit accumulators; the NPU has acc=${f.accBits}.`,
      `Use acc=${q.accumulatorBits}.`,
    );
  const layers: Instruction[] = [];
  const map: LayerMapEntry[] = [];
  const weights = Array.from({ length: P }, () => [] as number[]);
  const biases = Array.from({ length: P }, () => [] as number[]);
  let k = 0;
  let activationWords = q.spec.input.reduce((a, b) => a * b, 1);
  const lastWeighted = q.spec.layers.reduce((a, l, i) => (l.kind === 'dense' || l.kind === 'conv2d' ? i : a), -1);
  if (lastWeighted !== q.spec.layers.length - 1)
    throw new AxhwError(
      `${q.spec.name}: the NPU streams out the last layer's accumulators, so the model must end with a dense or conv2d layer.`,
      'End the model with a dense layer.',
    );
  q.spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? q.spec.input : shapes[i - 1]!;
    const out = shapes[i]!;
    const src = (layers.length % 2) as 0 | 1;
    if (l.kind === 'flatten') return;
    if (l.kind === 'maxpool') {
      const [h, w, c] = inShape as [number, number, number];
      const [oh, ow] = out as [number, number, number];
      layers.push({
        op: 'pool',
        relu: false,
        last: false,
        src,
        shift: 0,
        pad: 0,
        k: l.size,
        h,
        w,
        c,
        f: c,
        oh,
        ow,
        fanIn: l.size * l.size,
        groups: 1,
        wbase: 0,
        bbase: 0,
      });
      // pooled codes stay at the exponent the next weighted layer reads
      map.push({ modelLayer: i, kind: 'maxpool', op: 'pool', outputs: oh * ow * c, codeExp: q.layers[k]!.inputExp, cycles: 0 });
      activationWords = Math.max(activationWords, oh * ow * c);
      return;
    }
    const ql = q.layers[k]!;
    k++;
    const last = i === lastWeighted;
    const [h, w, c] = l.kind === 'dense' ? [1, 1, ql.fanIn] : (inShape as [number, number, number]);
    const kernel = l.kind === 'dense' ? 1 : l.kernel;
    const pad = l.kind === 'conv2d' && l.pad === 'same' ? samePadding(kernel) : 0;
    const [oh, ow] = l.kind === 'dense' ? [1, 1] : (out as [number, number, number]);
    const groups = Math.ceil(ql.outputs / P);
    let shift = 0;
    let codeExp: number | undefined;
    if (!last) {
      codeExp = q.layers[k]!.inputExp;
      shift = ql.inputExp + ql.weightExp - codeExp;
      if (faults.shiftDelta?.layer === i) shift += faults.shiftDelta.delta;
      shift = requantShift(shift, f.accBits, `${q.spec.name} layer ${i}`);
    }
    const { wbase, bbase } = packLayer(weights, biases, ql, 0, ql.outputs, f, `${q.spec.name} layer ${i}`);
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
      f: ql.outputs,
      oh,
      ow,
      fanIn: ql.fanIn,
      groups,
      wbase,
      bbase,
    });
    map.push({
      modelLayer: i,
      kind: l.kind,
      op: 'mac',
      outputs: oh * ow * ql.outputs,
      codeExp,
      accExp: last ? ql.inputExp + ql.weightExp : undefined,
      cycles: 0,
    });
    activationWords = Math.max(activationWords, oh * ow * ql.outputs);
  });
  return assemble(
    { inputSize: q.spec.input.reduce((a, b) => a * b, 1), layers },
    weights,
    biases,
    map,
    activationWords,
    q.layers[0]!.inputExp,
    geo,
    q.spec.name,
  );
}

/** The program encoded, every memory checked against the NPU's, the cycle model per layer: the compiled network. */
export function assemble(
  program: Program,
  weights: number[][],
  biases: number[][],
  map: LayerMapEntry[],
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
  const out = new Array<bigint>(size);
  for (let i = 0; i < size; i++) out[i] = BigInt(toWord(quantiseValue(x[offset + i]!, exp, qmin, qmax), cw));
  return out;
}
