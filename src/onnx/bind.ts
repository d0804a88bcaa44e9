import { AxhwError } from '../errors.js';
import type { ImportedNetwork } from './import.js';
import { onnxIndexOf } from './layout.js';

/**
 * The imported network fitted to a data set: the data's sample shape as its input and one output per class.
 * A network that takes a flat vector where the data holds images gets a flatten first; its first dense
 * layer's rows then move from the c-h-w order the exporter flattened in (PyTorch's, for N x C x H x W
 * tensors) to the engine's h-w-c order.
 */
export function bindToData(imported: ImportedNetwork, shape: number[], classes: number, source: string): ImportedNetwork {
  const { spec } = imported;
  const fix = 'Import with the data set the network was trained on (--data / --data-path), or export the network for its shape.';
  const features = shape.reduce((a, b) => a * b, 1);
  let bound = imported;
  if (spec.input.join('x') !== shape.join('x')) {
    const flatInput = spec.input.length === 1 && spec.input[0] === features && shape.length === 3;
    if (!flatInput)
      throw new AxhwError(`The network takes input ${spec.input.join(' x ')}; ${source} has samples of ${shape.join(' x ')}.`, fix);
    bound = withFlattenFirst(imported, shape);
  }
  const layers = bound.spec.layers;
  const last = layers[layers.length - 1];
  if (!layers.some((l) => l.kind === 'dense' || l.kind === 'conv2d'))
    throw new AxhwError(
      'The network has no Gemm, MatMul or Conv: nothing runs on the multipliers.',
      'Import a network with at least one dense or convolution layer.',
    );
  if (last?.kind !== 'dense')
    throw new AxhwError(
      `The network ends on a ${last?.kind ?? 'nothing'} layer, not on a fully connected one: it is not a classifier axhw can evaluate.`,
      'Import a classifier whose last weighted layer is Gemm / MatMul giving one logit per class.',
    );
  if (last.units !== classes) throw new AxhwError(`The network has ${last.units} outputs; ${source} has ${classes} classes.`, fix);
  return bound;
}

function withFlattenFirst(imported: ImportedNetwork, shape: number[]): ImportedNetwork {
  const [h, w, c] = shape as [number, number, number];
  const first = imported.spec.layers[0];
  if (first?.kind !== 'dense')
    throw new AxhwError(
      'The network takes a flat vector but does not start with a dense layer.',
      'Export the network with its Flatten inside.',
    );
  const renamed = imported.weights.map((t) => {
    const layer = Number(t.name.slice(1)) + 1;
    if (layer !== 1 || !t.name.startsWith('w') || c === 1) return { ...t, name: `${t.name[0]}${layer}` };
    // Engine row r holds the weights of ONNX row onnxIndexOf(r).
    const out = t.shape[1]!;
    const data = new Float32Array(t.data.length);
    for (let r = 0; r < h * w * c; r++) {
      const o = onnxIndexOf(r, { h, w, c });
      data.set(t.data.subarray(o * out, (o + 1) * out), r * out);
    }
    return { ...t, name: `w${layer}`, data };
  });
  return {
    ...imported,
    spec: { ...imported.spec, input: shape, layers: [{ kind: 'flatten' }, ...imported.spec.layers] },
    weights: renamed,
    notes: [
      ...imported.notes,
      `the input vector is the data's ${h} x ${w} x ${c} image flattened in c-h-w order (PyTorch's): a flatten was added first`,
    ],
  };
}
