import { chmodSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { AxhwError } from '../../errors.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputDir } from '../../util/output-path.js';
import { printJson } from '../format/output.js';
import { parseCommandWords } from '../options/command-words.js';
import { designFromCommand } from '../options/design.js';
import { optionValues } from '../../util/options.js';
import { SHARD_CONFLICTS } from '../options/shard.js';
import { listExperiments } from '../../experiments/registry.js';
import { givesFlag, SHARD_FLAGS } from '../../shard/part.js';
import { localScript, slurmScripts, type ShardedRun } from '../../shard/scripts.js';
import type { OptionsOf } from '../../util/options.js';
import type { PLAN_OPTIONS } from '../commands/plan.js';

type PlanOptions = OptionsOf<typeof PLAN_OPTIONS>;

const WITH_SUBCOMMANDS = new Set(['experiment', 'npu']);

/** The commands that can run as shards, in words (for the refusal). */
function shardable(): string[] {
  return [
    'verify',
    'characterize',
    'npu run',
    'npu cost',
    ...listExperiments().flatMap((e) => (e.shardJobs ? [`experiment ${e.name}`] : [])),
  ];
}

/** The value of the command's own -o / --out, if it has one. */
function outOf(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-o' || w === '--out') return words[i + 1];
    if (w.startsWith('--out=')) return w.slice('--out='.length);
  }
  return undefined;
}

/** `axhw plan`: check the command can be sharded, then write its run scripts and plan.json. */
export async function runPlan(opts: PlanOptions, words: string[]): Promise<void> {
  if (opts.slurm === opts.local)
    throw new AxhwError(
      'Say where the shards run: --slurm or --local (one of them).',
      'Add --slurm for a Slurm array job, or --local for this machine.',
    );
  // Commands with subcommands are named by both words (`npu run`, `experiment axtrain`).
  const job = WITH_SUBCOMMANDS.has(words[0]!) ? `${words[0]} ${words[1] ?? ''}` : words[0]!;
  if (!shardable().includes(job))
    throw new AxhwError(
      `'axhw ${words.slice(0, 2).join(' ')}' cannot run as shards.`,
      `Shard one of: ${shardable().join(', ')} (the command after --, e.g. ` +
        'axhw plan --shards 4 --local -- verify drum:width=16,k=4 --exhaustive).',
    );
  const given = words.find((w) => SHARD_FLAGS.some((f) => givesFlag(w, f)));
  if (given)
    throw new AxhwError(
      `The command to plan already has ${given}.`,
      `Drop ${given} and its value: the scripts add --shard i/n and --parts to each shard.`,
    );
  const { operands, values } = await parseCommandWords(job, words);
  const exp = job.startsWith('experiment ') ? listExperiments().find((e) => e.name === words[1]) : undefined;
  // What the command names must exist: the unit (or RTL) to verify, the experiment's applications.
  if (job === 'verify') await designFromCommand(operands[0], values, true);
  if (job === 'characterize' && !operands[0])
    throw new AxhwError(
      'axhw characterize needs the unit to sweep.',
      'Name it after characterize, e.g. -- characterize drum --width 8 --sweep k=2..8.',
    );
  // Options a shard refuses (it writes only its part): refused here once, not in every task.
  for (const flag of SHARD_CONFLICTS[job] ?? [])
    if (words.some((w) => givesFlag(w, flag)))
      throw new AxhwError(
        `${flag} does not go with a sharded ${job}: each shard writes only its part.`,
        `Drop ${flag}; the merge writes the whole result into --merge-out <dir> (default <out>/result).`,
      );
  const jobs = exp?.shardJobs!.jobs(optionValues(exp.options, values));
  checkOutputDir(opts.out, '-o');
  const run: ShardedRun = {
    command: words,
    shards: opts.shards,
    partsDir: resolve(opts.parts ?? join(opts.out, 'parts')),
    outDir: resolve(opts.mergeOut ?? outOf(words) ?? exp?.defaultOut ?? join(opts.out, 'result')),
    workDir: process.cwd(),
    axhw: `${process.execPath} ${realpathSync(process.argv[1]!)}`,
    cpusPerTask: opts.cpusPerTask,
  };
  const parallel = Math.max(1, Math.floor(availableParallelism() / opts.cpusPerTask));
  const jobName = `axhw-${job.replace(/\s+/g, '-')}`;
  const scripts = opts.slurm
    ? slurmScripts(run, { jobName, maxRunning: opts.maxRunning, time: opts.time, mem: opts.mem, partition: opts.partition })
    : localScript(run, parallel);
  const files = Object.entries(scripts).map(([name, text]) => {
    const path = join(opts.out, name);
    writeAtomic(path, text);
    chmodSync(path, 0o755);
    return path;
  });
  const plan = {
    format: 'axhw-plan' as const,
    version: 1 as const,
    job,
    command: words,
    shards: opts.shards,
    scheduler: opts.slurm ? ('slurm' as const) : ('local' as const),
    ...(opts.local && { parallel }),
    cpusPerTask: opts.cpusPerTask,
    parts: run.partsDir,
    result: run.outDir,
    scripts: files,
  };
  const planFile = join(opts.out, 'plan.json');
  writeAtomic(planFile, JSON.stringify(plan, null, 2) + '\n');
  if (opts.json) return printJson(plan);
  const start = opts.slurm ? `bash ${join(opts.out, 'submit.sh')}` : `bash ${join(opts.out, 'run-local.sh')}`;
  process.stdout.write(
    `plan: ${job} as ${opts.shards} shards` +
      (jobs
        ? ` over ${jobs.length} ${exp!.shardJobs!.unit} (${jobs.length > 6 ? `${jobs.slice(0, 5).join(', ')}, ...` : jobs.join(', ')})`
        : '') +
      `${opts.local ? `, ${parallel} at a time on this machine` : ' (Slurm array job, then the merge)'}\n` +
      `  parts in ${run.partsDir}, merged result in ${run.outDir}\n` +
      (jobs && jobs.length < opts.shards
        ? `  note: ${opts.shards - jobs.length} of the ${opts.shards} shards will run nothing (${jobs.length} jobs)\n`
        : '') +
      [...files, planFile].map((f) => `  wrote ${f}`).join('\n') +
      `\n  start it: ${start}\n`,
  );
}
