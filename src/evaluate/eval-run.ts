import { initBackend, backendLine, type BackendInfo } from '../nn/backend.js';
import { Network } from '../nn/network.js';
import { resolveHardware } from '../nn/hardware.js';
import { checkNtvStorage, evaluateOnHardware } from './hardware-eval.js';
import { accuracy, predict } from './predict.js';
import { loadTrainedModel } from './model-data.js';

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
  /** The command line, recorded in the result. */
  command?: string;
}

/** Evaluate a trained model: exact accuracy, and on the given hardware (reference check, NTV draws). */
export async function runEval(o: EvalRunOptions) {
  const backend = await initBackend(o.backend);
  o.log?.(backendLine(backend));
  const { file, weights, data } = loadTrainedModel(o.modelDir, o.dataPath);
  const net = new Network(file.model, 0);
  net.setWeights(weights);
  const hw = await resolveHardware({ ...o, log: o.log });
  checkNtvStorage(hw, o.ntvRate);
  const exact = accuracy(predict(net, data.test), data.test.y);
  // Reuse the training run's calibration when it was made for this very RTL.
  const cal = file.calibration && hw && file.calibration.rtlHash === hw.rtlHash ? file.calibration.inputExps : undefined;
  const hwEval = hw
    ? evaluateOnHardware(net, data, hw, { ntvRate: o.ntvRate, ntvDraws: o.ntvDraws, seed: o.seed ?? 1, inputExps: cal })
    : undefined;
  net.dispose();
  return {
    format: 'axhw-eval' as const,
    version: 1 as const,
    ...(o.command ? { command: o.command } : {}),
    backend: { name: backend.name, tfjs: backend.tfjsVersion, notes: backend.notes, quantiser: backend.quantiser },
    model: file.model.name,
    dataset: { name: data.name, test: data.test.n, split: data.split },
    testAccuracyExact: exact,
    hardware: hwEval,
  };
}
