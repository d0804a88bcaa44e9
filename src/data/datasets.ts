import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { AxhwError } from '../errors.js';
import { dataError, FETCH_HINT } from './data-error.js';
import { readArff } from './arff.js';
import { readLabelledCsv } from './csv.js';
import { readIdx } from './idx.js';
import { dataFrameToLabelled, readRda } from './rda.js';
import type { LabelledData } from './table-data.js';

/**
 * Where scripts/fetch-data.sh extracts the Debian packages (their files keep their Debian paths):
 * $AXHW_DATA_DIR, else ${XDG_CACHE_HOME:-~/.cache}/axhw/data. Deliberately not under $AXHW_CACHE_DIR,
 * which tests point at a throw-away build cache.
 */
export function dataRoot(): string {
  return process.env.AXHW_DATA_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'axhw', 'data');
}

/** A named data set: its files (under the data root, or the user's), how to read them, and its split. */
export interface DatasetSpec {
  name: string;
  doc: string;
  /** Debian package that holds the files. */
  pkg: string;
  /** Either one set to split 80/20, or a fixed train/test pair (IDX). */
  load: (path?: string) => { all: LabelledData } | { train: LabelledData; test: LabelledData };
  /** Model topology the paper pairs with it. */
  defaultModel: string;
}

const debPath = (...p: string[]) => join(dataRoot(), 'root', ...p);
const SKLEARN = ['usr', 'lib', 'python3', 'dist-packages', 'sklearn', 'datasets', 'data'];
const WEKA = ['usr', 'share', 'doc', 'weka', 'examples'];

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'breast-cancer',
    doc: 'Wisconsin diagnostic breast cancer, 569 x 30, 2 classes (scikit-learn CSV)',
    pkg: 'python3-sklearn',
    load: (p) => ({ all: readTabular(p ?? debPath(...SKLEARN, 'breast_cancer.csv')) }),
    defaultModel: 'breast-cancer',
  },
  {
    name: 'ionosphere',
    doc: 'ionosphere radar returns, 351 x 34, 2 classes (Weka ARFF)',
    pkg: 'weka',
    load: (p) => ({ all: readTabular(p ?? debPath(...WEKA, 'ionosphere.arff')) }),
    defaultModel: 'ionosphere',
  },
  {
    name: 'image-seg',
    doc: 'image segmentation, 2310 x 19, 7 classes (Weka segment-challenge + segment-test ARFF, merged)',
    pkg: 'weka',
    load: (p) => ({
      all: p
        ? readTabular(p)
        : concat(readArff(debPath(...WEKA, 'segment-challenge.arff')), readArff(debPath(...WEKA, 'segment-test.arff'))),
    }),
    defaultModel: 'image-seg',
  },
  {
    name: 'satimage',
    doc: 'Landsat satellite image (satimage), 6435 x 36, 6 classes present (mlbench Satellite.rda, R serialisation)',
    pkg: 'r-cran-mlbench',
    load: (p) => ({ all: readTabular(p ?? debPath('usr', 'lib', 'R', 'site-library', 'mlbench', 'data', 'Satellite.rda')) }),
    defaultModel: 'satimage',
  },
  {
    name: 'digits',
    doc: 'handwritten digits 8 x 8, 1797 samples, 10 classes (scikit-learn digits.csv.gz)',
    pkg: 'python3-sklearn',
    load: (p) => {
      const d = readTabular(p ?? debPath(...SKLEARN, 'digits.csv.gz'));
      return { all: d.shape[0] === 64 ? { ...d, shape: [8, 8, 1] } : d };
    },
    defaultModel: 'mlp:64-64-10',
  },
  {
    name: 'fashion-mnist',
    doc: 'Fashion-MNIST 28 x 28, 60,000 train + 10,000 test, 10 classes (IDX; --data-path <dir> takes any MNIST-format folder)',
    pkg: 'dataset-fashion-mnist',
    load: (p) => readIdxFolder(p ?? debPath('usr', 'share', 'datasets', 'fashion-mnist')),
    defaultModel: 'mnist-mlp',
  },
];

export function getDataset(name: string): DatasetSpec {
  const d = DATASETS.find((s) => s.name === name);
  if (!d)
    throw new AxhwError(
      `Unknown data set '${name}'.`,
      `Data sets: ${DATASETS.map((s) => s.name).join(', ')} (your own file goes with --data-path ` +
        `<file>, read in the format of the data set named by --data).`,
    );
  return d;
}

/** A tabular file by its content type: ARFF, R data, or CSV (gzip/xz allowed). */
export function readTabular(file: string): LabelledData {
  if (!existsSync(file)) throw dataError(file, 'file not found');
  if (statSync(file).isDirectory())
    throw dataError(
      file,
      'is a folder, but this data set is one file (CSV, ARFF or .rda)',
      'Give the file itself with --data-path <file>.',
    );
  if (/\.arff(\.gz|\.xz)?$/i.test(file)) return readArff(file);
  if (/\.(rda|rdata)$/i.test(file)) {
    const objs = readRda(file);
    const frames = [...objs.entries()].filter(([, v]) => v.type === 'list');
    if (frames.length !== 1)
      throw dataError(file, `expected one data frame, found ${frames.length}`, 'Save a single data frame with a factor class column.');
    return dataFrameToLabelled(file, frames[0]![1]);
  }
  return readLabelledCsv(file);
}

function readIdxFolder(dir: string): { train: LabelledData; test: LabelledData } {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw dataError(
      dir,
      'IDX folder not found',
      `${FETCH_HINT} An MNIST-format folder holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], ` +
        `t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz].`,
    );
  const pick = (base: string) => {
    for (const f of [base, `${base}.gz`]) if (existsSync(join(dir, f))) return join(dir, f);
    throw dataError(join(dir, base), 'file not found (also tried .gz)');
  };
  const part = (prefix: string): LabelledData => {
    const imgFile = pick(`${prefix}-images-idx3-ubyte`);
    const lblFile = pick(`${prefix}-labels-idx1-ubyte`);
    const img = readIdx(imgFile);
    const lbl = readIdx(lblFile);
    if (img.shape.length !== 3) throw dataError(imgFile, `expected n x rows x cols images, got shape ${img.shape.join('x')}`);
    if (lbl.shape.length !== 1 || lbl.shape[0] !== img.shape[0])
      throw dataError(lblFile, `label count ${lbl.shape.join('x')} does not match ${img.shape[0]} images`);
    const y = Int32Array.from(lbl.data);
    const k = y.reduce((a, b) => Math.max(a, b), 0) + 1;
    return {
      x: img.data,
      y,
      n: img.shape[0]!,
      shape: [img.shape[1]!, img.shape[2]!, 1],
      classes: Array.from({ length: k }, (_, i) => String(i)),
    };
  };
  return { train: part('train'), test: part('t10k') };
}

function concat(a: LabelledData, b: LabelledData): LabelledData {
  if (a.shape.join() !== b.shape.join() || a.classes.join() !== b.classes.join())
    throw new AxhwError(
      'The parts of this data set have different features or classes and cannot be merged.',
      'Fetch the data again with `bash scripts/fetch-data.sh`, or give one file with --data-path.',
    );
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Int32Array(a.n + b.n);
  y.set(a.y);
  y.set(b.y, a.n);
  return { x, y, n: a.n + b.n, shape: a.shape, classes: a.classes };
}
