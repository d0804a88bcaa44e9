import { Command, Option } from 'commander';
import { addExternalOptions, addUnitParamOptions, designFromOptions, toInt } from '../design-options.js';
import { verifyDesign, DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../progress.js';
import { fmtInt, log, printJson } from '../output.js';
import { writeAtomic } from '../../gen/manifest.js';

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description(`check the Verilated RTL against the bit-exact model: every pair when there are at most 2^${DEFAULT_EXHAUSTIVE_LOG2}, else corner cases plus seeded random pairs`)
    .argument('[unit]', 'registry unit (see `axhw units`); omit with --rtl')
    .option('--exhaustive', 'sweep every operand pair even beyond 2^24 (up to 2^32, e.g. 16 x 16 bits)')
    .option('--vectors <n>', `random pairs after the corner cases (default ${fmtInt(DEFAULT_RANDOM_VECTORS)})`, toInt)
    .option('--seed <n>', 'seed of the random pairs (default 1)', toInt)
    .option('--jobs <n>', 'parallel simulator processes (default: number of cores)', toInt)
    .option('--report <file.json>', 'also write the JSON report to a file')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--quiet', 'no progress output'));
  addUnitParamOptions(cmd);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
    const d = await designFromOptions(unit, opts);
    const bar = progressBar(`verify ${d.top}`, !opts.quiet && !opts.json);
    let report: VerifyReport;
    try {
      report = await verifyDesign(d, {
        exhaustive: opts.exhaustive === true,
        vectors: opts.vectors as number | undefined,
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

export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const what = r.mode === 'exhaustive' ? `all ${fmtInt(r.pairs)} pairs (exhaustive)` : `${fmtInt(r.pairs)} pairs (${fmtInt(r.cornerPairs)} corner + ${fmtInt(r.randomPairs)} random, seed ${r.seed})`;
  const speed = `${r.seconds.toFixed(2)} s, ${(r.pairsPerSecond / 1e6).toFixed(1)} M pairs/s, build ${r.build.cached ? 'cached' : `${r.build.seconds.toFixed(1)} s`}`;
  if (r.passed) lines.push(`PASS ${r.top}: RTL == model on ${what} [${speed}]`);
  else {
    lines.push(`FAIL ${r.top}: ${fmtInt(r.mismatches)} of ${what} differ [${speed}]`);
    lines.push('  first counterexamples (a, b: rtl vs model):');
    for (const c of r.counterexamples) lines.push(`    a=${c.a} (${c.aCode}) b=${c.b} (${c.bCode}): rtl ${c.rtl}, model ${c.model}`);
  }
  return lines.join('\n') + '\n';
}
