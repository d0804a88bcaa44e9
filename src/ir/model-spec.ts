import { AxhwError } from '../errors.js';
import { explicitConv, patchGeometry } from './im2col.js';

/** Layers of the networks axhw trains. Weighted layers (dense, conv2d) run on the approximate hardware. */
export type LayerSpec =
  | { kind: 'dense'; units: number; relu: boolean }
  | {
      kind: 'conv2d';
      filters: number;
      kernel: number;
      pad: 'same' | 'valid';
      relu: boolean;
      /** An explicit geometry (an imported network's): stride and padding [top, left, bottom, right], which override `pad`. */
      stride?: number;
      pads?: [number, number, number, number];
    }
  | { kind: 'maxpool'; size: number }
  | { kind: 'flatten' };

export interface ModelSpec {
  name: string;
  /** Per-sample input shape: [features] or [h, w, c]. */
  input: number[];
  layers: LayerSpec[];
}

/**
 * The paper's topologies (docs/methods.md, AxTrain), by name: input-hidden...-output. The paper's satimage
 * network is 36-64-64-7, one output per UCI label 1..7; label 6 ("mixture") has no samples and the
 * mlbench file declares only the 6 classes that occur, so ours has 6 outputs (one per class, as every
 * model here must have).
 */
export const NAMED_MLPS: Readonly<Record<string, number[]>> = {
  'breast-cancer': [30, 64, 64, 2],
  'image-seg': [19, 64, 64, 7],
  ionosphere: [34, 50, 50, 2],
  satimage: [36, 64, 64, 6],
  'mnist-mlp': [784, 128, 128, 10],
};

export const MODEL_NAMES = [...Object.keys(NAMED_MLPS), 'mnist-cnn', 'mlp:<h1>-<h2>-...-<out>'];

/** An MLP on this input: dense layers of these sizes, ReLU on all but the last. */
export function mlp(name: string, input: number[], sizes: number[]): ModelSpec {
  const layers: LayerSpec[] = input.length > 1 ? [{ kind: 'flatten' }] : [];
  sizes.forEach((u, i) => layers.push({ kind: 'dense', units: u, relu: i < sizes.length - 1 }));
  return { name, input, layers };
}

/** LeNet-5 for 28 x 28 inputs: conv 6@5x5 (same), pool, conv 16@5x5, pool, 120, 84, 10 (ReLU, max pooling). */
export function lenet5(input: number[], classes: number): ModelSpec {
  return {
    name: 'mnist-cnn',
    input,
    layers: [
      { kind: 'conv2d', filters: 6, kernel: 5, pad: 'same', relu: true },
      { kind: 'maxpool', size: 2 },
      { kind: 'conv2d', filters: 16, kernel: 5, pad: 'valid', relu: true },
      { kind: 'maxpool', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 120, relu: true },
      { kind: 'dense', units: 84, relu: true },
      { kind: 'dense', units: classes, relu: false },
    ],
  };
}

/** A model by name for data of this shape and class count; the topology's ends must fit the data. */
export function resolveModel(name: string, inputShape: number[], classes: number): ModelSpec {
  const features = inputShape.reduce((a, b) => a * b, 1);
  const fits = (sizes: number[], label: string) => {
    if (sizes[0] !== features)
      throw new AxhwError(
        `Model ${label} takes ${sizes[0]} inputs; the data has ${features} features.`,
        'Pick the model that belongs to the data set, or a custom mlp:<hidden>-...-<classes>.',
      );
    const outputs = sizes[sizes.length - 1]!;
    // One output per class: extra outputs would be trained towards classes that never occur.
    if (outputs !== classes)
      throw new AxhwError(
        `Model ${label} has ${outputs} outputs; the data has ${classes} classes.`,
        `Give the last layer ${classes} units (e.g. mlp:64-${classes}), or pick the model that belongs to the data set.`,
      );
  };
  const named = NAMED_MLPS[name];
  if (named) {
    fits(named, name);
    return mlp(name, inputShape, named.slice(1));
  }
  if (name === 'mnist-cnn' || name === 'lenet5') {
    if (inputShape.length !== 3 || inputShape[0]! < 12 || inputShape[1]! < 12)
      throw new AxhwError(
        `LeNet-5 needs image input (h x w x c, at least 12 x 12); the data is ${inputShape.join(' x ')}.`,
        'Use it with fashion-mnist or another MNIST-format folder.',
      );
    return lenet5(inputShape, classes);
  }
  const m = /^mlp:(\d+(?:-\d+)*)$/.exec(name);
  if (m) {
    const sizes = m[1]!.split('-').map(Number);
    if (sizes.some((s) => s < 1))
      throw new AxhwError(
        `Bad layer size in ${name}: every layer needs at least 1 unit.`,
        `Write the hidden sizes and the class count, e.g. mlp:64-32-${classes}.`,
      );
    fits([features, ...sizes], name);
    return mlp(name, inputShape, sizes);
  }
  throw new AxhwError(`Unknown model '${name}'.`, `Models: ${MODEL_NAMES.join(', ')}.`);
}

/** Output shapes of every layer (after it), to size weights and check the topology. */
export function layerShapes(spec: ModelSpec): number[][] {
  let shape = spec.input;
  return spec.layers.map((l) => {
    if (l.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)];
    else if (l.kind === 'dense') {
      if (shape.length !== 1)
        throw new AxhwError(`${spec.name}: a dense layer needs flat input.`, 'Put a flatten layer before the first dense layer.');
      shape = [l.units];
    } else if (l.kind === 'conv2d') {
      const [h, w, c] = shape as [number, number, number];
      const g = patchGeometry(1, h, w, c, l.kernel, l.kernel, l.pad, explicitConv(l));
      shape = [g.oh, g.ow, l.filters];
    } else {
      const [h, w, c] = shape as [number, number, number];
      shape = [Math.floor(h / l.size), Math.floor(w / l.size), c];
    }
    return shape;
  });
}

/** Fan-in, outputs and output positions per sample of each weighted layer (a dense layer has one position). */
export function weightedLayerSizes(model: ModelSpec): { fanIn: number; outputs: number; positions: number }[] {
  const shapes = layerShapes(model);
  const out: { fanIn: number; outputs: number; positions: number }[] = [];
  model.layers.forEach((l, i) => {
    const inShape = i === 0 ? model.input : shapes[i - 1]!;
    if (l.kind === 'dense') out.push({ fanIn: inShape.reduce((a, x) => a * x, 1), outputs: l.units, positions: 1 });
    if (l.kind === 'conv2d')
      out.push({ fanIn: l.kernel * l.kernel * inShape[2]!, outputs: l.filters, positions: shapes[i]![0]! * shapes[i]![1]! });
  });
  return out;
}
