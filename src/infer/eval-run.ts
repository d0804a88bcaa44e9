import { initBackend, backendLine, type BackendInfo } from '../nn/backend.js';
import { loadModel } from '../nn/model-file.js';
import { Network } from '../nn/network.js';
import { loadData } from '../data/load.js';
import type { PreparedData } from '../data/prepare.js';
import { AxhwError } from '../errors.js';
import { resolveHardware } from '../nn/hardware.js';
import { checkNtvStorage, evaluateOnHardware } from './hardware-eval.js';
import { accuracy, predict } from './predict.js';

/** Hardware flags shared by train and eval: multiplier, product path, NTV storage. */
export interface HardwareOptions {
  multiplier?: string;
  multiplierTable?: string;
  path?: string;
  ntvRate?: number;
  ntvDraws: number;
}

export interface EvalRunOptions extends HardwareOptions {
  modelDir: string;
  dataPath?: string;
  seed?: number;
  backend?: BackendInfo['name'];
  log?: (m: string) => void;
}

/** The data must have the model's input shape and the classes it was trained on, in the same order. */
function checkDataFitsModel(modelDir: string, input: number[], classes: string[], data: PreparedData, source: string): void {
  const fix = 'Evaluate with the data the model was trained on (--data-path <file>), or train a model for this data with `axhw train`.';
  if (data.shape.join('x') !== input.join('x')) {
    throw new AxhwError(`${source}: samples of shape ${data.shape.join(' x ')} (${data.shape.reduce((a, b) => a * b, 1)} features), but the model in ${modelDir} takes ${input.join(' x ')} (${input.reduce((a, b) => a * b, 1)}).`, fix);
  }
  if (data.classes.join('\u0000') !== classes.join('\u0000')) {
    throw new AxhwError(`${source}: classes ${data.classes.join(', ')} (${data.classes.length}), but the model in ${modelDir} was trained on ${classes.join(', ')} (${classes.length}).`, fix);
  }
}

/** Evaluate a trained model: exact accuracy, and on the given hardware (reference check, NTV draws). */
export async function runEval(o: EvalRunOptions) {
  const backend = await initBackend(o.backend);
  o.log?.(backendLine(backend));
  const { file, weights } = loadModel(o.modelDir);
  const data = loadData({ dataset: file.dataset.name, dataPath: o.dataPath ?? file.dataset.path, seed: file.dataset.seed, limitTrain: file.dataset.limitTrain, limitTest: file.dataset.limitTest });
  checkDataFitsModel(o.modelDir, file.model.input, file.classes, data, o.dataPath ?? file.dataset.path ?? file.dataset.name);
  const net = new Network(file.model, 0);
  net.setWeights(weights);
  const hw = await resolveHardware({ ...o, log: o.log });
  checkNtvStorage(hw, o.ntvRate);
  const exact = accuracy(predict(net, data.test), data.test.y);
  // Reuse the training run's calibration when it was made for this very RTL.
  const cal = file.calibration && hw && file.calibration.rtlHash === hw.rtlHash ? file.calibration.inputExps : undefined;
  const hwEval = hw ? evaluateOnHardware(net, data, hw, { ntvRate: o.ntvRate, ntvDraws: o.ntvDraws, seed: o.seed ?? 1, inputExps: cal }) : undefined;
  net.dispose();
  return {
    format: 'axhw-eval',
    version: 1,
    backend: { name: backend.name, tfjs: backend.tfjsVersion, notes: backend.notes, quantiser: backend.quantiser },
    model: file.model.name,
    dataset: { name: data.name, test: data.test.n, split: data.split },
    testAccuracyExact: exact,
    hardware: hwEval,
  };
}
