import { Command } from 'commander';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { addDesignOptions } from '../options/design.js';
import { DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS } from '../../verify/limits.js';
import { fmtInt } from '../format/output.js';
import { toCount, toJobs, toNonNegativeInt } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';
import { SHARD_OPTIONS } from '../options/shard.js';

export const VERIFY_OPTIONS = {
  exhaustive: flag(
    '--exhaustive',
    'sweep every operand pair even beyond 2^24: up to 2^32 in one run (16 x 16 bits), 2^40 in one shard of a --shard run',
  ),
  vectors: parsed(
    '--vectors <n>',
    `random pairs after the corner cases, per control setting (default ${fmtInt(DEFAULT_RANDOM_VECTORS)}, spread over the settings)`,
    toCount,
  ),
  seed: parsed('--seed <n>', 'seed of the random pairs (default 1)', toNonNegativeInt),
  jobs: parsed('--jobs <n>', 'parallel simulator processes (default: number of cores)', toJobs),
  report: text('--report <file.json>', 'also write the JSON report to a file'),
  json: flag('--json', 'print the report as JSON'),
  quiet: flag('--quiet', 'no progress output'),
  ...SHARD_OPTIONS,
};

export function verifyCommand(): Command {
  const cmd = withExamples(new Command('verify'), [
    'axhw verify drum:width=8,k=4,signed',
    'axhw verify fpmul --preset bfloat16 --mbits 4..8 --vectors 100000',
    'axhw verify --rtl my_mult.v --top my_mult --model my_mult.mjs --report verify.json',
  ]);
  cmd.description(
    `check the Verilated RTL against the bit-exact model: every pair when there are at most 2^${DEFAULT_EXHAUSTIVE_LOG2}, ` +
      `else corner cases plus seeded random pairs`,
  );
  addOptions(cmd, VERIFY_OPTIONS);
  addDesignOptions(cmd, true);
  return cmd.action(async (unit: string | undefined, parsedOptions: object) =>
    (await import('../run/verify.js')).runVerify(optionValues(VERIFY_OPTIONS, parsedOptions), unit, parsedOptions),
  );
}
