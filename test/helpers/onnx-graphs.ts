import {
  ATTRIBUTE_TYPE,
  DATA_TYPE,
  encodeModelProto,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../src/onnx/proto.js';
import { Rng } from '../../src/util/rng.js';

/** Small ONNX graphs built in the tests, and an independent statement of the operators' ONNX semantics. */
export const floats = (name: string, dims: number[], values: ArrayLike<number>): TensorProto => ({
  name,
  dims,
  dataType: DATA_TYPE.FLOAT,
  floatData: Array.from(values, (v) => Math.fround(v)),
});
export const ints8 = (name: string, dims: number[], values: ArrayLike<number>): TensorProto => ({
  name,
  dims,
  dataType: DATA_TYPE.INT8,
  rawData: new Uint8Array(Int8Array.from(values).buffer),
});
export const i = (name: string, v: number): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.INT, i: v });
export const f = (name: string, v: number): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.FLOAT, f: v });
export const is = (name: string, v: number[]): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.INTS, ints: v });
export const s = (name: string, v: string): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(v) });
export const node = (opType: string, input: string[], output: string[], attribute: AttributeProto[] = [], name?: string): NodeProto => ({
  opType,
  input,
  output,
  attribute,
  ...(name ? { name } : {}),
});

/** A model with one input of these dims (first: the batch), one output; through the encoder and back (the real bytes). */
export function model(
  inputDims: number[],
  nodes: NodeProto[],
  init: TensorProto[],
  output = nodes[nodes.length - 1]!.output![0]!,
  opset = 13,
): ModelProto {
  const value = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d, k) => (k === 0 ? { dimParam: 'N' } : { dimValue: d })) } } },
  });
  return {
    irVersion: 7,
    producerName: 'test',
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer: init, input: [value('x', inputDims)], output: [value(output, [])] },
  };
}

export const bytesOf = (m: ModelProto) => encodeModelProto(m);

export function seeded(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => Math.fround(((r.nextU32() / 2 ** 32) * 2 - 1) * scale));
}

/** ONNX Conv on N x C x H x W with explicit pads [t, l, b, r], stride 1, group 1 (a direct loop, float64). */
export function convNchw(
  x: Float32Array,
  [n, c, h, w]: number[],
  wt: Float32Array,
  [o, , kh, kw]: number[],
  b: Float32Array | undefined,
  pads: number[],
  stride = 1,
) {
  const [pt, pl, pb, pr] = pads as [number, number, number, number];
  const [oh, ow] = [Math.floor((h + pt + pb - kh) / stride) + 1, Math.floor((w + pl + pr - kw) / stride) + 1];
  const y = new Float64Array(n * o * oh * ow);
  for (let s = 0; s < n; s++)
    for (let q = 0; q < o; q++)
      for (let yy = 0; yy < oh; yy++)
        for (let xx = 0; xx < ow; xx++) {
          let acc = b ? b[q]! : 0;
          for (let ch = 0; ch < c; ch++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) {
                const [iy, ix] = [yy * stride + a - pt, xx * stride + e - pl];
                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                  acc += x[((s * c + ch) * h + iy) * w + ix]! * wt[((q * c + ch) * kh + a) * kw + e]!;
              }
          y[((s * o + q) * oh + yy) * ow + xx] = acc;
        }
  return { y, dims: [n, o, oh, ow] };
}

export function maxPoolNchw(x: ArrayLike<number>, [n, c, h, w]: number[], k: number) {
  const [oh, ow] = [Math.floor(h / k), Math.floor(w / k)];
  const y = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let yy = 0; yy < oh; yy++)
      for (let xx = 0; xx < ow; xx++) {
        let m = -Infinity;
        for (let a = 0; a < k; a++) for (let e = 0; e < k; e++) m = Math.max(m, x[(p * h + yy * k + a) * w + xx * k + e]!);
        y[(p * oh + yy) * ow + xx] = m;
      }
  return { y, dims: [n, c, oh, ow] };
}

/** Gemm: alpha * A B' + beta * C, A: n x k, B k x m (or m x k with transB). */
export function gemm(
  a: ArrayLike<number>,
  n: number,
  b: ArrayLike<number>,
  k: number,
  m: number,
  transB: boolean,
  c: ArrayLike<number> | undefined,
  alpha = 1,
  beta = 1,
) {
  const y = new Float64Array(n * m);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let q = 0; q < k; q++) acc += a[r * k + q]! * b[transB ? j * k + q : q * m + j]!;
      y[r * m + j] = alpha * acc + (c ? beta * c[c.length === 1 ? 0 : j]! : 0);
    }
  return y;
}

export const relu = (x: ArrayLike<number>) => Float64Array.from(x, (v) => Math.max(0, v));

/** Largest |a - b| - rtol |b| (<= atol passes). */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5): number {
  let m = 0;
  for (let k = 0; k < b.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!) - rtol * Math.abs(b[k]!));
  return m;
}

/**
 * An MLP in QDQ form as onnxruntime's quantize_static writes it: int8 weights with symmetric scales per
 * output channel (max |w| / 127) or one given per layer, DequantizeLinear before each MatMul, and a
 * QuantizeLinear / DequantizeLinear pair on each hidden activation.
 */
export function qdqMlp(
  layers: { w: Float32Array; b: Float32Array; fanIn: number; out: number }[],
  scaleOf?: (layer: number) => number,
): ModelProto {
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  let x = 'x';
  layers.forEach((l, k) => {
    const scales = Array.from({ length: l.out }, (_, j) => {
      if (scaleOf) return scaleOf(k);
      let m = 0;
      for (let r = 0; r < l.fanIn; r++) m = Math.max(m, Math.abs(l.w[r * l.out + j]!));
      return Math.fround(m / 127 || 1);
    });
    const codes = Array.from(l.w, (v, i) => Math.max(-128, Math.min(127, Math.round(v / scales[i % l.out]!))));
    init.push(
      ints8(`wq${k}`, [l.fanIn, l.out], codes),
      floats(`ws${k}`, [l.out], scales),
      { name: `wz${k}`, dims: [l.out], dataType: 3, int32Data: new Array<number>(l.out).fill(0) },
      floats(`b${k}`, [l.out], l.b),
    );
    nodes.push(node('DequantizeLinear', [`wq${k}`, `ws${k}`, `wz${k}`], [`w${k}`], [i('axis', 1)]));
    nodes.push(node('MatMul', [x, `w${k}`], [`m${k}`]), node('Add', [`m${k}`, `b${k}`], [`y${k}`]));
    x = `y${k}`;
    if (k < layers.length - 1) {
      init.push(floats(`as${k}`, [], [1 / 32]), { name: `az${k}`, dims: [], dataType: 3, int32Data: [0] });
      nodes.push(
        node('Relu', [x], [`r${k}`]),
        node('QuantizeLinear', [`r${k}`, `as${k}`, `az${k}`], [`q${k}`]),
        node('DequantizeLinear', [`q${k}`, `as${k}`, `az${k}`], [`d${k}`]),
      );
      x = `d${k}`;
    }
  });
  return model([1, layers[0]!.fanIn], nodes, init, x);
}
