import { AxhwError } from '../errors.js';
import { roundHalfEven } from '../arith/fixed-point.js';
import {
  ATTRIBUTE_TYPE,
  tensorValues,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './proto.js';

/** A constant tensor of the graph (an initializer, a Constant node's value, or dequantised weights). */
export interface Constant {
  dims: number[];
  values: Float64Array;
  /** Set for weights that came through DequantizeLinear: their integer codes and scale. */
  quantised?: { codes: Float64Array; scale: Float64Array; zeroPoint: Float64Array; axis: number };
}

/** The graph as the importer walks it: its constants, its one data input, its one output, who reads what. */
export interface OnnxGraph {
  file: string;
  opset: number;
  producer: string;
  nodes: NodeProto[];
  constants: Map<string, Constant>;
  input: { name: string; dims: number[] };
  output: string;
  consumers: Map<string, NodeProto[]>;
  /** Nodes folded into constants (Constant, weight DequantizeLinear): the walk must not meet them. */
  folded: Set<NodeProto>;
}

export const nodeLabel = (n: NodeProto, i?: number) => `node ${n.name ? `'${n.name}'` : `#${i ?? '?'}`} (${n.opType})`;

export function attr(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attribute?.find((a) => a.name === name);
}
// proto3 leaves zeros out of the wire: an attribute that is present but has no value holds 0 (or []).
export function attrInt(n: NodeProto, name: string, dflt: number): number {
  const a = attr(n, name);
  return a ? (a.i ?? 0) : dflt;
}
export function attrFloat(n: NodeProto, name: string, dflt: number): number {
  const a = attr(n, name);
  return a ? (a.f ?? 0) : dflt;
}
export const attrInts = (n: NodeProto, name: string): number[] | undefined => {
  const a = attr(n, name);
  return a ? (a.ints ?? []) : undefined;
};
export const attrString = (n: NodeProto, name: string): string | undefined => {
  const s = attr(n, name)?.s;
  return s ? new TextDecoder().decode(s) : undefined;
};

/** Reads the model's graph: constants folded, the single data input and output found, consumers indexed. */
export function readGraph(model: ModelProto, file: string, frozen: Map<string, TensorProto> = new Map()): OnnxGraph {
  const g = model.graph as GraphProto;
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 1;
  const nodes = g.node ?? [];
  for (const [i, n] of nodes.entries())
    if (n.domain && n.domain !== 'ai.onnx' && !isQonnxQuant(n))
      throw new AxhwError(
        `${file}: ${nodeLabel(n, i)} is in operator domain '${n.domain}'; the importer reads standard ONNX operators and QONNX's Quant.`,
        'Export with standard ONNX operators (QuantizeLinear / DequantizeLinear for quantisation).',
      );
  const constants = new Map<string, Constant>();
  for (const t of g.initializer ?? []) constants.set(t.name ?? '', fromTensor(t, `${file}: initializer ${t.name}`));
  // Graph inputs given fixed values (weights passed as inputs, as ONNX's operator tests do).
  for (const [name, t] of frozen) constants.set(name, fromTensor(t, `${file}: input ${name}`));
  const folded = new Set<NodeProto>();
  nodes.forEach((n, i) => {
    if (n.opType === 'Constant') {
      constants.set(n.output![0]!, constantNodeValue(n, `${file}: ${nodeLabel(n, i)}`));
      folded.add(n);
    }
  });
  // Weights stored as integer codes: DequantizeLinear (or QONNX's Quant) of constants is itself a constant.
  nodes.forEach((n, i) => {
    if ((n.opType !== 'DequantizeLinear' && !isQonnxQuant(n)) || !constants.has(n.input![0]!)) return;
    const where = `${file}: ${nodeLabel(n, i)}`;
    constants.set(n.output![0]!, n.opType === 'DequantizeLinear' ? dequantise(n, constants, where) : qonnxQuant(n, constants, where));
    folded.add(n);
  });
  const inputs = (g.input ?? []).filter((v) => !constants.has(v.name));
  if (inputs.length !== 1)
    throw new AxhwError(
      `${file}: the graph has ${inputs.length} data inputs (${inputs.map((v) => v.name).join(', ') || 'none'}); ` +
        'the importer takes networks with exactly one.',
      'Export the network with a single input tensor (N x C x H x W or N x features), its weights as initializers.',
    );
  const dims = (inputs[0]!.type?.tensorType?.shape?.dim ?? []).map((d, k) => {
    if (k === 0) return d.dimValue ?? -1;
    if (!d.dimValue)
      throw new AxhwError(
        `${file}: input ${inputs[0]!.name} has a symbolic dimension ${k} ('${d.dimParam ?? '?'}').`,
        'Export with fixed sizes for all but the batch dimension.',
      );
    return d.dimValue;
  });
  if ((g.output ?? []).length !== 1)
    throw new AxhwError(
      `${file}: the graph has ${(g.output ?? []).length} outputs; the importer takes networks with one (the logits).`,
      'Export the network with its logits as the only output.',
    );
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) if (!folded.has(n)) for (const x of n.input ?? []) if (x) consumers.set(x, [...(consumers.get(x) ?? []), n]);
  return {
    file,
    opset,
    producer: `${model.producerName ?? 'unknown'}${model.producerVersion ? ` ${model.producerVersion}` : ''}`,
    nodes,
    constants,
    input: { name: inputs[0]!.name, dims },
    output: g.output![0]!.name,
    consumers,
    folded,
  };
}

function fromTensor(t: TensorProto, where: string): Constant {
  return { dims: (t.dims ?? []).map(Number), values: tensorValues(t, where) };
}

function constantNodeValue(n: NodeProto, where: string): Constant {
  const a = n.attribute?.[0];
  if (a?.name === 'value' && a.t) return fromTensor(a.t, where);
  if (a?.type === ATTRIBUTE_TYPE.FLOAT || a?.name === 'value_float') return { dims: [], values: Float64Array.of(a.f ?? 0) };
  if (a?.name === 'value_floats') return { dims: [a.floats?.length ?? 0], values: Float64Array.from(a.floats ?? []) };
  if (a?.name === 'value_int') return { dims: [], values: Float64Array.of(a.i ?? 0) };
  if (a?.name === 'value_ints') return { dims: [a.ints?.length ?? 0], values: Float64Array.from(a.ints ?? []) };
  throw new AxhwError(
    `${where}: a Constant with attribute '${a?.name ?? 'none'}' (sparse or string constants are not read).`,
    'Store the constant as a dense tensor (an initializer).',
  );
}

/** y = (x - zero_point) * scale, per tensor or per axis (ONNX's DequantizeLinear), kept with its codes. */
function dequantise(n: NodeProto, constants: Map<string, Constant>, where: string): Constant {
  const [x, s, z] = (n.input ?? []).map((name) => (name ? constants.get(name) : undefined));
  if (!x || !s)
    throw new AxhwError(`${where}: its scale is not a constant.`, 'Store the quantisation scale and zero point as initializers.');
  const zero = z ?? { dims: s.dims, values: new Float64Array(s.values.length) };
  const rank = x.dims.length;
  let axis = attrInt(n, 'axis', 1);
  if (axis < 0) axis += rank;
  const per = s.values.length;
  if (attrInt(n, 'block_size', 0) !== 0)
    throw new AxhwError(`${where}: blocked quantisation (block_size) is not read.`, 'Quantise per tensor or per axis.');
  if (per !== 1 && (axis >= rank || x.dims[axis] !== per))
    throw new AxhwError(
      `${where}: ${per} scales for axis ${axis} of a tensor of dims [${x.dims.join(', ')}].`,
      'Give one scale per tensor, or one per slice of the axis.',
    );
  const inner = x.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
  const values = x.values.map((q, i) => {
    const k = per === 1 ? 0 : Math.floor(i / inner) % per;
    return Math.fround(Math.fround(q - zero.values[k]!) * s.values[k]!);
  });
  return { dims: x.dims, values, quantised: { codes: x.values, scale: s.values, zeroPoint: zero.values, axis } };
}

/** QONNX's Quant (FINN / Brevitas exports; domain qonnx.custom_op.general, formerly finn.custom_op.general). */
export function isQonnxQuant(n: NodeProto): boolean {
  return n.opType === 'Quant' && (n.domain === 'qonnx.custom_op.general' || n.domain === 'finn.custom_op.general');
}

/**
 * QONNX Quant of constant weights: q = clamp(round(x / scale + zeropt)) to the bit width's range (signed,
 * narrow), y = (q - zeropt) scale; rounding as rounding_mode says (ROUND: half to even, as numpy's round).
 */
function qonnxQuant(n: NodeProto, constants: Map<string, Constant>, where: string): Constant {
  const [x, s, z, b] = (n.input ?? []).map((name) => (name ? constants.get(name) : undefined));
  if (!x || !s || !z || !b)
    throw new AxhwError(`${where}: its scale, zero point and bit width are not constants.`, 'Store them as initializers.');
  const bits = b.values[0]!;
  if (b.values.length !== 1 || !Number.isInteger(bits) || bits < 2)
    throw new AxhwError(
      `${where}: bit width ${Array.from(b.values).join(', ')}; one integer of at least 2 is read.`,
      'Quantise to 2 or more bits.',
    );
  const signed = attrInt(n, 'signed', 1) === 1;
  const narrow = attrInt(n, 'narrow', 0) === 1;
  const [lo, hi] = signed ? [-(2 ** (bits - 1)) + (narrow ? 1 : 0), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1 - (narrow ? 1 : 0)];
  const mode = attrString(n, 'rounding_mode') ?? 'ROUND';
  const round: Record<string, (v: number) => number> = {
    ROUND: roundHalfEven,
    CEIL: Math.ceil,
    FLOOR: Math.floor,
    ROUND_TO_ZERO: Math.trunc,
  };
  const rounder = round[mode];
  if (!rounder)
    throw new AxhwError(`${where}: rounding_mode ${mode} is not one of ${Object.keys(round).join(', ')}.`, 'Use a QONNX rounding mode.');
  // Scale and zero point broadcast against x (numpy rules); per tensor or per output channel in practice.
  const at = (c: Constant, i: number) => c.values[c.values.length === 1 ? 0 : broadcastIndex(i, x.dims, c.dims)]!;
  // (+ 0: a code is an integer, never -0)
  const codes = x.values.map((v, i) => Math.min(hi, Math.max(lo, rounder(Math.fround(v / at(s, i)) + at(z, i)))) + 0);
  const values = codes.map((q, i) => Math.fround(Math.fround(q - at(z, i)) * at(s, i)));
  const perAxis = s.values.length === 1 ? 0 : s.dims.findIndex((d) => d !== 1) + (x.dims.length - s.dims.length);
  return {
    dims: x.dims,
    values,
    quantised: {
      codes,
      scale: s.values,
      zeroPoint: z.values.length === s.values.length ? z.values : new Float64Array(s.values.length).fill(z.values[0]!),
      axis: perAxis,
    },
  };
}

/** The index into a tensor of dims `small` that broadcasts to element i of a tensor of dims `big`. */
function broadcastIndex(i: number, big: number[], small: number[]): number {
  let idx = 0;
  let stride = 1;
  let rest = i;
  for (let k = big.length - 1, j = small.length - 1; k >= 0; k--, j--) {
    const coord = rest % big[k]!;
    rest = Math.floor(rest / big[k]!);
    if (j >= 0) {
      if (small[j] !== 1) idx += coord * stride;
      stride *= small[j]!;
    }
  }
  return idx;
}
