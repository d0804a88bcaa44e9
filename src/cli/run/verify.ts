import { designFromCommand } from '../options/design.js';
import { verifyDesign, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../format/progress.js';
import { log, printJson } from '../format/output.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputFile } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { VERIFY_OPTIONS } from '../commands/verify.js';

/** `axhw verify` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runVerify(opts: OptionsOf<typeof VERIFY_OPTIONS>, unit: string | undefined, parsedOptions: object): Promise<void> {
  if (opts.report) checkOutputFile(opts.report, '--report');
  const { design: d, controls } = await designFromCommand(unit, parsedOptions, true);
  const bar = progressBar(`verify ${d.top}`, !opts.quiet && !opts.json);
  let report: VerifyReport;
  try {
    report = await verifyDesign(d, {
      exhaustive: opts.exhaustive === true,
      vectors: opts.vectors,
      controls,
      seed: opts.seed,
      jobs: opts.jobs,
      onProgress: bar.update,
      log: opts.quiet || opts.json ? undefined : log,
    });
  } finally {
    bar.stop();
  }
  if (opts.report) writeAtomic(opts.report, JSON.stringify(report, null, 2) + '\n');
  if (opts.json) printJson(report);
  else process.stdout.write(formatVerifyReport(report));
  if (!report.passed) process.exitCode = 1;
}
