import { Command } from 'commander';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { toCount } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

/** `axhw plan`: the scripts that run a long job as shards (Slurm array job or this machine) and merge them. */
export const PLAN_OPTIONS = {
  shards: parsed('--shards <n>', 'how many parts to cut the job into', toCount).mandatory(),
  slurm: flag('--slurm', 'write shards.sbatch (an array job), merge.sbatch (afterok on it) and submit.sh'),
  local: flag('--local', 'write run-local.sh: the shards on this machine, several at a time, then the merge'),
  out: text('-o, --out <dir>', 'folder of the scripts and plan.json').default('out/plan'),
  parts: text('--parts <dir>', 'folder of the part files (default <out>/parts; on a cluster, a shared file system)'),
  mergeOut: text('--merge-out <dir>', "the merged result's folder (default: the command's -o, else <out>/result)"),
  cpusPerTask: parsed(
    '--cpus-per-task <n>',
    'cores per shard (Slurm --cpus-per-task; --local runs cores / n shards at a time)',
    toCount,
  ).default(2),
  maxRunning: parsed('--max-running <m>', 'Slurm: most array tasks running at once (--array=0-(n-1)%m)', toCount),
  time: text('--time <limit>', 'Slurm: time limit per task (e.g. 02:00:00)'),
  mem: text('--mem <size>', 'Slurm: memory per task (e.g. 8G)'),
  partition: text('--partition <name>', 'Slurm: partition to submit to'),
  json: flag('--json', 'print the plan as JSON'),
};

export function planCommand(): Command {
  const cmd = withExamples(new Command('plan'), [
    'axhw plan --shards 3 --local -o out/plan/verify -- verify drum:width=12,k=4,signed',
    'axhw plan --shards 16 --slurm --max-running 8 --time 01:00:00 -o out/plan/drum16 -- verify drum:width=16,k=4 --exhaustive',
    'axhw plan --shards 2 --slurm -o out/plan/axtrain -- experiment axtrain --quick --apps breast-cancer,ionosphere -o out/axtrain',
  ])
    .description(
      'write the scripts that run a long job (verify, or an experiment with independent jobs) as n shards and merge ' +
        'them: a Slurm array job with the merge as a dependent job, or a script for this machine (docs/scale-out.md)',
    )
    .argument('<command...>', 'the axhw command to shard, after -- (e.g. -- verify drum:width=16,k=4 --exhaustive)');
  return addOptions(cmd, PLAN_OPTIONS).action(async (words: string[], parsedOptions: object) =>
    (await import('../run/plan.js')).runPlan(optionValues(PLAN_OPTIONS, parsedOptions), words),
  );
}
