import { tf } from '../nn/backend.js';
import { ExactAdam } from './exact-adam.js';

/** The optimisers training offers: Adam (the default), and plain SGD, whose step is -lr * gradient exactly. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  return name === 'sgd' ? tf.train.sgd(learningRate) : new ExactAdam(learningRate);
}
