import { designFromCommand } from '../options/design.js';
import { verifyDesign, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../format/progress.js';
import { fmtInt, log, printJson } from '../format/output.js';
import { checkShardOptions, writeShardPart } from '../options/shard.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputFile } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { VERIFY_OPTIONS } from '../commands/verify.js';

/** `axhw verify` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runVerify(opts: OptionsOf<typeof VERIFY_OPTIONS>, unit: string | undefined, parsedOptions: object): Promise<void> {
  checkShardOptions(opts, { '--report': opts.report });
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
      shard: opts.shard,
      onProgress: bar.update,
      log: opts.quiet || opts.json ? undefined : log,
    });
  } finally {
    bar.stop();
  }
  if (opts.shard) return writeVerifyPart(report, opts.parts!, opts.json === true);
  if (opts.report) writeAtomic(opts.report, JSON.stringify(report, null, 2) + '\n');
  if (opts.json) printJson(report);
  else process.stdout.write(formatVerifyReport(report));
  if (!report.passed) process.exitCode = 1;
}

/**
 * A shard's end: its report goes into a part file for `axhw merge`. It exits 0 even when its pairs mismatch (the
 * part records them, and the merge fails naming them): a scheduler's afterok dependency must still run the merge.
 */
function writeVerifyPart(report: VerifyReport, dir: string, json: boolean): void {
  const s = report.shard!;
  const plan = { job: 'verify', units: s.batches, unit: 'batches of operand pairs' };
  const file = writeShardPart(dir, plan, { index: s.index, count: s.count }, report);
  if (json) return printJson(report);
  const batches = s.end > s.first ? `batches ${s.first}..${s.end - 1} of ${s.batches}` : `no batches (more shards than ${s.batches})`;
  process.stdout.write(
    `verify ${report.top}: shard ${s.index}/${s.count}, ${batches}: ` +
      `${fmtInt(report.pairs)} pairs, ${fmtInt(report.mismatches)} mismatches\n  wrote ${file}\n`,
  );
}
