import { commandLine, commandLineOf } from '../format/command-line.js';
import { log, printJson } from '../format/output.js';
import { runExperiment } from '../../experiments/runner.js';
import type { Experiment } from '../../experiments/experiment.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { EXPERIMENT_OUTPUT_OPTIONS } from '../commands/experiment.js';
import { checkShardOptions, plannedCommand, writeShardPart, type ShardOptions } from '../options/shard.js';
import { shardRange } from '../../shard/shard-spec.js';

/** `axhw experiment <name>`: run it, write its report folder, print its summary (or the result as JSON). */
export async function runExperimentCommand(
  exp: Experiment,
  opts: OptionsOf<Experiment['options']>,
  out: OptionsOf<ReturnType<typeof EXPERIMENT_OUTPUT_OPTIONS>> & Partial<ShardOptions>,
): Promise<void> {
  checkShardOptions(out);
  if (out.shard) return runExperimentShard(exp, opts, out);
  checkOutputDir(out.out, '-o');
  const quiet = Boolean(out.quiet || out.json);
  const ctx = { command: commandLine(), log: quiet ? undefined : log, backend: out.backend };
  const { result, files } = await runExperiment(exp, opts, ctx, out.out);
  if (out.json) return printJson(result);
  process.stdout.write([...exp.summary(result), ...files.map((f) => `  wrote ${f}`)].join('\n') + '\n');
}

/**
 * One share of an experiment's jobs: its result for those jobs goes into a part file; the result records the
 * command without the shard flags (the unsharded run's), so the merged report folder reads as that run's.
 */
async function runExperimentShard(
  exp: Experiment,
  opts: OptionsOf<Experiment['options']>,
  out: OptionsOf<ReturnType<typeof EXPERIMENT_OUTPUT_OPTIONS>> & Partial<ShardOptions>,
): Promise<void> {
  const jobs = exp.shardJobs!.jobs(opts);
  const shard = out.shard!;
  const { first, end } = shardRange(jobs.length, shard);
  const quiet = Boolean(out.quiet || out.json);
  const ctx = { command: commandLineOf(plannedCommand()), log: quiet ? undefined : log, backend: out.backend };
  // A shard with no jobs (more shards than jobs) runs nothing, not even loads the code: the merge skips its part.
  const result = end > first ? await (await exp.load()).runPart!({ ...opts, ...ctx }, first, end) : null;
  const plan = { job: `experiment ${exp.name}`, units: jobs.length, unit: exp.shardJobs!.unit };
  const file = writeShardPart(out.parts!, plan, shard, result);
  if (out.json) return printJson(result);
  const ran =
    end > first
      ? `${exp.shardJobs!.unit} ${jobs.slice(first, end).join(', ')}`
      : `no ${exp.shardJobs!.unit} (more shards than ${jobs.length})`;
  process.stdout.write(`experiment ${exp.name}: shard ${shard.index}/${shard.count}: ${ran}\n  wrote ${file}\n`);
}
