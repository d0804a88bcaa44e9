import { AxhwError } from '../errors.js';
import { attrInt, attrInts, nodeLabel } from './graph.js';
import { tensorValues, type ModelProto, type NodeProto } from './proto.js';

/**
 * A small ONNX interpreter, written from the operator specification: the graph's nodes in order on
 * float64 tensors (exact for every integer the hardware graphs hold, and a float32 network's values to
 * within float64 rounding). It runs what axhw exports (the float network; the integer network of
 * `--as-hardware`) where no ONNX runtime installs offline, as an evaluation independent of the importer.
 */
export interface Tensor {
  dims: number[];
  data: Float64Array;
}

const RUNTIME_FIX = "axhw's interpreter runs what axhw exports; evaluate other files with an ONNX runtime.";

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const strides = (dims: number[]) => dims.map((_, k) => size(dims.slice(k + 1)));

export function runOnnx(model: ModelProto, inputs: Record<string, Tensor>): Record<string, Tensor> {
  const g = model.graph!;
  const values = new Map<string, Tensor>(Object.entries(inputs));
  for (const t of g.initializer ?? [])
    values.set(t.name!, { dims: (t.dims ?? []).map(Number), data: tensorValues(t, `initializer ${t.name}`) });
  (g.node ?? []).forEach((n, i) => {
    const args = (n.input ?? []).map((name) => (name ? values.get(name) : undefined));
    const out = apply(n, args, nodeLabel(n, i));
    values.set(n.output![0]!, out);
  });
  return Object.fromEntries((g.output ?? []).map((o) => [o.name, values.get(o.name)!]));
}

/** Broadcast a elementwise with b (numpy rules). */
function broadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: number[]) => [...Array<number>(rank - d.length).fill(1), ...d];
  const [da, db] = [pad(a.dims), pad(b.dims)];
  const dims = da.map((x, k) => Math.max(x, db[k]!));
  const [sa, sb, so] = [strides(da), strides(db), strides(dims)];
  const data = new Float64Array(size(dims));
  for (let i = 0; i < data.length; i++) {
    let [ia, ib] = [0, 0];
    for (let k = 0; k < rank; k++) {
      const c = Math.floor(i / so[k]!) % dims[k]!;
      if (da[k] !== 1) ia += c * sa[k]!;
      if (db[k] !== 1) ib += c * sb[k]!;
    }
    data[i] = f(a.data[ia]!, b.data[ib]!);
  }
  return { dims, data };
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function transpose(x: Tensor, perm: number[]): Tensor {
  const dims = perm.map((p) => x.dims[p]!);
  const [si, so] = [strides(x.dims), strides(dims)];
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    let src = 0;
    for (let k = 0; k < dims.length; k++) src += (Math.floor(i / so[k]!) % dims[k]!) * si[perm[k]!]!;
    data[i] = x.data[src]!;
  }
  return { dims, data };
}

/** Reduce over one axis (sum or max). */
function reduce(x: Tensor, axis: number, keep: boolean, f: (a: number, b: number) => number, init: number): Tensor {
  const outer = size(x.dims.slice(0, axis));
  const [len, inner] = [x.dims[axis]!, size(x.dims.slice(axis + 1))];
  const data = new Float64Array(outer * inner).fill(init);
  for (let o = 0; o < outer; o++)
    for (let r = 0; r < len; r++)
      for (let q = 0; q < inner; q++) data[o * inner + q] = f(data[o * inner + q]!, x.data[(o * len + r) * inner + q]!);
  const dims = keep ? x.dims.map((d, k) => (k === axis ? 1 : d)) : x.dims.filter((_, k) => k !== axis);
  return { dims, data };
}

function apply(n: NodeProto, args: (Tensor | undefined)[], where: string): Tensor {
  const [x, b, c] = args;
  const rank = x?.dims.length ?? 0;
  const axisOf = (a: number) => (a < 0 ? a + rank : a);
  switch (n.opType) {
    case 'Identity':
    case 'Cast':
      return x!;
    case 'Add':
      return broadcast(x!, b!, (p, q) => p + q);
    case 'Sub':
      return broadcast(x!, b!, (p, q) => p - q);
    case 'Mul':
      return broadcast(x!, b!, (p, q) => p * q);
    case 'Max':
      return broadcast(x!, b!, Math.max);
    case 'Relu':
      return { dims: x!.dims, data: x!.data.map((v) => Math.max(0, v)) };
    case 'Round':
      return { dims: x!.dims, data: x!.data.map(roundHalfEven) };
    case 'Clip':
      return { dims: x!.dims, data: x!.data.map((v) => Math.min(c ? c.data[0]! : Infinity, Math.max(b ? b.data[0]! : -Infinity, v))) };
    case 'Transpose':
      return transpose(x!, attrInts(n, 'perm') ?? x!.dims.map((_, k) => rank - 1 - k));
    case 'Flatten': {
      const axis = axisOf(attrInt(n, 'axis', 1));
      return { dims: [size(x!.dims.slice(0, axis)), size(x!.dims.slice(axis))], data: x!.data };
    }
    case 'Reshape': {
      const shape = Array.from(b!.data).map((d, k) => (d === 0 ? x!.dims[k]! : d));
      const known = shape.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
      return { dims: shape.map((d) => (d === -1 ? x!.data.length / known : d)), data: x!.data };
    }
    case 'Unsqueeze': {
      const axes = Array.from(b?.data ?? attrInts(n, 'axes') ?? []).sort((p, q) => p - q);
      const dims = [...x!.dims];
      for (const a of axes) dims.splice(a < 0 ? a + dims.length + 1 : a, 0, 1);
      return { dims, data: x!.data };
    }
    case 'Pad': {
      // Constant padding of the last axis at its end only (what the exporter writes): pads [0.., end].
      const pads = Array.from(b!.data);
      const end = pads[pads.length - 1]!;
      if (pads.some((p, k) => p !== 0 && k !== pads.length - 1))
        throw new AxhwError(`${where}: only end padding of the last axis is run here.`, RUNTIME_FIX);
      const last = x!.dims[rank - 1]!;
      const rows = x!.data.length / last;
      const data = new Float64Array(rows * (last + end)).fill(c?.data[0] ?? 0);
      for (let r = 0; r < rows; r++) data.set(x!.data.subarray(r * last, (r + 1) * last), r * (last + end));
      return { dims: [...x!.dims.slice(0, -1), last + end], data };
    }
    case 'Gather': {
      const axis = axisOf(attrInt(n, 'axis', 0));
      const outer = size(x!.dims.slice(0, axis));
      const [len, inner] = [x!.dims[axis]!, size(x!.dims.slice(axis + 1))];
      const idx = b!.data;
      const data = new Float64Array(outer * idx.length * inner);
      for (let o = 0; o < outer; o++)
        for (let t = 0; t < idx.length; t++) {
          const k = idx[t]! < 0 ? idx[t]! + len : idx[t]!;
          if (!(k >= 0 && k < len))
            throw new AxhwError(`${where}: index ${idx[t]} out of range [0, ${len}).`, 'The file is malformed: export it again.');
          for (let q = 0; q < inner; q++) data[(o * idx.length + t) * inner + q] = x!.data[(o * len + k) * inner + q]!;
        }
      return { dims: [...x!.dims.slice(0, axis), ...b!.dims, ...x!.dims.slice(axis + 1)], data };
    }
    case 'ReduceSum':
    case 'ReduceMax': {
      const axes = Array.from(b?.data ?? attrInts(n, 'axes') ?? []);
      if (axes.length !== 1) throw new AxhwError(`${where}: one reduction axis is run here.`, RUNTIME_FIX);
      const sum = n.opType === 'ReduceSum';
      return reduce(x!, axisOf(axes[0]!), attrInt(n, 'keepdims', 1) === 1, sum ? (p, q) => p + q : Math.max, sum ? 0 : -Infinity);
    }
    case 'Gemm': {
      const transB = attrInt(n, 'transB', 0) === 1;
      const [rows, k] = x!.dims as [number, number];
      const m = transB ? b!.dims[0]! : b!.dims[1]!;
      const data = new Float64Array(rows * m);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < m; j++) {
          let acc = 0;
          for (let t = 0; t < k; t++) acc += x!.data[r * k + t]! * b!.data[transB ? j * k + t : t * m + j]!;
          data[r * m + j] = acc + (c ? c.data[c.data.length === 1 ? 0 : j]! : 0);
        }
      return { dims: [rows, m], data };
    }
    case 'Conv': {
      const [nb, ci, h, w] = x!.dims as [number, number, number, number];
      const [co, , kh, kw] = b!.dims as [number, number, number, number];
      const [pt, pl, pb, pr] = attrInts(n, 'pads') ?? [0, 0, 0, 0];
      const [sy, sx] = attrInts(n, 'strides') ?? [1, 1];
      const [oh, ow] = [Math.floor((h + pt! + pb! - kh) / sy!) + 1, Math.floor((w + pl! + pr! - kw) / sx!) + 1];
      const data = new Float64Array(nb * co * oh * ow);
      for (let s = 0; s < nb; s++)
        for (let o = 0; o < co; o++)
          for (let y = 0; y < oh; y++)
            for (let z = 0; z < ow; z++) {
              let acc = c ? c.data[o]! : 0;
              for (let ch = 0; ch < ci; ch++)
                for (let a = 0; a < kh; a++)
                  for (let e = 0; e < kw; e++) {
                    const [iy, ix] = [y * sy! + a - pt!, z * sx! + e - pl!];
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                      acc += x!.data[((s * ci + ch) * h + iy) * w + ix]! * b!.data[((o * ci + ch) * kh + a) * kw + e]!;
                  }
              data[((s * co + o) * oh + y) * ow + z] = acc;
            }
      return { dims: [nb, co, oh, ow], data };
    }
    case 'MaxPool': {
      const [nb, ch, h, w] = x!.dims as [number, number, number, number];
      const k = attrInts(n, 'kernel_shape')![0]!;
      const [oh, ow] = [Math.floor(h / k), Math.floor(w / k)];
      const data = new Float64Array(nb * ch * oh * ow);
      for (let p = 0; p < nb * ch; p++)
        for (let y = 0; y < oh; y++)
          for (let z = 0; z < ow; z++) {
            let m = -Infinity;
            for (let a = 0; a < k; a++) for (let e = 0; e < k; e++) m = Math.max(m, x!.data[(p * h + y * k + a) * w + z * k + e]!);
            data[(p * oh + y) * ow + z] = m;
          }
      return { dims: [nb, ch, oh, ow], data };
    }
    default:
      throw new AxhwError(`${where}: operator ${n.opType} is not run by axhw's interpreter.`, RUNTIME_FIX);
  }
}
