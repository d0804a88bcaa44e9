import { Command, Option } from 'commander';
import { addUnitArgument, addControlOptions, addExternalOptions, addUnitParamOptions, controlSettingsFromOptions, designFromOptions } from '../options/design.js';
import { verifyDesign, DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../format/progress.js';
import { fmtInt, log, printJson } from '../format/output.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { toInt } from '../../util/numbers.js';

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description(`check the Verilated RTL against the bit-exact model: every pair when there are at most 2^${DEFAULT_EXHAUSTIVE_LOG2}, else corner cases plus seeded random pairs`)
    .option('--exhaustive', 'sweep every operand pair even beyond 2^24 (up to 2^32, e.g. 16 x 16 bits)')
    .option('--vectors <n>', `random pairs after the corner cases, per control setting (default ${fmtInt(DEFAULT_RANDOM_VECTORS)}, spread over the settings)`, toInt)
    .option('--seed <n>', 'seed of the random pairs (default 1)', toInt)
    .option('--jobs <n>', 'parallel simulator processes (default: number of cores)', toInt)
    .option('--report <file.json>', 'also write the JSON report to a file')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--quiet', 'no progress output'));
  addUnitArgument(cmd, true);
  addUnitParamOptions(cmd);
  addControlOptions(cmd, true);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
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
