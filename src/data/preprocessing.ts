import { AxhwError } from '../errors.js';

/**
 * How a network's input is computed from a data set's raw values. `standardise` is what `axhw train` does
 * (mean and standard deviation fitted on the training split); `affine` is a fixed rule stated by whoever
 * trained the network elsewhere: x' = (x / scale - mean[c]) / std[c] per channel (the last axis of an
 * image, or per feature of a vector; one value for all), e.g. torchvision's ToTensor (x / 255) followed by
 * Normalize(mean, std). Each step is rounded to float32, as PyTorch computes it.
 */
export type Preprocessing = { kind: 'standardise' } | { kind: 'affine'; scale: number; mean: number[]; std: number[] };

export const PREPROCESSING_FORMS =
  "'standardise', 'raw', 'scale=255' or 'scale=255,mean=0.1307,std=0.3081' (per channel: mean=0.485:0.456:0.406)";

/** Parses the --preprocess form; channels are checked against the data later (checkPreprocessing). */
export function parsePreprocessing(text: string): Preprocessing {
  const fix = `Write --preprocess as ${PREPROCESSING_FORMS}.`;
  if (text === 'standardise' || text === 'standardize') return { kind: 'standardise' };
  if (text === 'raw') return { kind: 'affine', scale: 1, mean: [0], std: [1] };
  const fields = new Map<string, number[]>();
  for (const part of text.split(',')) {
    const m = /^(scale|mean|std)=([^=]+)$/.exec(part.trim());
    if (!m || fields.has(m[1]!)) throw new AxhwError(`--preprocess '${text}': cannot read '${part}'.`, fix);
    const values = m[2]!.split(':').map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new AxhwError(`--preprocess '${text}': '${m[2]}' is not a number (or numbers separated by ':').`, fix);
    fields.set(m[1]!, values);
  }
  const scale = fields.get('scale') ?? [1];
  const [mean, std] = [fields.get('mean') ?? [0], fields.get('std') ?? [1]];
  if (scale.length !== 1 || scale[0]! <= 0) throw new AxhwError(`--preprocess '${text}': scale must be one positive number.`, fix);
  if (std.some((s) => s <= 0)) throw new AxhwError(`--preprocess '${text}': every std must be positive.`, fix);
  if (mean.length !== std.length && mean.length !== 1 && std.length !== 1)
    throw new AxhwError(
      `--preprocess '${text}': ${mean.length} means but ${std.length} stds.`,
      'Give as many means as stds (one per channel), or one of either.',
    );
  return { kind: 'affine', scale: scale[0]!, mean, std };
}

/** The form parsePreprocessing reads, for records and messages. */
export function preprocessingText(p: Preprocessing): string {
  if (p.kind === 'standardise') return 'standardise';
  if (p.scale === 1 && p.mean.every((m) => m === 0) && p.std.every((s) => s === 1)) return 'raw';
  const list = (v: number[]) => v.join(':');
  return [
    `scale=${p.scale}`,
    ...(p.mean.some((m) => m !== 0) ? [`mean=${list(p.mean)}`] : []),
    ...(p.std.some((s) => s !== 1) ? [`std=${list(p.std)}`] : []),
  ].join(',');
}

/** Groups the per-channel values run over: the last axis of an image, every feature of a vector. */
export function channelsOf(shape: number[]): number {
  return shape.length === 3 ? shape[2]! : shape.reduce((a, b) => a * b, 1);
}

export function checkPreprocessing(p: Preprocessing, shape: number[], source: string): void {
  if (p.kind !== 'affine') return;
  const c = channelsOf(shape);
  for (const [name, v] of [['mean', p.mean] as const, ['std', p.std] as const])
    if (v.length !== 1 && v.length !== c)
      throw new AxhwError(
        `--preprocess gives ${v.length} values of ${name}; ${source} has ${c} ` +
          `${shape.length === 3 ? 'channel' : 'feature'}${c === 1 ? '' : 's'}.`,
        `Give one ${name} for all, or one per ${shape.length === 3 ? 'channel' : 'feature'}.`,
      );
}

/** x' = (x / scale - mean[c]) / std[c], each step in float32. */
export function applyAffine(x: Float32Array, shape: number[], p: Extract<Preprocessing, { kind: 'affine' }>): Float32Array {
  const c = channelsOf(shape);
  const out = new Float32Array(x.length);
  const f = Math.fround;
  const [scale, mean, std] = [f(p.scale), p.mean.map(f), p.std.map(f)];
  for (let i = 0; i < x.length; i++) {
    const g = i % c;
    out[i] = f(f(f(x[i]! / scale) - mean[mean.length === 1 ? 0 : g]!) / std[std.length === 1 ? 0 : g]!);
  }
  return out;
}
