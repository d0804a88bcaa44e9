import { commandLine } from '../format/command-line.js';
import { unitArgument, unitFlags } from '../options/design.js';
import { optionValues } from '../../util/options.js';
import { COST_OPTIONS, costOptionsFrom } from '../options/cost.js';
import { characterize } from '../../characterize/characterize.js';
import { parseSweep } from '../../characterize/sweep-spec.js';
import { writeReport, toMarkdown } from '../../characterize/report.js';
import { printJson } from '../format/output.js';
import { progressBar } from '../format/progress.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { CHARACTERIZE_OPTIONS } from '../commands/characterize.js';

/** `axhw characterize` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runCharacterize(opts: OptionsOf<typeof CHARACTERIZE_OPTIONS>, arg: string, parsedOptions: object): Promise<void> {
  const cost = optionValues(COST_OPTIONS, parsedOptions);
  const { name: unit, raw, preset } = unitArgument(arg, unitFlags(parsedOptions));
  const sweep = opts.sweep.map(parseSweep);
  const out = opts.out ?? `reports/${unit}`;
  checkOutputDir(out, '-o');
  const bar = progressBar(`characterize ${unit}`, !opts.json, 'configurations');
  let rep;
  try {
    rep = await characterize({
      unit,
      params: raw,
      preset,
      sweep,
      baseline: opts.baseline,
      cost: costOptionsFrom(cost),
      samples: opts.samples,
      seed: cost.seed,
      jobs: opts.jobs,
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
}
