import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { writeAtomic } from '../util/atomic-write.js';
import { importRecordSchema, type ImportRecord } from './import-report.js';
import { loadData } from '../data/load.js';
import { parsePreprocessing, preprocessingText, PREPROCESSING_FORMS, type Preprocessing } from '../data/preprocessing.js';
import { AxhwError } from '../errors.js';
import { accuracy, predict } from '../evaluate/predict.js';
import { saveModel } from '../nn/model-file.js';
import { Network } from '../nn/network.js';
import { sha256Plain } from '../util/hash.js';
import { bindToData } from './bind.js';
import { importOnnx, type ImportedNetwork } from './import.js';
import { readModelProto, type ModelProto } from './proto.js';
import { compareQdq } from './qdq-compare.js';
import type { LabelledData } from '../data/table-data.js';

export interface ImportModelOptions {
  file: string;
  out: string;
  dataset: string;
  dataPath?: string;
  seed: number;
  /** The input rule; absent: the one `axhw export onnx` wrote in the file's metadata (else an error). */
  preprocessing?: Preprocessing;
  name?: string;
  limitTrain?: number;
  limitTest?: number;
  /** The command line, for the record. */
  command?: string;
}

/** `axhw import onnx`: the ONNX file as a model folder bound to its data (model.json, weights.bin, import.json: the record, returned). */
export function importModel(o: ImportModelOptions) {
  const bytes = readFileSync(o.file);
  const proto = readModelProto(o.file);
  const name = o.name ?? basename(o.file, extname(o.file));
  const preprocessing = o.preprocessing ?? metadataPreprocessing(proto, o.file);
  const data = loadData({ ...o, preprocessing });
  const imported: ImportedNetwork = bindToData(importOnnx(proto, o.file, name), data.shape, data.classes.length, data.name);
  const net = new Network(imported.spec, 0);
  try {
    net.setWeights(imported.weights);
    const testAccuracy = accuracy(predict(net, data.test), data.test.y);
    const qdq = qdqReport(imported, net, data.test);
    const source = {
      format: 'onnx' as const,
      file: basename(o.file),
      sha256: sha256Plain(bytes),
      producer: imported.producer,
      opset: imported.opset,
    };
    const files = saveModel(o.out, net, {
      dataset: { name: data.name, path: o.dataPath, seed: o.seed, limitTrain: o.limitTrain, limitTest: o.limitTest },
      classes: data.classes,
      preprocessing,
      source,
    });
    const record: ImportRecord = importRecordSchema.parse({
      format: 'axhw-onnx-import',
      version: 1,
      ...(o.command ? { command: o.command } : {}),
      source,
      model: imported.spec,
      dataset: { name: data.name, test: data.test.n, classes: data.classes, split: data.split },
      preprocessing: preprocessingText(preprocessing),
      notes: imported.notes,
      testAccuracy,
      ...(qdq ? { qdq } : {}),
      files: [...files, join(o.out, 'import.json')],
    });
    writeAtomic(join(o.out, 'import.json'), JSON.stringify(record, null, 2) + '\n');
    return record;
  } finally {
    net.dispose();
  }
}

/**
 * For weights read through DequantizeLinear: the codes axhw would store instead (power-of-two exponent per
 * layer, 8-bit signed: the NPU's format) and the float accuracy with each set of weights; the network keeps
 * the QDQ weights.
 */
function qdqReport(imported: ImportedNetwork, net: Network, test: LabelledData) {
  if (!imported.quantised.some((q) => q)) return undefined;
  const { layers, axhwWeights } = compareQdq(imported, { qmin: -128, qmax: 127, width: 8, signed: true });
  const original = net.weights();
  net.setWeights(axhwWeights);
  const axhwAccuracy = accuracy(predict(net, test), test.y);
  net.setWeights(original);
  return { layers, axhwFormat: '8-bit signed codes at one power-of-two exponent per layer', axhwAccuracy };
}

/** The preprocessing `axhw export onnx` recorded in the file (`axhw.preprocessing`); a file without it needs --preprocess. */
function metadataPreprocessing(proto: ModelProto, file: string): Preprocessing {
  const recorded = proto.metadataProps?.find((m) => m.key === 'axhw.preprocessing')?.value;
  if (recorded === undefined)
    throw new AxhwError(
      `${file} does not say how its input was preprocessed (no axhw.preprocessing metadata).`,
      `Give --preprocess as the network was trained: ${PREPROCESSING_FORMS}.`,
    );
  return parsePreprocessing(recorded);
}
