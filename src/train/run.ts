import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeAtomic } from '../util/atomic-write.js';
import { getDataset } from '../data/datasets.js';
import { loadData, type DataOptions } from '../data/load.js';
import type { PreparedData } from '../data/prepare.js';
import { preprocessingText } from '../data/preprocessing.js';
import { initBackend, backendLine, type BackendInfo } from '../nn/backend.js';
import { resolveModel } from '../ir/model-spec.js';
import { loadModel, saveModel } from '../nn/model-file.js';
import { loadTrainedModel } from '../evaluate/model-data.js';
import { AxhwError } from '../errors.js';
import type { Network } from '../nn/network.js';
import { resolveHardware } from '../nn/hardware.js';
import { accuracy, predict } from '../evaluate/predict.js';
import { checkNtvStorage, evaluateOnHardware } from '../evaluate/hardware-eval.js';
import type { HardwareOptions } from '../evaluate/eval-run.js';
import { DEFAULT_ACT, type ActOptions } from './act-settings.js';
import { TRAINING_METHODS, usesHardware, type Method } from './methods.js';
import { train, type EpochRecord } from './trainer.js';
import type { OptimizerName } from './optimizer-names.js';
import { sensitivityMaps } from './sensitivity.js';
import { trainingCurveSvg } from './curve.js';
import { fpmulTrainingPlan, type FpmulTrainingOptions } from './fpmul-training.js';
import { weightedLayerSizes } from '../ir/model-spec.js';

export interface TrainRunOptions extends Omit<DataOptions, 'dataset'>, HardwareOptions, FpmulTrainingOptions {
  /** The data set by name; with `init`, the starting model's own (a different one is refused). */
  dataset?: string;
  model?: string;
  /** A model folder to start from (axhw train's, axhw import onnx's): its topology, weights, data and preprocessing. */
  init?: string;
  method: Method;
  act?: Partial<ActOptions>;
  pasEpochs?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer?: OptimizerName;
  out: string;
  backend?: BackendInfo['name'];
  command: string;
  log?: (m: string) => void;
  onEpoch?: (e: EpochRecord, total: number) => void;
}

export async function runTrain(o: TrainRunOptions) {
  const backend = await initBackend(o.backend);
  o.log?.(backendLine(backend));
  const start = o.init ? startingModel(o) : undefined;
  const dataset = start?.file.dataset.name ?? o.dataset!;
  const data = start?.data ?? loadData({ ...o, dataset });
  const model = start?.file.model ?? resolveModel(o.model ?? getDataset(dataset).defaultModel, data.shape, data.classes.length);
  const hw = await resolveHardware({ ...o, log: o.log });
  checkNtvStorage(hw, o.ntvRate);
  o.log?.(
    `data ${data.name}: ${data.train.n} train / ${data.test.n} test, ${data.shape.join('x')} -> ${data.classes.length} ` +
      `classes (${data.split}); model ${model.name}; method ${o.method}${hw ? `; ${hw.label} via the ${hw.path} path` : ''}`,
  );
  const total = o.epochs + TRAINING_METHODS[o.method].pasEpochs(o.epochs, o.pasEpochs);
  const hwEpochs = o.method === 'axtrain' ? TRAINING_METHODS.axtrain.pasEpochs(o.epochs, o.pasEpochs) : o.epochs;
  const fpmul = await fpmulTrainingPlan(
    hw,
    usesHardware(o.method),
    o,
    { iterations: hwEpochs * Math.ceil(data.train.n / o.batchSize), fanInSum: weightedLayerSizes(model).reduce((s, l) => s + l.fanIn, 0) },
    o.log,
  );
  const result = await train({
    data,
    model,
    method: o.method,
    act: o.act,
    pasEpochs: o.pasEpochs,
    hardware: hw,
    schedule: fpmul.schedule,
    ntvRate: o.ntvRate,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    optimizer: o.optimizer,
    seed: o.seed,
    initialWeights: start?.weights,
    onEpoch: (e) => o.onEpoch?.(e, total),
  });
  const traceFile = fpmul.finish();
  const floatAccuracy = accuracy(predict(result.net, data.test), data.test.y);
  const hwEval = hw ? evaluateOnHardware(result.net, data, hw, { ntvRate: o.ntvRate, ntvDraws: o.ntvDraws, seed: o.seed }) : undefined;
  const metrics = {
    format: 'axhw-train-metrics',
    version: 1,
    command: o.command,
    backend: { name: backend.name, tfjs: backend.tfjsVersion, notes: backend.notes, quantiser: backend.quantiser, layers: backend.layers },
    dataset: {
      name: data.name,
      path: o.dataPath,
      split: data.split,
      train: data.train.n,
      test: data.test.n,
      shape: data.shape,
      classes: data.classes,
      standardisation: data.standardisation?.mode ?? preprocessingText(data.preprocessing),
    },
    model: model.name,
    init: o.init,
    method: o.method,
    seed: o.seed,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    optimizer: o.optimizer ?? 'adam',
    act:
      o.method === 'axtrain-act' || o.method === 'axtrain'
        ? { ...DEFAULT_ACT, ...o.act, output: 'O = batch mean of the sum of the logits; S = sum over weights of |dO/dw * w|' }
        : undefined,
    pasEpochs: o.method === 'axtrain' ? result.history.filter((h) => h.phase === 'pas').length : undefined,
    ntvTrainRate: usesHardware(o.method) ? o.ntvRate : undefined,
    history: result.history,
    trainSamplesPerSecond: result.samplesPerSecond,
    testAccuracyExact: floatAccuracy,
    // Sensitivity of the trained network on the test set, per weighted layer (the quantity axtrain-act lowers).
    sensitivity: sensitivitySummary(result.net, data.test),
    hardware: hwEval,
    fpmulTraining: fpmul.record ? { ...fpmul.record, operandTrace: traceFile } : undefined,
  };
  mkdirSync(o.out, { recursive: true });
  const files = saveModel(o.out, result.net, {
    dataset: start
      ? {
          ...start.file.dataset,
          ...(o.dataPath ? { path: o.dataPath } : {}),
          ...(o.limitTrain ? { limitTrain: o.limitTrain } : {}),
          ...(o.limitTest ? { limitTest: o.limitTest } : {}),
        }
      : { name: data.name, path: o.dataPath, seed: o.seed, limitTrain: o.limitTrain, limitTest: o.limitTest },
    classes: data.classes,
    preprocessing: start?.file.preprocessing,
    source: start?.file.source,
    calibration: hw && hwEval?.inputExps ? { multiplier: hw.label, rtlHash: hw.rtlHash, inputExps: hwEval.inputExps } : undefined,
  });
  const svg = await trainingCurveSvg(
    result.history,
    `${model.name} on ${data.name}, ${o.method}${hw ? `, ${hw.label}` : ''} (${backend.name})`,
  );
  writeAtomic(join(o.out, 'curve.svg'), svg);
  writeAtomic(join(o.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  files.push(join(o.out, 'curve.svg'), join(o.out, 'metrics.json'));
  result.net.dispose();
  return { metrics, files };
}

/** The model folder training starts from, with its own data (split, subsets, preprocessing); conflicting flags are refused. */
function startingModel(o: TrainRunOptions) {
  const fix = 'Leave out --data and --model with --init: the starting model brings its topology and data set.';
  const { file } = loadModel(o.init!);
  if (o.model) throw new AxhwError(`--model ${o.model} and --init ${o.init} both name the topology.`, fix);
  if (o.dataset && o.dataset !== file.dataset.name)
    throw new AxhwError(`--data ${o.dataset}, but the model in ${o.init} belongs to ${file.dataset.name}.`, fix);
  return loadTrainedModel(o.init!, o.dataPath, { limitTrain: o.limitTrain, limitTest: o.limitTest });
}

/** S of a network on a data set, in total and per weighted layer. */
export function sensitivitySummary(net: Network, d: PreparedData['test']) {
  const { maps, total } = sensitivityMaps(net, d);
  return {
    total,
    layers: maps.map((m) => ({
      layer: m.layer,
      shape: [m.rows, m.cols],
      total: m.total,
      max: m.values.reduce((a, b) => Math.max(a, b), 0),
    })),
  };
}
