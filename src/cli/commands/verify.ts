import { Command, Option } from 'commander';
import { addControlOptions, addExternalOptions, addUnitParamOptions, controlSettingsFromOptions, designFromOptions, toInt } from '../design-options.js';
import { verifyDesign, DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, type VerifyReport } from '../../verify/verify.js';
import { progressBar } from '../progress.js';
import { fmtInt, log, printJson } from '../output.js';
import { writeAtomic } from '../../gen/manifest.js';

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description(`check the Verilated RTL against the bit-exact model: every pair when there are at most 2^${DEFAULT_EXHAUSTIVE_LOG2}, else corner cases plus seeded random pairs`)
    .argument('[unit]', 'registry unit (see `axhw units`); omit with --rtl')
    .option('--exhaustive', 'sweep every operand pair even beyond 2^24 (up to 2^32, e.g. 16 x 16 bits)')
    .option('--vectors <n>', `random pairs after the corner cases, per control setting (default ${fmtInt(DEFAULT_RANDOM_VECTORS)}, spread over the settings)`, toInt)
    .option('--seed <n>', 'seed of the random pairs (default 1)', toInt)
    .option('--jobs <n>', 'parallel simulator processes (default: number of cores)', toInt)
    .option('--report <file.json>', 'also write the JSON report to a file')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--quiet', 'no progress output'));
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

export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const k = r.controlSettings.length;
  const per = k > 0 ? ` under each of ${k} control setting${k > 1 ? 's' : ''} (${describeSettings(r.controlSettings)})` : '';
  const what =
    r.mode === 'exhaustive'
      ? `all ${fmtInt(r.pairs)} pairs (exhaustive${per ? `: every pair${per}` : ''})`
      : `${fmtInt(r.pairs)} pairs (${fmtInt(r.cornerPairs)} corner + ${fmtInt(r.randomPairs)} random, seed ${r.seed}${per})`;
  const speed = `${r.seconds.toFixed(2)} s, ${(r.pairsPerSecond / 1e6).toFixed(1)} M pairs/s, build ${r.build.cached ? 'cached' : `${r.build.seconds.toFixed(1)} s`}`;
  if (r.passed) lines.push(`PASS ${r.top}: RTL == model on ${what} [${speed}]`);
  else {
    lines.push(`FAIL ${r.top}: ${fmtInt(r.mismatches)} of ${what} differ [${speed}]`);
    lines.push('  first counterexamples (a, b: rtl vs model):');
    for (const c of r.counterexamples) {
      const ctl = c.controls ? ` [${Object.entries(c.controls).map(([n, v]) => `${n}=${v}`).join(' ')}]` : '';
      lines.push(`    a=${c.a} (${c.aCode}) b=${c.b} (${c.bCode})${ctl}: rtl ${c.rtl}, model ${c.model}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** mbits=0..31, or the individual values when they are not one contiguous run. */
function describeSettings(settings: Record<string, number>[]): string {
  const names = Object.keys(settings[0] ?? {});
  return names
    .map((n) => {
      const vals = [...new Set(settings.map((s) => s[n]))].sort((x, y) => x - y);
      const contiguous = vals.length > 2 && vals[vals.length - 1] - vals[0] === vals.length - 1;
      return `${n}=${contiguous ? `${vals[0]}..${vals[vals.length - 1]}` : vals.join(',')}`;
    })
    .join(' ');
}
