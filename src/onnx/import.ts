import { AxhwError } from '../errors.js';
import type { LayerSpec, ModelSpec } from '../ir/model-spec.js';
import { patchGeometry, type ExplicitConv } from '../ir/im2col.js';
import { onnxIndexOf } from './layout.js';
import { attrFloat, attrInt, attrInts, attrString, isQonnxQuant, nodeLabel, readGraph, type Constant, type OnnxGraph } from './graph.js';
import type { ModelProto, NodeProto, TensorProto } from './proto.js';

/** The operators the importer reads (docs/onnx.md states what each may carry). */
export const SUPPORTED_OPERATORS = [
  'Gemm',
  'MatMul',
  'Add',
  'Conv',
  'Relu',
  'MaxPool',
  'Flatten',
  'Reshape',
  'Transpose',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'Softmax',
  'LogSoftmax',
  'Constant',
  'QuantizeLinear',
  'DequantizeLinear',
  'Quant (QONNX)',
] as const;

/** A value between layers: an image (engine layout h x w x c), or a vector (after a flatten, ONNX's c-h-w order). */
export type Value =
  { kind: 'image'; h: number; w: number; c: number } | { kind: 'flat'; n: number; chw?: { h: number; w: number; c: number } };

/** A weighted layer's parameters as the engine holds them: W is fan-in x out, a convolution's fan-in ordered (kh, kw, c). */
export interface ImportedWeights {
  layer: number;
  w: Float64Array;
  b: Float64Array;
  fanIn: number;
  out: number;
  /** The weights' integer codes where they came through DequantizeLinear (per output column's scale). */
  quantised?: { codes: Float64Array; scale: Float64Array; zeroPoint: Float64Array };
}

export interface ImportedNetwork {
  spec: ModelSpec;
  weights: { name: string; shape: number[]; data: Float32Array }[];
  /** What the importer changed or dropped on the way (folds, removed nodes), for the user to read. */
  notes: string[];
  /** The network's output value: the logits as a vector, or (for a graph that ends on a feature map) an image. */
  output: Value;
  producer: string;
  opset: number;
  /** A final Softmax / LogSoftmax the import dropped (the output is the logits); evaluateImported can apply it back. */
  head?: 'Softmax' | 'LogSoftmax';
  /** Per weighted layer: the QDQ codes the weights came from, if any. */
  quantised: (ImportedWeights['quantised'] | undefined)[];
}

const SUPPORTED_FIX = `Supported operators: ${SUPPORTED_OPERATORS.join(', ')} (docs/onnx.md says what each may carry).`;

/** Imports an ONNX model into the network IR: a chain of dense, conv2d, max-pool and flatten layers. */
export function importOnnx(model: ModelProto, file: string, name: string, frozen?: Map<string, TensorProto>): ImportedNetwork {
  const g = readGraph(model, file, frozen);
  return new Walk(g, name).run();
}

class Walk {
  private readonly layers: LayerSpec[] = [];
  private readonly weighted: ImportedWeights[] = [];
  private readonly notes: string[] = [];
  private value: Value;
  private readonly input: number[];
  private current: string;
  private readonly seen = new Set<NodeProto>();
  /** Whether the last weighted layer can still absorb an Add or a BatchNormalization (nothing applied after it yet). */
  private open = false;
  private head?: 'Softmax' | 'LogSoftmax';

  constructor(
    private readonly g: OnnxGraph,
    private readonly name: string,
  ) {
    const d = g.input.dims;
    if (d.length === 4) {
      this.value = { kind: 'image', c: d[1]!, h: d[2]!, w: d[3]! };
      this.input = [d[2]!, d[3]!, d[1]!];
    } else if (d.length === 2) {
      this.value = { kind: 'flat', n: d[1]! };
      this.input = [d[1]!];
    } else
      throw new AxhwError(
        `${g.file}: input ${g.input.name} has ${d.length} dimensions [${d.join(', ')}]; ` +
          'the importer takes N x C x H x W images or N x features vectors.',
        'Export the network with a 4-D image input or a 2-D feature input (1-D and 3-D convolutions are not supported).',
      );
    this.current = g.input.name;
  }

  run(): ImportedNetwork {
    for (;;) {
      const readers = (this.g.consumers.get(this.current) ?? []).filter((n) => !this.seen.has(n));
      if (readers.length === 0) break;
      if (readers.length > 1 || this.current === this.g.output)
        throw this.refuse(
          readers[0]!,
          `tensor '${this.current}' is read by ${readers.length + (this.current === this.g.output ? 1 : 0)} consumers: ` +
            'the importer takes a chain of layers, not a graph with branches (residual connections, concatenations)',
          'Export a sequential network (Linear / Conv / ReLU / MaxPool / Flatten).',
        );
      const node = readers[0]!;
      this.seen.add(node);
      this.step(node);
    }
    if (this.current !== this.g.output)
      throw new AxhwError(
        `${this.g.file}: the chain from the input ends at '${this.current}', not at the graph output '${this.g.output}'.`,
        'Export a network whose output is computed from its input by one chain of layers.',
      );
    const unused = this.g.nodes.find((n) => !this.seen.has(n) && !this.g.folded.has(n));
    if (unused)
      throw this.refuse(
        unused,
        'it is not on the chain from the input to the output',
        'Remove side computations (shape arithmetic, extra outputs) before export, ' +
          'e.g. with torch.flatten(x, 1) instead of x.view(x.size(0), -1).',
      );
    const spec: ModelSpec = { name: this.name, input: this.input, layers: this.layers };
    return {
      spec,
      weights: this.weighted.flatMap((p) => [
        { name: `w${p.layer}`, shape: [p.fanIn, p.out], data: Float32Array.from(p.w) },
        { name: `b${p.layer}`, shape: [p.out], data: Float32Array.from(p.b) },
      ]),
      notes: this.notes,
      output: this.value,
      producer: this.g.producer,
      opset: this.g.opset,
      quantised: this.weighted.map((p) => p.quantised),
      ...(this.head ? { head: this.head } : {}),
    };
  }

  private label(n: NodeProto): string {
    return nodeLabel(n, this.g.nodes.indexOf(n));
  }

  private refuse(n: NodeProto, why: string, fix = SUPPORTED_FIX): AxhwError {
    return new AxhwError(`${this.g.file}: ${this.label(n)}: ${why}.`, fix);
  }

  private constant(n: NodeProto, k: number, what: string): Constant {
    const name = n.input?.[k];
    const c = name ? this.g.constants.get(name) : undefined;
    if (!c)
      throw this.refuse(
        n,
        `its ${what} ('${name ?? ''}') is not a constant (an initializer)`,
        'Export the weights as initializers (torch.onnx.export(..., do_constant_folding=True)).',
      );
    return c;
  }

  private advance(n: NodeProto): void {
    const outs = (n.output ?? []).filter((o) => o);
    if (outs.slice(1).some((o) => this.g.consumers.has(o) || o === this.g.output))
      throw this.refuse(
        n,
        'a second output of it is used',
        'Use only the first output (e.g. MaxPool without indices, Dropout without mask).',
      );
    this.current = outs[0]!;
  }

  private step(n: NodeProto): void {
    const op = n.opType;
    if (op === 'Identity' || op === 'Dropout') {
      if (op === 'Dropout' && n.input?.[2] && this.g.constants.get(n.input[2])?.values[0])
        throw this.refuse(n, 'it is in training mode', 'Export the network in eval mode (model.eval()).');
      this.notes.push(`${this.label(n)} removed (inference: the identity)`);
    } else if (op === 'QuantizeLinear') this.fakeQuant(n);
    else if (isQonnxQuant(n))
      this.notes.push(`${this.label(n)} on an activation dropped: the NPU quantises activations with its own power-of-two scales`);
    else if (op === 'Gemm') this.gemm(n);
    else if (op === 'MatMul') this.matmul(n);
    else if (op === 'Conv') this.conv(n);
    else if (op === 'Add') this.add(n);
    else if (op === 'BatchNormalization') this.batchNorm(n);
    else if (op === 'Relu') this.relu(n);
    else if (op === 'MaxPool') this.maxPool(n);
    else if (op === 'Flatten') this.flatten(n, attrInt(n, 'axis', 1) === 1, 'only axis = 1 (keep the batch) is a flatten');
    else if (op === 'Reshape') this.reshape(n);
    else if (op === 'Transpose') this.transpose(n);
    else if (op === 'Softmax' || op === 'LogSoftmax') {
      const out = n.output?.[0];
      if (out !== this.g.output) throw this.refuse(n, `${op} is only read as the last node (its argmax is the logits' argmax)`);
      const axis = attrInt(n, 'axis', this.g.opset >= 13 ? -1 : 1);
      if (this.value.kind !== 'flat' || (axis !== 1 && axis !== -1))
        throw this.refuse(n, `${op} over axis ${axis} of ${this.value.kind === 'flat' ? 'a vector' : 'an image'} is not over the classes`);
      this.head = op;
      this.notes.push(`${this.label(n)} dropped: the network's output is its logits (the argmax, hence the accuracy, is the same)`);
    } else if (op === 'AveragePool' || op === 'GlobalAveragePool')
      throw this.refuse(
        n,
        'average pooling is not supported: the NPU pools by maximum only',
        'Replace average pooling by max pooling and retrain, or import the network up to it.',
      );
    else throw this.refuse(n, `operator ${op} is not supported`);
    if (op !== 'QuantizeLinear') this.advance(n);
  }

  /** QuantizeLinear -> DequantizeLinear on an activation: axhw quantises activations itself, so the pair is dropped. */
  private fakeQuant(n: NodeProto): void {
    const next = (this.g.consumers.get(n.output![0]!) ?? [])[0];
    if (!next || next.opType !== 'DequantizeLinear' || this.g.consumers.get(n.output![0]!)!.length !== 1)
      throw this.refuse(
        n,
        'a QuantizeLinear on an activation must be followed by its DequantizeLinear (QDQ form)',
        'Export in QDQ form (QuantizeLinear / DequantizeLinear pairs), not QOperator form.',
      );
    this.seen.add(next);
    this.notes.push(
      `${this.label(n)} + ${this.label(next)} on an activation dropped: the NPU quantises activations with its own power-of-two scales`,
    );
    this.advance(next);
  }

  private lastWeighted(): ImportedWeights | undefined {
    return this.weighted[this.weighted.length - 1];
  }

  private needFlat(n: NodeProto): Extract<Value, { kind: 'flat' }> {
    if (this.value.kind !== 'flat')
      throw this.refuse(
        n,
        `its input is a ${this.value.h} x ${this.value.w} x ${this.value.c} image; it needs a flat input`,
        'Put a Flatten before the first fully connected layer.',
      );
    return this.value;
  }

  /** Adds a dense layer from an ONNX K x N weight matrix (rows in ONNX's order: c-h-w after a flatten). */
  private dense(n: NodeProto, rowsOnnx: (k: number, j: number) => number, k: number, out: number, bias: Float64Array): void {
    const v = this.needFlat(n);
    if (v.n !== k)
      throw this.refuse(n, `it takes ${k} inputs; the value before it has ${v.n}`, 'The model file is inconsistent: export it again.');
    // The engine flattens images h-w-c; ONNX c-h-w: the rows move to where the engine's vector has them.
    const w = new Float64Array(k * out);
    for (let r = 0; r < k; r++) {
      const ro = v.chw ? onnxIndexOf(r, v.chw) : r;
      for (let j = 0; j < out; j++) w[r * out + j] = rowsOnnx(ro, j);
    }
    this.layers.push({ kind: 'dense', units: out, relu: false });
    this.weighted.push({ layer: this.layers.length - 1, w, b: bias, fanIn: k, out });
    this.value = { kind: 'flat', n: out };
    this.open = true;
  }

  private gemm(n: NodeProto): void {
    const [alpha, beta] = [attrFloat(n, 'alpha', 1), attrFloat(n, 'beta', 1)];
    if (attrInt(n, 'transA', 0) !== 0)
      throw this.refuse(n, 'transA = 1 transposes the activations (batch x features is the only layout read)');
    const b = this.constant(n, 1, 'weight matrix B');
    if (b.dims.length !== 2) throw this.refuse(n, `B has dims [${b.dims.join(', ')}], not a matrix`);
    const transB = attrInt(n, 'transB', 0) === 1;
    const [k, out] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
    const at = (r: number, j: number) => (transB ? b.values[j * k + r]! : b.values[r * out + j]!);
    const scaled = (x: number) => (alpha === 1 ? x : Math.fround(alpha) * x);
    const bias = new Float64Array(out);
    if (n.input?.[2]) {
      const c = this.constant(n, 2, 'bias C');
      if (c.dims.length > 2 || (c.dims.length === 2 && c.dims[0] !== 1) || (c.values.length !== out && c.values.length !== 1))
        throw this.refuse(n, `C has dims [${c.dims.join(', ')}]; a bias must broadcast over the batch ([${out}], [1, ${out}] or a scalar)`);
      for (let j = 0; j < out; j++) bias[j] = (beta === 1 ? 1 : Math.fround(beta)) * c.values[c.values.length === 1 ? 0 : j]!;
    }
    if (alpha !== 1 || beta !== 1) this.notes.push(`${this.label(n)}: alpha ${alpha} and beta ${beta} folded into its weights and bias`);
    this.dense(n, (r, j) => scaled(at(r, j)), k, out, bias);
    this.quantisedOf(b, transB ? 0 : 1);
  }

  private matmul(n: NodeProto): void {
    const b = this.constant(n, 1, 'weight matrix');
    if (b.dims.length !== 2) throw this.refuse(n, `its weight has dims [${b.dims.join(', ')}]; a dense layer's is a K x N matrix`);
    const [k, out] = [b.dims[0]!, b.dims[1]!];
    this.dense(n, (r, j) => b.values[r * out + j]!, k, out, new Float64Array(out));
    this.quantisedOf(b, 1);
  }

  /** Records the QDQ codes of the last layer's weights when they are per tensor or per output (ONNX axis of the outputs). */
  private quantisedOf(c: Constant, outAxis: number): void {
    const q = c.quantised;
    if (!q) return;
    const last = this.lastWeighted()!;
    if (q.scale.length !== 1 && q.axis !== outAxis) {
      this.notes.push(`layer ${last.layer}: its weights' QDQ scales run along ONNX axis ${q.axis}, not per output: codes not compared`);
      return;
    }
    // Codes in the engine's row order: the same permutation the values went through (values / scale give them back).
    const scaleOf = (j: number) => q.scale[q.scale.length === 1 ? 0 : j]!;
    const zeroOf = (j: number) => q.zeroPoint[q.zeroPoint.length === 1 ? 0 : j]!;
    const codes = last.w.map((v, i) => Math.round(v / scaleOf(i % last.out)) + zeroOf(i % last.out));
    last.quantised = {
      codes,
      scale: Float64Array.from({ length: last.out }, (_, j) => scaleOf(j)),
      zeroPoint: Float64Array.from({ length: last.out }, (_, j) => zeroOf(j)),
    };
  }

  private conv(n: NodeProto): void {
    const v = this.value;
    if (v.kind !== 'image') throw this.refuse(n, 'its input is a vector; a convolution needs an image');
    const wt = this.constant(n, 1, 'weight');
    if (wt.dims.length !== 4)
      throw this.refuse(n, `its weight has dims [${wt.dims.join(', ')}]; only 2-D convolutions (4-D weights) are supported`);
    const [out, cin, kh, kw] = wt.dims as [number, number, number, number];
    const ones = (a: number[] | undefined) => !a || a.every((x) => x === 1);
    if (attrInt(n, 'group', 1) !== 1 || cin !== v.c)
      throw this.refuse(
        n,
        `grouped or depthwise convolution (group ${attrInt(n, 'group', 1)}) is not supported: the NPU runs full convolutions`,
      );
    if (!ones(attrInts(n, 'dilations')))
      throw this.refuse(n, `dilations [${attrInts(n, 'dilations')!.join(', ')}] are not supported (1 only)`);
    const strides = attrInts(n, 'strides') ?? [1, 1];
    if (strides.length !== 2 || strides[0] !== strides[1])
      throw this.refuse(n, `strides [${strides.join(', ')}] differ per axis; the engine's convolutions take one stride`);
    if (kh !== kw) throw this.refuse(n, `its ${kh} x ${kw} kernel is not square; the engine's convolutions are k x k`);
    const { pad, explicit } = this.convPadding(n, kh, strides[0]!, v);
    const bias = n.input?.[2] ? this.constant(n, 2, 'bias').values.slice() : new Float64Array(out);
    if (bias.length !== out) throw this.refuse(n, `its bias has ${bias.length} values for ${out} filters`);
    const fanIn = kh * kw * cin;
    const w = new Float64Array(fanIn * out);
    // ONNX W[o][c][i][j] -> engine row (i, j, c), column o.
    for (let o = 0; o < out; o++)
      for (let c = 0; c < cin; c++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) w[((i * kw + j) * cin + c) * out + o] = wt.values[((o * cin + c) * kh + i) * kw + j]!;
    const g = patchGeometry(1, v.h, v.w, v.c, kh, kw, pad, explicit);
    if (g.oh < 1 || g.ow < 1) throw this.refuse(n, `its ${kh} x ${kw} kernel is larger than its padded ${v.h} x ${v.w} input`);
    this.layers.push({ kind: 'conv2d', filters: out, kernel: kh, pad, relu: false, ...explicit });
    this.weighted.push({ layer: this.layers.length - 1, w, b: bias, fanIn, out });
    this.value = { kind: 'image', h: g.oh, w: g.ow, c: out };
    if (explicit)
      this.notes.push(
        `${this.label(n)}: stride ${explicit.stride}, padding [${explicit.pads.join(', ')}]: eval, train and the exports run it; ` +
          "the NPU takes stride-1 'same' / 'valid' convolutions only",
      );
    this.open = true;
    // ONNX conv weights are out x in x kh x kw: per-output scales run along axis 0.
    this.quantisedOf(wt, 0);
  }

  /**
   * The layer's padding: 'valid' (none) or 'same' (TensorFlow's: floor((k-1)/2) before, the rest after) at
   * stride 1, the forms the engine's own kernels and the NPU run; any other stride or padding (ONNX's pads,
   * or auto_pad SAME_UPPER / SAME_LOWER at a stride) as an explicit geometry.
   */
  private convPadding(
    n: NodeProto,
    k: number,
    stride: number,
    v: { h: number; w: number },
  ): { pad: 'same' | 'valid'; explicit?: ExplicitConv } {
    const autoPad = attrString(n, 'auto_pad') ?? 'NOTSET';
    let pads: number[];
    if (autoPad === 'VALID') pads = [0, 0, 0, 0];
    else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      // ONNX: the output is ceil(in / stride); the padding it takes is split evenly, the odd one after (UPPER) or before (LOWER).
      const split = (size: number) => {
        const total = Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
        const before = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
        return [before, total - before];
      };
      const [[t, b], [l, r]] = [split(v.h), split(v.w)];
      pads = [t!, l!, b!, r!];
    } else if (autoPad === 'NOTSET') pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
    else throw this.refuse(n, `auto_pad ${autoPad} is not an ONNX padding mode`);
    if (pads.length !== 4) throw this.refuse(n, `pads [${pads.join(', ')}] are not the 4 of a 2-D convolution`);
    const before = Math.floor((k - 1) / 2);
    if (stride === 1 && pads.every((p) => p === 0)) return { pad: 'valid' };
    if (stride === 1 && pads[0] === before && pads[1] === before && pads[2] === k - 1 - before && pads[3] === k - 1 - before)
      return { pad: 'same' };
    return { pad: 'valid', explicit: { stride, pads: pads as [number, number, number, number] } };
  }

  /** Add of a constant right after a weighted layer: its bias (MatMul + Add, a bias-less Conv + Add). */
  private add(n: NodeProto): void {
    const other = n.input?.[0] === this.current ? 1 : 0;
    const last = this.lastWeighted();
    if (!last || !this.open)
      throw this.refuse(
        n,
        'an Add is read only as the bias right after a MatMul, Gemm or Conv',
        'Export the bias inside the layer (Gemm / Conv with bias).',
      );
    const c = this.constant(n, other, 'addend');
    const perOut = c.values.length === last.out;
    const image = this.value.kind === 'image';
    const broadcasts =
      c.values.length === 1 ||
      (perOut &&
        (image
          ? c.dims.slice(-2).every((d) => d === 1) || (c.dims.length === 1 && last.out === 1)
          : c.dims[c.dims.length - 1] === last.out));
    if (!broadcasts)
      throw this.refuse(n, `its addend of dims [${c.dims.join(', ')}] is not a per-output bias of the ${last.out} outputs before it`);
    for (let j = 0; j < last.out; j++) last.b[j] = Math.fround(last.b[j]! + c.values[c.values.length === 1 ? 0 : j]!);
    this.notes.push(`${this.label(n)} folded into the bias of the layer before it`);
  }

  /** BatchNormalization (inference) after a weighted layer, folded: W' = W s, b' = (b - mean) s + beta, s = gamma / sqrt(var + eps). */
  private batchNorm(n: NodeProto): void {
    const last = this.lastWeighted();
    if (!last || !this.open)
      throw this.refuse(
        n,
        'a BatchNormalization is folded into the layer before it, so it must follow a Gemm, MatMul or Conv directly',
        'Put batch normalisation right after a convolution or dense layer.',
      );
    if (attrInt(n, 'training_mode', 0) !== 0)
      throw this.refuse(n, 'it is in training mode', 'Export the network in eval mode (model.eval()).');
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) => this.constant(n, k, ['scale', 'B', 'mean', 'var'][k - 1]!).values);
    const eps = attrFloat(n, 'epsilon', 1e-5);
    if (gamma!.length !== last.out)
      throw this.refuse(n, `it normalises ${gamma!.length} channels; the layer before it has ${last.out} outputs`);
    const s = gamma!.map((g, j) => g / Math.sqrt(variance![j]! + eps));
    for (let i = 0; i < last.w.length; i++) last.w[i] = last.w[i]! * s[i % last.out]!;
    for (let j = 0; j < last.out; j++) last.b[j] = (last.b[j]! - mean![j]!) * s[j]! + beta![j]!;
    last.quantised = undefined;
    this.notes.push(`${this.label(n)} folded into the layer before it (its weights and bias scaled per output)`);
  }

  /** ReLU on the last weighted layer; it commutes with max pooling and flattening, so those may stand between. */
  private relu(n: NodeProto): void {
    let i = this.layers.length - 1;
    while (i >= 0 && (this.layers[i]!.kind === 'maxpool' || this.layers[i]!.kind === 'flatten')) i--;
    const l = this.layers[i];
    if (!l || (l.kind !== 'dense' && l.kind !== 'conv2d') || l.relu)
      throw this.refuse(
        n,
        'a Relu is read only after a Gemm, MatMul or Conv (with at most max pooling and flattening between)',
        'Apply ReLU only after a layer with weights.',
      );
    l.relu = true;
    this.open = false;
  }

  private maxPool(n: NodeProto): void {
    const v = this.value;
    if (v.kind !== 'image') throw this.refuse(n, 'its input is a vector; max pooling needs an image');
    const k = attrInts(n, 'kernel_shape') ?? [];
    const strides = attrInts(n, 'strides') ?? k.map(() => 1);
    const pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
    const autoPad = attrString(n, 'auto_pad') ?? 'NOTSET';
    const size = k[0]!;
    const divides = v.h % size === 0 && v.w % size === 0;
    if (k.length !== 2 || k[1] !== size || strides.some((s) => s !== size))
      throw this.refuse(n, `kernel [${k.join(', ')}] with strides [${strides.join(', ')}]: the engine pools k x k windows with stride k`);
    if (pads.some((p) => p !== 0) || (autoPad !== 'NOTSET' && autoPad !== 'VALID') || (attrInt(n, 'ceil_mode', 0) !== 0 && !divides))
      throw this.refuse(n, 'padded or ceil-mode max pooling is not supported (the engine drops the incomplete last window)');
    if ((attrInts(n, 'dilations') ?? []).some((d) => d !== 1)) throw this.refuse(n, 'dilated max pooling is not supported');
    this.layers.push({ kind: 'maxpool', size });
    this.value = { kind: 'image', h: Math.floor(v.h / size), w: Math.floor(v.w / size), c: v.c };
    this.open = false;
  }

  private flatten(n: NodeProto, ok: boolean, why: string): void {
    if (!ok) throw this.refuse(n, why);
    const v = this.value;
    if (v.kind === 'flat') return;
    this.layers.push({ kind: 'flatten' });
    this.value = { kind: 'flat', n: v.h * v.w * v.c, chw: { h: v.h, w: v.w, c: v.c } };
    this.open = false;
  }

  /** A Reshape to (batch, features) is a flatten; other shapes are refused. */
  private reshape(n: NodeProto): void {
    const shape = Array.from(this.constant(n, 1, 'target shape').values);
    const v = this.value;
    const features = v.kind === 'flat' ? v.n : v.h * v.w * v.c;
    const flat = shape.length === 2 && (shape[1] === -1 || shape[1] === features) && (shape[0]! >= 0 || shape[1] === features);
    this.flatten(n, flat, `a Reshape to [${shape.join(', ')}] is not a flatten to (batch, ${features})`);
  }

  /** A Transpose from N x H x W x C to N x C x H x W at the input: the engine's own layout, so nothing to do. */
  private transpose(n: NodeProto): void {
    const perm = attrInts(n, 'perm') ?? [];
    const d = this.g.input.dims;
    if (this.layers.length > 0 || this.current !== this.g.input.name || d.length !== 4 || perm.join() !== '0,3,1,2')
      throw this.refuse(n, `a Transpose (perm [${perm.join(', ')}]) is read only as N x H x W x C -> N x C x H x W on the input`);
    this.value = { kind: 'image', h: d[1]!, w: d[2]!, c: d[3]! };
    this.input.splice(0, 3, d[1]!, d[2]!, d[3]!);
    this.notes.push(`${this.label(n)}: the input is N x H x W x C, the engine's own layout (the transpose is dropped)`);
  }
}
