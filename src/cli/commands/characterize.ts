import { commandLine } from '../format/command-line.js';
import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions, unitArgument } from '../options/design.js';
import { addCostOptions, costOptionsFrom } from '../options/cost.js';
import { characterize } from '../../characterize/characterize.js';
import { parseSweep } from '../../characterize/sweep-spec.js';
import { writeReport, toMarkdown } from '../../characterize/report.js';
import { printJson } from '../format/output.js';
import { progressBar } from '../format/progress.js';
import { toCount, toJobs } from '../../util/numbers.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

export function characterizeCommand(): Command {
  const cmd = withExamples(new Command('characterize'), [
    'axhw characterize drum --width 8 --signed --sweep k=3..8 --baseline exact-mul',
    'axhw characterize fpmul --preset bfloat16 --sweep mbits=4..8 -o reports/fpmul',
    'axhw characterize drum --width 16 --sweep k=2..8 --baseline exact-mul --power sim-delay',
  ])
    .description(
      'sweep a unit over parameters (or control inputs such as mbits): error metrics from the RTL, ' +
        'area/delay/power from Yosys + OpenSTA, savings versus a baseline; JSON, CSV, Markdown and an ' +
        'SVG Pareto plot',
    )
    .requiredOption('--sweep <name=values...>', 'swept parameter or control input: k=2..8, k=2,4,8, mbits=4..12 (repeat for a grid)')
    .option('--baseline <unit>', 'unit to compare against (takes the shared parameters, e.g. exact-mul --width)')
    .option('-o, --out <dir>', 'report folder (default: reports/<unit>)')
    .option('--samples <n>', 'random pairs for error metrics when the pair space exceeds 2^24 (default 1,000,000)', toCount)
    .option('--jobs <n>', 'configurations run in parallel (default: number of cores)', toJobs)
    .option('--json', 'print the report as JSON');
  addUnitArgument(cmd, false);
  addCostOptions(cmd);
  addUnitParamOptions(cmd);
  return cmd.action(async (arg: string, opts: Record<string, unknown>) => {
    const { name: unit, raw, preset } = unitArgument(arg, opts);
    const sweep = (opts.sweep as string[]).map(parseSweep);
    const out = (opts.out as string | undefined) ?? `reports/${unit}`;
    checkOutputDir(out, '-o');
    const bar = progressBar(`characterize ${unit}`, !opts.json, 'configurations');
    let rep;
    try {
      rep = await characterize({
        unit,
        params: raw,
        preset,
        sweep,
        baseline: opts.baseline as string | undefined,
        cost: costOptionsFrom(opts),
        samples: opts.samples as number | undefined,
        seed: opts.seed as number | undefined,
        jobs: opts.jobs as number | undefined,
        onProgress: bar.update,
      });
    } finally {
      bar.stop();
    }
    rep.command = commandLine();
    const files = await writeReport(rep, out);
    if (opts.json) printJson({ ...rep, written: files });
    else {
      process.stdout.write(toMarkdown(rep));
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
    }
  });
}
