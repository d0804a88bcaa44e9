import { Command, Option } from 'commander';
import {
  addUnitArgument,
  addControlOptions,
  addExternalOptions,
  addUnitParamOptions,
  controlSettingsFromOptions,
  designFromOptions,
} from '../options/design.js';
import { verifyDesign, DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../format/progress.js';
import { fmtInt, log, printJson } from '../format/output.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { toCount, toJobs, toNonNegativeInt } from '../../util/numbers.js';
import { checkOutputFile } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

export function verifyCommand(): Command {
  const cmd = withExamples(new Command('verify'), [
    'axhw verify drum:width=8,k=4,signed',
    'axhw verify fpmul --preset bfloat16 --mbits 4..8 --vectors 100000',
    'axhw verify --rtl my_mult.v --top my_mult --model my_mult.mjs --report verify.json',
  ])
    .description(
      `check the Verilated RTL against the bit-exact model: every pair when there are at most 2^${DEFAULT_EXHAUSTIVE_LOG2}, ` +
        `else corner cases plus seeded random pairs`,
    )
    .option('--exhaustive', 'sweep every operand pair even beyond 2^24 (up to 2^32, e.g. 16 x 16 bits)')
    .option(
      '--vectors <n>',
      `random pairs after the corner cases, per control setting (default ${fmtInt(DEFAULT_RANDOM_VECTORS)}, spread over the settings)`,
      toCount,
    )
    .option('--seed <n>', 'seed of the random pairs (default 1)', toNonNegativeInt)
    .option('--jobs <n>', 'parallel simulator processes (default: number of cores)', toJobs)
    .option('--report <file.json>', 'also write the JSON report to a file')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--quiet', 'no progress output'));
  addUnitArgument(cmd, true);
  addUnitParamOptions(cmd);
  addControlOptions(cmd, true);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
    if (opts.report) checkOutputFile(opts.report as string, '--report');
    const d = await designFromOptions(unit, opts);
    const controls = controlSettingsFromOptions(d, opts, true);
    const bar = progressBar(`verify ${d.top}`, !opts.quiet && !opts.json);
    let report: VerifyReport;
    try {
      report = await verifyDesign(d, {
        exhaustive: opts.exhaustive === true,
        vectors: opts.vectors as number | undefined,
        controls,
        seed: opts.seed as number | undefined,
        jobs: opts.jobs as number | undefined,
        onProgress: bar.update,
        log: opts.quiet || opts.json ? undefined : log,
      });
    } finally {
      bar.stop();
    }
    if (opts.report) writeAtomic(opts.report as string, JSON.stringify(report, null, 2) + '\n');
    if (opts.json) printJson(report);
    else process.stdout.write(formatVerifyReport(report));
    if (!report.passed) process.exitCode = 1;
  });
}
