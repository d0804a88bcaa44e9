import { Command } from 'commander';
import { MULTIPLIER_ALIAS } from '../options/multiplier.js';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';
import { DEFAULT_GROUPS, parseGroups } from '../../tetris/groups.js';

export const TETRIS_ANALYZE_OPTIONS = {
  weights: text('--weights <file.npy>', 'or a weight table: integer codes of shape (fan-in, outputs), analysed as one dense layer'),
  multiplier: text(
    '--multiplier <unit:params>',
    "the PE's multiplier whose codes the weights are stored in (an integer registry operator) (default: exact-mul:width=8,signed)",
  ),
  ...MULTIPLIER_ALIAS,
  groups: parsed('--groups <list>', 'kneading group sizes (powers of two)', parseGroups).default([...DEFAULT_GROUPS]),
  dataPath: text('--data-path <file|dir>', 'data file or folder, if not where training found it (calibration reads the training split)'),
  out: text('-o, --out <file>', 'also write the analysis as JSON to this file'),
  json: flag('--json', 'print the analysis as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

function analyzeCommand(): Command {
  const cmd = withExamples(new Command('analyze'), [
    'axhw tetris analyze out/bc',
    'axhw tetris analyze out/lenet --groups 4,8,16 --json -o lenet-tetris.json',
    'axhw tetris analyze --weights codes.npy --multiplier exact-mul:width=8,signed',
  ])
    .description(
      "zero bits of a trained network's stored weights (two's complement and sign-magnitude), essential " +
        'bits, and the kneading speed-up of a SAC PE over a MAC PE per group size',
    )
    .argument('[model-dir]', 'output folder of `axhw train` (model.json + weights.bin)');
  return addOptions(cmd, TETRIS_ANALYZE_OPTIONS).action(async (modelDir: string | undefined, parsedOptions: object) =>
    (await import('../run/tetris.js')).runTetrisAnalyze(optionValues(TETRIS_ANALYZE_OPTIONS, parsedOptions), modelDir),
  );
}

export function tetrisCommand(): Command {
  return new Command('tetris')
    .description(
      'Tetris weight kneading: zero-bit analysis and kneading speed-up of trained networks (the SAC PE itself: `axhw experiment tetris`)',
    )
    .addCommand(analyzeCommand());
}
