import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions } from '../options/design.js';
import { addOptions, flag, optionValues, parsed, text, texts } from '../../util/options.js';
import { COST_OPTIONS } from '../options/cost.js';
import { toCount, toJobs } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';
import { SHARD_OPTIONS } from '../options/shard.js';

export const CHARACTERIZE_OPTIONS = {
  sweep: texts(
    '--sweep <name=values...>',
    'swept parameter or control input: k=2..8, k=2,4,8, mbits=4..12 (repeat for a grid)',
  ).mandatory(),
  baseline: text('--baseline <unit>', 'unit to compare against (takes the shared parameters, e.g. exact-mul --width)'),
  out: text('-o, --out <dir>', 'report folder (default: reports/<unit>)'),
  samples: parsed('--samples <n>', 'random pairs for error metrics when the pair space exceeds 2^24 (default 1,000,000)', toCount),
  jobs: parsed('--jobs <n>', 'configurations run in parallel (default: number of cores)', toJobs),
  json: flag('--json', 'print the report as JSON'),
  quiet: flag('--quiet', 'no progress output'),
  ...SHARD_OPTIONS,
};

export function characterizeCommand(): Command {
  const cmd = withExamples(new Command('characterize'), [
    'axhw characterize drum --width 8 --signed --sweep k=3..8 --baseline exact-mul',
    'axhw characterize fpmul --preset bfloat16 --sweep mbits=4..8 -o reports/fpmul',
    'axhw characterize drum --width 16 --sweep k=2..8 --baseline exact-mul --power sim-delay',
  ]).description(
    'sweep a unit over parameters (or control inputs such as mbits): error metrics from the RTL, ' +
      'area/delay/power from Yosys + OpenSTA, savings versus a baseline; JSON, CSV, Markdown and an ' +
      'SVG Pareto plot',
  );
  addOptions(cmd, CHARACTERIZE_OPTIONS);
  addUnitArgument(cmd, false);
  addOptions(cmd, COST_OPTIONS);
  addUnitParamOptions(cmd);
  return cmd.action(async (arg: string, parsedOptions: object) =>
    (await import('../run/characterize.js')).runCharacterize(optionValues(CHARACTERIZE_OPTIONS, parsedOptions), arg, parsedOptions),
  );
}
