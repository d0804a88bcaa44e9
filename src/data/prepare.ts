import { Rng } from '../util/rng.js';
import { featureCount, type LabelledData } from './table-data.js';
import type { DatasetSpec } from './datasets.js';
import { applyAffine, checkPreprocessing, type Preprocessing } from './preprocessing.js';

/** Train/test sets ready for training, with the standardisation fitted on the training part. */
export interface PreparedData {
  name: string;
  train: LabelledData;
  test: LabelledData;
  classes: string[];
  shape: number[];
  /** Fitted on the training split (preprocessing 'standardise'), or undefined for a stated rule. */
  standardisation?: Standardisation;
  preprocessing: Preprocessing;
  split: string;
}

/** x' = (x - mean) / std, per feature (tabular) or one pair over all pixels (images). */
export interface Standardisation {
  mode: 'per-feature' | 'global';
  mean: number[];
  std: number[];
}

export interface PrepareOptions {
  seed: number;
  /** Test share of a single-file data set (the paper's 80/20 split). */
  testFraction?: number;
  /** Keep at most this many training / test samples (seeded subset) for quick runs. */
  limitTrain?: number;
  limitTest?: number;
  path?: string;
  /** How the network's input is computed from the raw values (default: standardised as `axhw train` does). */
  preprocessing?: Preprocessing;
}

export function prepareDataset(spec: DatasetSpec, opts: PrepareOptions): PreparedData {
  const loaded = spec.load(opts.path);
  let train: LabelledData;
  let test: LabelledData;
  let split: string;
  if ('all' in loaded) {
    const frac = opts.testFraction ?? 0.2;
    [train, test] = splitSeeded(loaded.all, frac, opts.seed);
    split = `seeded shuffle (seed ${opts.seed}), ${Math.round((1 - frac) * 100)}/${Math.round(frac * 100)} train/test`;
  } else {
    ({ train, test } = loaded);
    split = "the files' own train/test split";
  }
  if (opts.limitTrain && opts.limitTrain < train.n) train = subset(train, permutation(train.n, opts.seed + 1).subarray(0, opts.limitTrain));
  if (opts.limitTest && opts.limitTest < test.n) test = subset(test, permutation(test.n, opts.seed + 2).subarray(0, opts.limitTest));
  const preprocessing = opts.preprocessing ?? { kind: 'standardise' };
  checkPreprocessing(preprocessing, train.shape, spec.name);
  const standardisation = preprocessing.kind === 'standardise' ? fitStandardisation(train) : undefined;
  const prepare = (d: LabelledData): LabelledData =>
    preprocessing.kind === 'affine' ? { ...d, x: applyAffine(d.x, d.shape, preprocessing) } : applyStandardisation(d, standardisation!);
  return {
    name: spec.name,
    train: prepare(train),
    test: prepare(test),
    // Stryker disable next-line EqualityOperator: parts of equal length hold the same classes (one file split, or IDX labels 0..k)
    classes: train.classes.length >= test.classes.length ? train.classes : test.classes,
    shape: train.shape,
    standardisation,
    preprocessing,
    split,
  };
}

/** Seeded Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  // Stryker disable next-line EqualityOperator: at i = 0 the only choice is j = 0, a swap with itself
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((rng.nextU32() / 2 ** 32) * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

export function splitSeeded(d: LabelledData, testFraction: number, seed: number): [LabelledData, LabelledData] {
  const p = permutation(d.n, seed);
  const nTest = Math.round(d.n * testFraction);
  return [subset(d, p.subarray(nTest)), subset(d, p.subarray(0, nTest))];
}

export function subset(d: LabelledData, idx: Int32Array): LabelledData {
  const f = featureCount(d);
  const x = new Float32Array(idx.length * f);
  const y = new Int32Array(idx.length);
  idx.forEach((s, i) => {
    x.set(d.x.subarray(s * f, (s + 1) * f), i * f);
    y[i] = d.y[s]!;
  });
  return { ...d, x, y, n: idx.length };
}

export function fitStandardisation(d: LabelledData): Standardisation {
  const f = featureCount(d);
  const image = d.shape.length === 3;
  const groups = image ? 1 : f;
  const sum = new Float64Array(groups);
  const sq = new Float64Array(groups);
  for (let i = 0; i < d.x.length; i++) {
    const g = image ? 0 : i % f;
    sum[g]! += d.x[i]!;
    sq[g]! += d.x[i]! * d.x[i]!;
  }
  const count = image ? d.x.length : d.n;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, g) => {
    const v = s / count - mean[g]! ** 2;
    // Stryker disable next-line EqualityOperator: the branches differ only at a variance of exactly 1e-12
    return v > 1e-12 ? Math.sqrt(v) : 1; // constant features are centred, not scaled
  });
  return { mode: image ? 'global' : 'per-feature', mean, std };
}

export function applyStandardisation(d: LabelledData, s: Standardisation): LabelledData {
  const f = featureCount(d);
  const x = new Float32Array(d.x.length);
  // Stryker disable next-line EqualityOperator: a write one past a typed array's end is dropped
  for (let i = 0; i < x.length; i++) {
    const g = s.mode === 'global' ? 0 : i % f;
    x[i] = (d.x[i]! - s.mean[g]!) / s.std[g]!;
  }
  return { ...d, x };
}
