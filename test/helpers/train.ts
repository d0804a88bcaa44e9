import { runTrain, type TrainRunOptions } from '../../src/train/run.js';

/** The settings the real-data tests share: seed 1, back-propagation, batch 32, learning rate 1e-3, one NTV draw. */
const TEST_TRAINING = { seed: 1, method: 'bp', batchSize: 32, learningRate: 1e-3, ntvDraws: 1, command: 'test' } as const;

/** A test's training run: the shared settings, then what the test states. */
export const trainForTest = (o: Partial<TrainRunOptions> & Pick<TrainRunOptions, 'dataset' | 'epochs' | 'out'>) =>
  runTrain({ ...TEST_TRAINING, ...o });
