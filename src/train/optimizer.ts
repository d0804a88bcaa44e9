import { tf } from '../nn/backend.js';
import { ExactAdam } from './exact-adam.js';
import type { OptimizerName } from './optimizer-names.js';

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  return name === 'sgd' ? tf.train.sgd(learningRate) : new ExactAdam(learningRate);
}
