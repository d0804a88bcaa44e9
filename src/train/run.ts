import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { getDataset } from '../data/datasets.js';
import { prepareDataset, type PreparedData } from '../data/prepare.js';
import { AxhwError } from '../errors.js';
import { initBackend, backendLine, type BackendInfo } from '../nn/backend.js';
import { resolveModel } from '../nn/models.js';
import { DEFAULT_ACT, train, usesHardware, type ActOptions, type EpochRecord, type Method } from './trainer.js';
import { sensitivityMaps } from './sensitivity.js';
import { calibrate, floatReferenceAgreement, ntvEvaluate, predict, accuracy, referenceAgreement } from '../infer/evaluate.js';
import { resolveHardware, describeHardware, hardwareLabel, hardwareRtlHash, type HardwareChoice } from '../arith/hardware.js';
import { saveModel, loadModel } from '../nn/model-file.js';
import { trainingCurveSvg } from './curve.js';
import { Network } from '../nn/network.js';
import type { HardwareSpec } from './approx-ops.js';
import { writeAtomic } from '../util/atomic-write.js';

export interface DataOptions {
  dataset: string;
  dataPath?: string;
  seed: number;
  limitTrain?: number;
  limitTest?: number;
}

export interface HardwareOptions {
  multiplier?: string;
  multiplierTable?: string;
  path?: string;
  ntvRate?: number;
  ntvDraws: number;
}

export interface TrainRunOptions extends DataOptions, HardwareOptions {
  model?: string;
  method: Method;
  act?: Partial<ActOptions>;
  pasEpochs?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  out: string;
  backend?: BackendInfo['name'];
  command: string;
  log?: (m: string) => void;
  onEpoch?: (e: EpochRecord, total: number) => void;
}

/** What hardware evaluation reports: accuracy on the hardware, the integer reference check, NTV draws. */
export interface HardwareEvaluation {
  hardware: Record<string, unknown>;
  /** Frozen per-layer input exponents (fixed-point hardware). */
  inputExps?: number[];
  accuracy: number;
  reference: { agreement: number; samples: number; referenceAccuracy: number; floatAccuracy: number };
  ntv?: { rate: number; draws: number; seed: number; mean: number; std: number; accuracies: number[] };
}

/** NTV flips act on stored fixed-point weight codes: they need a fixed-point multiplier to store them at. */
function checkNtvStorage(hw: HardwareChoice | undefined, ntvRate: number | undefined): void {
  if (!ntvRate) return;
  if (!hw) throw new AxhwError('NTV bit flips act on stored fixed-point weights: give the multiplier whose width they are stored at.', 'Add --multiplier exact-mul:width=8,signed for exact arithmetic with NTV storage.');
  if (hw.kind === 'float') throw new AxhwError('NTV bit flips act on stored fixed-point weights; fpmul layers keep float32 weights.', 'Drop --ntv-rate/--ntv-voltage, or use a fixed-point multiplier.');
}

export function loadData(o: DataOptions): PreparedData {
  return prepareDataset(getDataset(o.dataset), { seed: o.seed, path: o.dataPath, limitTrain: o.limitTrain, limitTest: o.limitTest });
}

/** Hardware accuracy, reference agreement and NTV draws; NTV requests were validated by checkNtvStorage. */
export function evaluateOnHardware(net: Network, data: PreparedData, hw: HardwareChoice, o: { ntvRate?: number; ntvDraws: number; seed: number; inputExps?: number[] }): HardwareEvaluation {
  if (hw.kind === 'float') {
    const reference = floatReferenceAgreement(net, data.test, hw.float);
    return { hardware: describeHardware(hw), accuracy: reference.floatAccuracy, reference };
  }
  const inputExps = o.inputExps ?? calibrate(net, data.train, { mult: hw.mult, path: hw.path });
  const spec: HardwareSpec = { mult: hw.mult, path: hw.path, inputExps };
  const reference = referenceAgreement(net, data.test, spec);
  const ntv = o.ntvRate ? { rate: o.ntvRate, draws: o.ntvDraws, seed: o.seed, ...ntvEvaluate(net, data.test, spec, o.ntvRate, o.ntvDraws, o.seed) } : undefined;
  return { hardware: describeHardware(hw), inputExps, accuracy: reference.floatAccuracy, reference, ntv };
}

export async function runTrain(o: TrainRunOptions) {
  const backend = await initBackend(o.backend);
  o.log?.(backendLine(backend));
  const data = loadData(o);
  const spec = getDataset(o.dataset);
  const model = resolveModel(o.model ?? spec.defaultModel, data.shape, data.classes.length);
  const hw = await resolveHardware({ ...o, log: o.log });
  checkNtvStorage(hw, o.ntvRate);
  o.log?.(`data ${data.name}: ${data.train.n} train / ${data.test.n} test, ${data.shape.join('x')} -> ${data.classes.length} classes (${data.split}); model ${model.name}; method ${o.method}${hw ? `; ${hardwareLabel(hw)} via the ${hw.path} path` : ''}`);
  const total = o.epochs + (o.method === 'axtrain' ? (o.pasEpochs ?? Math.max(1, Math.round(o.epochs / 4))) : 0);
  const result = train({ data, model, method: o.method, act: o.act, pasEpochs: o.pasEpochs, hardware: hw, ntvRate: o.ntvRate, epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, onEpoch: (e) => o.onEpoch?.(e, total) });
  const floatAccuracy = accuracy(predict(result.net, data.test), data.test.y);
  const hwEval = hw ? evaluateOnHardware(result.net, data, hw, { ntvRate: o.ntvRate, ntvDraws: o.ntvDraws, seed: o.seed }) : undefined;
  const metrics = {
    format: 'axhw-train-metrics',
    version: 1,
    command: o.command,
    backend: { name: backend.name, tfjs: backend.tfjsVersion, notes: backend.notes, quantiser: backend.quantiser },
    dataset: { name: data.name, path: o.dataPath, split: data.split, train: data.train.n, test: data.test.n, shape: data.shape, classes: data.classes, standardisation: data.standardisation.mode },
    model: model.name,
    method: o.method,
    seed: o.seed,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    act: o.method === 'axtrain-act' || o.method === 'axtrain' ? { ...DEFAULT_ACT, ...o.act, output: 'O = batch mean of the sum of the logits; S = sum over weights of |dO/dw * w|' } : undefined,
    pasEpochs: o.method === 'axtrain' ? result.history.filter((h) => h.phase === 'pas').length : undefined,
    ntvTrainRate: usesHardware(o.method) ? o.ntvRate : undefined,
    history: result.history,
    trainSamplesPerSecond: result.samplesPerSecond,
    testAccuracyExact: floatAccuracy,
    // Sensitivity of the trained network on the test set, per weighted layer (the quantity axtrain-act lowers).
    sensitivity: sensitivitySummary(result.net, data.test),
    hardware: hwEval,
  };
  mkdirSync(o.out, { recursive: true });
  const files = saveModel(o.out, result.net, {
    dataset: { name: data.name, path: o.dataPath, seed: o.seed, limitTrain: o.limitTrain, limitTest: o.limitTest },
    classes: data.classes,
    calibration: hw && hwEval?.inputExps ? { multiplier: hardwareLabel(hw), rtlHash: hardwareRtlHash(hw), inputExps: hwEval.inputExps } : undefined,
  });
  const svg = await trainingCurveSvg(result.history, `${model.name} on ${data.name}, ${o.method}${hw ? `, ${hardwareLabel(hw)}` : ''} (${backend.name})`);
  writeAtomic(join(o.out, 'curve.svg'), svg);
  writeAtomic(join(o.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  files.push(join(o.out, 'curve.svg'), join(o.out, 'metrics.json'));
  result.net.dispose();
  return { metrics, files };
}

export interface EvalRunOptions extends HardwareOptions {
  modelDir: string;
  dataPath?: string;
  seed?: number;
  backend?: BackendInfo['name'];
  log?: (m: string) => void;
}

/** Evaluate a trained model: exact accuracy, and on the given hardware (reference check, NTV draws). */
export async function runEval(o: EvalRunOptions) {
  const backend = await initBackend(o.backend);
  o.log?.(backendLine(backend));
  const { file, weights } = loadModel(o.modelDir);
  const data = loadData({ dataset: file.dataset.name, dataPath: o.dataPath ?? file.dataset.path, seed: file.dataset.seed, limitTrain: file.dataset.limitTrain, limitTest: file.dataset.limitTest });
  const net = new Network(file.model, 0);
  net.setWeights(weights);
  const hw = await resolveHardware({ ...o, log: o.log });
  checkNtvStorage(hw, o.ntvRate);
  const exact = accuracy(predict(net, data.test), data.test.y);
  // Reuse the training run's calibration when it was made for this very RTL.
  const cal = file.calibration && hw && file.calibration.rtlHash === hardwareRtlHash(hw) ? file.calibration.inputExps : undefined;
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

/** S of a network on a data set, in total and per weighted layer. */
export function sensitivitySummary(net: Network, d: PreparedData['test']) {
  const { maps, total } = sensitivityMaps(net, d);
  return { total, layers: maps.map((m) => ({ layer: m.layer, shape: [m.rows, m.cols], total: m.total, max: m.values.reduce((a, b) => Math.max(a, b), 0) })) };
}
