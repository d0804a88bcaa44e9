import type { ModelSpec } from '../ir/model-spec.js';
import { layerShapes } from '../ir/model-spec.js';
import type { Preprocessing } from '../data/preprocessing.js';
import type { Standardisation } from '../data/prepare.js';
import { preprocessingText } from '../data/preprocessing.js';
import { engineIndexOf } from './layout.js';
import { batchValueInfo, DATA_TYPE, encodeModelProto, intAttr, intsAttr, rawTensor, type NodeProto, type TensorProto } from './proto.js';

/** The opset the exporter writes (Gemm, Conv, MaxPool, Flatten and Relu as every runtime of the last years reads them). */
export const EXPORT_OPSET = 13;

/**
 * The float network as ONNX: input N x C x H x W (or N x features), Conv / Relu / MaxPool / Flatten / Gemm,
 * output 'logits' (N x classes). Weights are copied bit for bit; only their order changes (ONNX's
 * c-h-w flatten and out x in x kh x kw kernels), so importing the file gives back the same weights.
 */
export function exportOnnx(
  spec: ModelSpec,
  weights: { name: string; data: Float32Array }[],
  meta: { preprocessing?: Preprocessing; standardisation?: Standardisation; classes: string[]; producerVersion: string },
): Uint8Array {
  const shapes = layerShapes(spec);
  const get = (name: string) => weights.find((w) => w.name === name)!.data;
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  let x = 'input';
  // Where the current vector came from: the image it is the flattening of (rows then go to c-h-w order).
  let flatOf: number[] | undefined;
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    const y = i === spec.layers.length - 1 ? 'logits' : `t${i}`;
    if (l.kind === 'flatten') {
      if (inShape.length === 3) {
        nodes.push({ opType: 'Flatten', name: `flatten${i}`, input: [x], output: [y], attribute: [intAttr('axis', 1)] });
        flatOf = inShape;
      } else nodes.push({ opType: 'Identity', name: `flatten${i}`, input: [x], output: [y] });
    } else if (l.kind === 'maxpool') {
      nodes.push({
        opType: 'MaxPool',
        name: `pool${i}`,
        input: [x],
        output: [y],
        attribute: [intsAttr('kernel_shape', [l.size, l.size]), intsAttr('strides', [l.size, l.size])],
      });
    } else {
      const w = get(`w${i}`);
      const b = get(`b${i}`);
      const out = l.kind === 'dense' ? l.units : l.filters;
      const pre = l.relu ? `${y}_pre` : y;
      if (l.kind === 'dense') {
        const k = w.length / out;
        const rows = new Float32Array(w.length);
        for (let r = 0; r < k; r++) {
          const e = flatOf ? engineIndexOf(r, { h: flatOf[0]!, w: flatOf[1]!, c: flatOf[2]! }) : r;
          rows.set(w.subarray(e * out, (e + 1) * out), r * out);
        }
        init.push(rawTensor(`w${i}`, [k, out], rows, 'f32'), rawTensor(`b${i}`, [out], b, 'f32'));
        nodes.push({ opType: 'Gemm', name: `dense${i}`, input: [x, `w${i}`, `b${i}`], output: [pre] });
        flatOf = undefined;
      } else {
        const cin = inShape[2]!;
        const kk = l.kernel;
        const kernel = new Float32Array(w.length);
        for (let o = 0; o < out; o++)
          for (let c = 0; c < cin; c++)
            for (let a = 0; a < kk; a++)
              for (let e = 0; e < kk; e++) kernel[((o * cin + c) * kk + a) * kk + e] = w[((a * kk + e) * cin + c) * out + o]!;
        init.push(rawTensor(`w${i}`, [out, cin, kk, kk], kernel, 'f32'), rawTensor(`b${i}`, [out], b, 'f32'));
        const before = Math.floor((kk - 1) / 2);
        const pads = l.pads ?? (l.pad === 'same' ? [before, before, kk - 1 - before, kk - 1 - before] : [0, 0, 0, 0]);
        const stride = l.stride ?? 1;
        nodes.push({
          opType: 'Conv',
          name: `conv${i}`,
          input: [x, `w${i}`, `b${i}`],
          output: [pre],
          attribute: [intsAttr('kernel_shape', [kk, kk]), intsAttr('pads', pads), intsAttr('strides', [stride, stride])],
        });
      }
      if (l.relu) nodes.push({ opType: 'Relu', name: `relu${i}`, input: [pre], output: [y] });
    }
    x = y;
  });
  const classes = shapes[shapes.length - 1]![0]!;
  return exportedModel(spec, {
    name: spec.name,
    nodes,
    initializers: init,
    logitsType: DATA_TYPE.FLOAT,
    classes,
    producerVersion: meta.producerVersion,
    // Read back by `axhw import onnx` (the preprocessing) and by people (the class of each output).
    metadata: [
      ...(meta.preprocessing ? [{ key: 'axhw.preprocessing', value: preprocessingText(meta.preprocessing) }] : []),
      ...(meta.standardisation ? [{ key: 'axhw.standardisation', value: JSON.stringify(meta.standardisation) }] : []),
      { key: 'axhw.classes', value: JSON.stringify(meta.classes) },
    ],
  });
}

/**
 * The file both exporters write: one graph from 'input' (N x C x H x W for an image model, else N x features:
 * ONNX's layout of the model's input) to 'logits' (N x classes), at EXPORT_OPSET, with axhw's metadata.
 */
export function exportedModel(
  spec: ModelSpec,
  g: {
    name: string;
    nodes: NodeProto[];
    initializers: TensorProto[];
    logitsType: number;
    classes: number;
    producerVersion: string;
    metadata: { key: string; value: string }[];
  },
): Uint8Array {
  const inDims = spec.input.length === 3 ? [spec.input[2]!, spec.input[0]!, spec.input[1]!] : spec.input;
  return encodeModelProto({
    irVersion: 7,
    producerName: 'axhw',
    producerVersion: g.producerVersion,
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    graph: {
      name: g.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [batchValueInfo('input', DATA_TYPE.FLOAT, inDims)],
      output: [batchValueInfo('logits', g.logitsType, [g.classes])],
    },
    metadataProps: g.metadata,
  });
}
