import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { loadData } from '../data/load.js';
import { preprocessingText, type Preprocessing } from '../data/preprocessing.js';
import { accuracy, predict } from '../evaluate/predict.js';
import { saveModel } from '../nn/model-file.js';
import { Network } from '../nn/network.js';
import { sha256Plain } from '../util/hash.js';
import { bindToData } from './bind.js';
import { importOnnx, type ImportedNetwork } from './import.js';
import { readModelProto } from './proto.js';

export interface ImportModelOptions {
  file: string;
  out: string;
  dataset: string;
  dataPath?: string;
  seed: number;
  preprocessing: Preprocessing;
  name?: string;
  limitTrain?: number;
  limitTest?: number;
}

/** `axhw import onnx`: the ONNX file as a model folder bound to its data, with the float accuracy on the test split. */
export function importModel(o: ImportModelOptions) {
  const bytes = readFileSync(o.file);
  const proto = readModelProto(o.file);
  const name = o.name ?? basename(o.file, extname(o.file));
  const data = loadData({ ...o, preprocessing: o.preprocessing });
  const imported: ImportedNetwork = bindToData(importOnnx(proto, o.file, name), data.shape, data.classes.length, data.name);
  const net = new Network(imported.spec, 0);
  try {
    net.setWeights(imported.weights);
    const testAccuracy = accuracy(predict(net, data.test), data.test.y);
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
      preprocessing: o.preprocessing,
      source,
    });
    return {
      format: 'axhw-onnx-import' as const,
      version: 1,
      source,
      model: imported.spec,
      dataset: { name: data.name, test: data.test.n, classes: data.classes, split: data.split },
      preprocessing: preprocessingText(o.preprocessing),
      notes: imported.notes,
      testAccuracy,
      files,
    };
  } finally {
    net.dispose();
  }
}
