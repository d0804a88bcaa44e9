import { AxhwError } from '../errors.js';
import { convLayerRows } from '../ir/im2col.js';
import { layerShapes } from '../ir/model-spec.js';
import type { QuantisedNetwork } from '../ir/quantised-network.js';
import { exportedModel } from './export.js';
import { DATA_TYPE, intAttr, intsAttr, rawTensor, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';

/**
 * The network exactly as the NPU and the integer reference compute it, as an ONNX graph any runtime
 * evaluates: input codes = clip(round-half-even(x 2^-e)), every product looked up in the multiplier's table
 * read from its RTL (a Gather over the range^2 products at index (a - qmin) range + (w - qmin)), integer
 * sums (int64) plus the bias in accumulator units, ReLU, and the next layer's codes requantised the same
 * way; max pooling and convolution patches are Gathers over the h-w-c vector (a padding position reads an
 * appended zero code). Output: the last layer's sums scaled to values (float64), the integer reference's
 * logits. Layouts: input N x C x H x W (or N x features) float, as the float export.
 */
export function exportHardwareOnnx(
  q: QuantisedNetwork,
  meta: { producerVersion: string; multiplier: string; classes: string[] },
): Uint8Array {
  const products = q.mult.products;
  if (!products)
    throw new AxhwError(
      `${q.mult.label}: its product table is too large to export (${q.mult.width}-bit operands).`,
      'Use a multiplier of at most 12-bit operands.',
    );
  if (q.approx || q.layers.some((l) => l.onApprox))
    throw new AxhwError('The network mixes two multipliers per neuron; --as-hardware exports one.', 'Export it for one multiplier.');
  if (q.accumulatorBits !== undefined)
    throw new AxhwError('A declared (saturating) accumulator width is not exported.', 'Export with exact sums (no --acc).');
  if (q.outputOf) throw new AxhwError('A placed network (outputs reordered) is not exported.', 'Export the network as trained.');
  const { qmin, qmax } = q.mult;
  const range = qmax - qmin + 1;
  const spec = q.spec;
  const shapes = layerShapes(spec);
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  let uid = 0;
  const name = (s: string) => `${s}_${uid++}`;
  const op = (opType: string, input: string[], attribute: AttributeProto[] = []) => {
    const out = name(opType.toLowerCase());
    nodes.push({ opType, name: out, input, output: [out], attribute });
    return out;
  };
  const constant = (s: string, dims: number[], values: ArrayLike<number>, type: 'i64' | 'f32' | 'f64') => {
    const n = name(s);
    init.push(rawTensor(n, dims, values, type));
    return n;
  };
  // Codes (float64 integers) -> int64 codes; values -> codes at exponent e.
  const quantise = (x: string, e: number, type: 'f32' | 'f64') => {
    const scaled = op('Mul', [x, constant('scale', [], [2 ** -e], type)]);
    const clipped = op('Clip', [op('Round', [scaled]), constant('qmin', [], [qmin], type), constant('qmax', [], [qmax], type)]);
    return op('Cast', [clipped], [intAttr('to', DATA_TYPE.INT64)]);
  };
  const table = constant('products', [range * range], products, 'i64');
  const [qminI, rangeI, zeroI] = [
    constant('qmin', [], [qmin], 'i64'),
    constant('range', [], [range], 'i64'),
    constant('zero', [], [0], 'i64'),
  ];

  let x = 'input';
  if (spec.input.length === 3) x = op('Transpose', [x], [intsAttr('perm', [0, 2, 3, 1])]);
  x = op('Reshape', [x, constant('shape', [2], [0, -1], 'i64')]);
  let codes = quantise(x, q.layers[0]!.inputExp, 'f32');
  let k = 0;
  let output = '';
  spec.layers.forEach((l, i) => {
    const inShape = i === 0 ? spec.input : shapes[i - 1]!;
    if (l.kind === 'flatten') return;
    if (l.kind === 'maxpool') {
      const [, w, c] = inShape as [number, number, number];
      const [oh, ow] = shapes[i]! as [number, number];
      const index: number[] = [];
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++)
          for (let ch = 0; ch < c; ch++)
            for (let a = 0; a < l.size; a++) for (let e = 0; e < l.size; e++) index.push(((y * l.size + a) * w + z * l.size + e) * c + ch);
      const windows = op('Gather', [codes, constant('pool', [oh * ow * c, l.size * l.size], index, 'i64')], [intAttr('axis', 1)]);
      codes = op('ReduceMax', [windows], [intsAttr('axes', [2]), intAttr('keepdims', 0)]);
      return;
    }
    const layer = q.layers[k]!;
    const outs = layer.outputs;
    let rowsIn = codes;
    let productAxis = 1;
    if (l.kind === 'conv2d') {
      // The patch rows of the h-w-c vector, by index; padding positions read the zero code appended at its end.
      const size = inShape.reduce((a, b) => a * b, 1);
      const positions = Float32Array.from({ length: size }, (_, p) => p);
      const { rows, count } = convLayerRows(positions, 1, layer, size);
      const padded = op('Pad', [codes, constant('pads', [4], [0, 0, 0, 1], 'i64'), zeroI]);
      rowsIn = op('Gather', [padded, constant('patches', [count, layer.fanIn], rows, 'i64')], [intAttr('axis', 1)]);
      productAxis = 2;
    }
    const a = op('Unsqueeze', [op('Mul', [op('Sub', [rowsIn, qminI]), rangeI]), constant('axes', [1], [productAxis + 1], 'i64')]);
    const wIndex = constant(
      `w${i}`,
      [layer.fanIn, outs],
      Array.from(layer.weightCodes, (v) => v - qmin),
      'i64',
    );
    const prods = op('Gather', [table, op('Add', [a, wIndex])], [intAttr('axis', 0)]);
    let acc = op('Add', [
      op('ReduceSum', [prods, constant('axes', [1], [productAxis], 'i64')], [intAttr('keepdims', 0)]),
      constant(`b${i}`, [outs], layer.bias, 'i64'),
    ]);
    if (layer.relu) acc = op('Max', [acc, zeroI]);
    if (l.kind === 'conv2d') acc = op('Reshape', [acc, constant('shape', [2], [0, -1], 'i64')]);
    const exp = layer.inputExp + layer.weightExp;
    const next = q.layers[k + 1];
    const asDouble = op('Cast', [acc], [intAttr('to', DATA_TYPE.DOUBLE)]);
    if (next) codes = quantise(asDouble, next.inputExp - exp, 'f64');
    else output = op('Mul', [asDouble, constant('scale', [], [2 ** exp], 'f64')]);
    k++;
  });
  nodes.push({ opType: 'Identity', name: 'logits', input: [output], output: ['logits'] });
  return exportedModel(spec, {
    name: `${spec.name} on ${q.mult.label}`,
    nodes,
    initializers: init,
    logitsType: DATA_TYPE.DOUBLE,
    classes: meta.classes.length,
    producerVersion: meta.producerVersion,
    metadata: [
      { key: 'axhw.multiplier', value: meta.multiplier },
      { key: 'axhw.rtlHash', value: q.mult.provenance.rtlHash },
      { key: 'axhw.classes', value: JSON.stringify(meta.classes) },
    ],
  });
}
