import { commandLine } from '../format/command-line.js';
import { unitArgument, unitFlags } from '../options/design.js';
import { optionValues } from '../../util/options.js';
import { COST_OPTIONS, costOptionsFrom } from '../options/cost.js';
import { characterize, characterizePart, type CharacterizeRequest } from '../../characterize/characterize.js';
import { checkShardOptions, writeShardPart } from '../options/shard.js';
import type { ShardSpec } from '../../shard/shard-spec.js';
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
  checkShardOptions(opts);
  const out = opts.out ?? `reports/${unit}`;
  if (!opts.shard) checkOutputDir(out, '-o');
  const bar = progressBar(`characterize ${unit}`, !opts.json && !opts.quiet, 'configurations');
  const req: CharacterizeRequest = {
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
  };
  if (opts.shard) return characterizeShard(req, opts.shard, opts.parts!, opts.json === true, bar);
  let rep;
  try {
    rep = await characterize(req);
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

/** A shard: its share of the configurations (the baseline is configuration 0) into a part file for `axhw merge`. */
async function characterizeShard(
  req: CharacterizeRequest,
  shard: ShardSpec,
  dir: string,
  json: boolean,
  bar: ReturnType<typeof progressBar>,
): Promise<void> {
  let part;
  try {
    part = await characterizePart(req, shard);
  } finally {
    bar.stop();
  }
  const { configurations: units, first, end } = part;
  const file = writeShardPart(dir, { job: 'characterize', units, unit: 'configurations (the baseline first)' }, shard, part);
  if (json) return printJson(part);
  process.stdout.write(
    `characterize ${req.unit}: shard ${shard.index}/${shard.count}: configurations ${first}..${end - 1} of ${units}` +
      `${end > first ? '' : ' (none)'}\n  wrote ${file}\n`,
  );
}
