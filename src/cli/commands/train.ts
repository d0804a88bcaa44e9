import { Command } from 'commander';
import { addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { HARDWARE_OPTIONS } from '../options/training.js';
import { DATASETS } from '../../data/datasets.js';
import { MODEL_NAMES } from '../../ir/model-spec.js';
import { DEFAULT_ACT } from '../../train/act-settings.js';
import { METHODS } from '../../train/methods.js';
import { OPTIMIZERS } from '../../train/optimizer-names.js';
import { toCount, toNonNegativeInt, toNonNegativeNumber, toPositiveNumber } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

export const TRAIN_OPTIONS = {
  data: choice(
    '--data <name>',
    'data set',
    DATASETS.map((d) => d.name),
  ),
  init: text(
    '--init <model-dir>',
    "start from this model folder's weights (axhw train's, or axhw import onnx's) with its topology, data set, split and " +
      'preprocessing (--limit-train / --limit-test may narrow the data; --seed then seeds the shuffling)',
  ),
  dataPath: text('--data-path <file|dir>', 'your own file (CSV, ARFF, .rda) or MNIST-format folder instead of the fetched one'),
  model: text('--model <name>', `model (default: the data set's): ${MODEL_NAMES.join(', ')}`),
  method: choice(
    '--method <m>',
    'bp = exact back-propagation; axtrain-act = loss + lambda * sensitivity (double back-propagation, ' +
      'adaptive lambda); axtrain-pas (= pas) = forward pass on the hardware, straight-through backward; ' +
      'axtrain = act until converged, then pas',
    METHODS,
  ).default('bp'),
  epochs: parsed('--epochs <n>', 'training epochs (axtrain: the most epochs of act)', toCount).default(20),
  pasEpochs: parsed('--pas-epochs <n>', 'axtrain: epochs of pas after act (default: epochs / 4)', toCount),
  lambda: parsed('--lambda <x>', `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, toNonNegativeNumber),
  lambdaStep: parsed(
    '--lambda-step <x>',
    `axtrain-act: step of the adaptive lambda rule, 0 keeps lambda fixed (default ${DEFAULT_ACT.lambdaStep})`,
    toNonNegativeNumber,
  ),
  errorBound: parsed(
    '--error-bound <x>',
    `axtrain-act: training loss below which lambda always grows (default ${DEFAULT_ACT.errorBound})`,
    toNonNegativeNumber,
  ),
  convergeTol: parsed(
    '--converge-tol <x>',
    `axtrain: act has converged when loss and sensitivity change by less than this fraction (default ${DEFAULT_ACT.convergeTol})`,
    toNonNegativeNumber,
  ),
  batchSize: parsed('--batch-size <n>', 'mini-batch size', toCount).default(32),
  lr: parsed('--lr <x>', 'learning rate', toPositiveNumber).default(1e-3),
  optimizer: choice('--optimizer <name>', 'adam, or sgd (plain steps of -lr * gradient)', OPTIMIZERS).default('adam'),
  seed: parsed('--seed <n>', 'seed for the split, initialisation, shuffling and bit flips', toNonNegativeInt).default(1),
  limitTrain: parsed('--limit-train <n>', 'use a seeded subset of this many training samples', toCount),
  limitTest: parsed('--limit-test <n>', 'use a seeded subset of this many test samples', toCount),
  out: text('-o, --out <dir>', 'output folder (metrics.json, model.json, weights.bin, curve.svg)'),
  backward: choice(
    '--backward <mode>',
    'fpmul hardware: exact (FramNN: approximate forward pass only) or hardware (approximate training: ' +
      'the gradient products on the fpmul too)',
    ['exact', 'hardware'],
  ),
  schedule: text(
    '--schedule <spec>',
    "fpmul hardware, method pas: the significand width over training, ending at the multiplier's " +
      'mbits: uniform, linear:<from>[/<step>], adaptive:<from>[/<step>] (t_i = T / (p_i sum 1/p_j), ' +
      'p_i the fpmul power at level i), or <m>:<iterations>,...',
  ),
  activity: text(
    '--activity <trace.npy>',
    'adaptive schedule: operand pairs (e.g. from --operand-trace) the level power is measured under (default uniform random)',
  ),
  operandTrace: text(
    '--operand-trace <file.npy>',
    'fpmul hardware: write the operand pairs the multiplier sees during training (forward products, whole dot products)',
  ),
  json: flag('--json', 'print metrics.json to stdout'),
  quiet: flag('--quiet', 'no progress output'),
  ...HARDWARE_OPTIONS,
};

export function trainCommand(): Command {
  const cmd = withExamples(new Command('train'), [
    'axhw train --data breast-cancer --method axtrain --multiplier drum:width=8,k=4,signed -o out/bc',
    'axhw train --data fashion-mnist --model mnist-mlp --epochs 5 --method pas --multiplier exact-mul:width=8,signed --ntv-voltage 660',
    'axhw train --init out/digits-mlp --method axtrain --multiplier drum:width=8,k=2 --epochs 4 -o out/digits-axtrain',
  ]).description(
    'train a network on a real data set, exactly or with the approximate hardware in the forward pass (tables read from the RTL)',
  );
  addOptions(cmd, TRAIN_OPTIONS);
  return cmd.action(async (parsedOptions: object) =>
    (await import('../run/train.js')).runTrainCommand(optionValues(TRAIN_OPTIONS, parsedOptions)),
  );
}
