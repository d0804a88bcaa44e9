import { Command } from 'commander';
import { addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { DATASETS } from '../../data/datasets.js';
import { parsePreprocessing, PREPROCESSING_FORMS } from '../../data/preprocessing.js';
import { toCount, toNonNegativeInt } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

/** `axhw import onnx`: a network trained elsewhere as a model folder every other command takes. */
export const IMPORT_ONNX_OPTIONS = {
  out: text('-o, --out <dir>', 'model folder to write (model.json + weights.bin + import.json)').mandatory(),
  data: choice(
    '--data <name>',
    "the data set the network was trained on: its sample shape is the input, its classes (in axhw's order) the outputs",
    DATASETS.map((d) => d.name),
  ).mandatory(),
  dataPath: text('--data-path <file|dir>', 'your own file or MNIST-format folder instead of the fetched one'),
  preprocess: parsed(
    '--preprocess <rule>',
    `how the network's input was computed from the raw data when it was trained: ${PREPROCESSING_FORMS}; ` +
      "a wrong rule is the commonest cause of a low accuracy after import (default: the rule in the file's metadata, " +
      'which axhw export onnx writes; required for other files)',
    parsePreprocessing,
  ),
  name: text('--name <name>', "the model's name (default: the file's name)"),
  seed: parsed('--seed <n>', 'seed of the train/test split (single-file data sets)', toNonNegativeInt).default(1),
  limitTrain: parsed('--limit-train <n>', 'use a seeded subset of this many training samples', toCount),
  limitTest: parsed('--limit-test <n>', 'use a seeded subset of this many test samples', toCount),
  json: flag('--json', 'print the import record as JSON'),
};

function onnxCommand(): Command {
  const cmd = withExamples(new Command('onnx'), [
    'axhw import onnx digits-mlp.onnx --data digits --preprocess scale=16 -o out/digits-mlp',
    'axhw import onnx fashion-lenet5.onnx --data fashion-mnist --preprocess scale=255,mean=0.286,std=0.353 -o out/lenet5',
  ])
    .description(
      'import a float or QDQ ONNX network (Gemm, MatMul + Add, Conv, Relu, MaxPool, Flatten, Reshape, BatchNormalization, ' +
        'Dropout, Identity, a final Softmax; docs/onnx.md) into a model folder for eval, train --init, npu and tetris, ' +
        'and print its float accuracy on the test split',
    )
    .argument('<model.onnx>', 'the ONNX file (binary protobuf)');
  return addOptions(cmd, IMPORT_ONNX_OPTIONS).action(async (file: string, parsedOptions: object) =>
    (await import('../run/import.js')).runImportOnnx(optionValues(IMPORT_ONNX_OPTIONS, parsedOptions), file),
  );
}

export function importCommand(): Command {
  return new Command('import').description('read networks trained elsewhere').addCommand(onnxCommand());
}
