import { Command } from 'commander';
import { HARDWARE_OPTIONS } from '../options/training.js';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { toNonNegativeInt } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

export const EVAL_OPTIONS = {
  modelDir: text('--model-dir <dir>', 'output folder of `axhw train` (model.json + weights.bin)').mandatory(),
  dataPath: text('--data-path <file|dir>', 'data file or folder, if not where training found it'),
  seed: parsed('--seed <n>', 'seed of the NTV bit-flip draws', toNonNegativeInt).default(1),
  out: text('-o, --out <file>', 'also write the results as JSON to this file'),
  json: flag('--json', 'print the results as JSON'),
  quiet: flag('--quiet', 'no progress output'),
  ...HARDWARE_OPTIONS,
};

export function evalCommand(): Command {
  const cmd = withExamples(new Command('eval'), [
    'axhw eval --model-dir out/bc --multiplier drum:width=8,k=3,signed',
    'axhw eval --model-dir out/bc --multiplier drum:width=8,k=4,signed --ntv-voltage 660 --ntv-draws 20 -o eval.json',
  ]).description('evaluate a trained model exactly and on approximate hardware (integer reference check, NTV bit-flip draws)');
  return addOptions(cmd, EVAL_OPTIONS).action(async (parsedOptions: object) =>
    (await import('../run/eval.js')).runEvalCommand(optionValues(EVAL_OPTIONS, parsedOptions)),
  );
}
