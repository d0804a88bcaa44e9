import { loadModel, type ModelFile } from '../nn/model-file.js';
import { loadData } from '../data/load.js';
import type { PreparedData } from '../data/prepare.js';
import { AxhwError } from '../errors.js';

/** A trained model (axhw train's folder) with its data, the one way every command that takes both loads them. */
export interface TrainedModelData {
  file: ModelFile;
  weights: { name: string; data: Float32Array }[];
  data: PreparedData;
}

/**
 * The model and the data it runs on (the training run's data set, or `dataPath`), checked against each
 * other before any work: the same sample shape, and the classes it was trained on in the same order.
 * eval, npu run / compile / cost and tetris analyze all load through here.
 */
export function loadTrainedModel(
  modelDir: string,
  dataPath?: string,
  limits: { limitTrain?: number; limitTest?: number } = {},
): TrainedModelData {
  const { file, weights } = loadModel(modelDir);
  const data = loadData({
    dataset: file.dataset.name,
    dataPath: dataPath ?? file.dataset.path,
    seed: file.dataset.seed,
    limitTrain: limits.limitTrain ?? file.dataset.limitTrain,
    limitTest: limits.limitTest ?? file.dataset.limitTest,
    preprocessing: file.preprocessing,
  });
  checkDataFitsModel(modelDir, file.model.input, file.classes, data, dataPath ?? file.dataset.path ?? file.dataset.name);
  return { file, weights, data };
}

/** The data must have the model's input shape and the classes it was trained on, in the same order. */
function checkDataFitsModel(modelDir: string, input: number[], classes: string[], data: PreparedData, source: string): void {
  const fix = 'Give the data the model was trained on (--data-path <file>), or train a model for this data with `axhw train`.';
  if (data.shape.join('x') !== input.join('x')) {
    throw new AxhwError(
      `${source}: samples of shape ${data.shape.join(' x ')} (${data.shape.reduce((a, b) => a * b, 1)} ` +
        `features), but the model in ${modelDir} takes ${input.join(' x ')} (${input.reduce((a, b) => a * b, 1)}).`,
      fix,
    );
  }
  if (data.classes.join('\u0000') !== classes.join('\u0000')) {
    throw new AxhwError(
      `${source}: classes ${data.classes.join(', ')} (${data.classes.length}), but the model in ${modelDir} ` +
        `was trained on ${classes.join(', ')} (${classes.length}).`,
      fix,
    );
  }
}
