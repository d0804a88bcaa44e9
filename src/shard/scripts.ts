import { shellWord } from '../util/shell-word.js';

/** What a run script needs: the job's command words, how many shards, and where parts, logs and the result go (absolute). */
export interface ShardedRun {
  /** The command without `axhw` and without shard flags (e.g. ['verify', 'drum:width=16,k=4', '--exhaustive']). */
  command: string[];
  shards: number;
  partsDir: string;
  outDir: string;
  /** Folder the commands run in (relative paths in the command are relative to it). */
  workDir: string;
  /** How to start axhw on the nodes (default: the node and CLI that wrote the plan; $AXHW overrides it). */
  axhw: string;
  cpusPerTask: number;
}

export interface SlurmOptions {
  /** Most array tasks running at once (sbatch --array=0-(n-1)%m). */
  maxRunning?: number;
  time?: string;
  mem?: string;
  partition?: string;
  jobName: string;
}

const header = (r: ShardedRun) => [
  'set -euo pipefail',
  `cd ${shellWord(r.workDir)}`,
  `AXHW=\${AXHW:-${shellWord(r.axhw)}}`,
  `PARTS=${shellWord(r.partsDir)}`,
];
const shardLine = (r: ShardedRun, index: string) =>
  `$AXHW ${r.command.map(shellWord).join(' ')} --shard "${index}/${r.shards}" --parts "$PARTS" --quiet`;
const mergeLine = (r: ShardedRun) => `$AXHW merge "$PARTS" -o ${shellWord(r.outDir)}`;

/**
 * Slurm: an array job with one task per shard (SLURM_ARRAY_TASK_ID is the shard index), a merge job that
 * runs after every task succeeded (--dependency=afterok), and submit.sh that submits both.
 */
export function slurmScripts(r: ShardedRun, o: SlurmOptions): Record<string, string> {
  const common = [
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.mem ? [`#SBATCH --mem=${o.mem}`] : []),
    `#SBATCH --chdir=${r.workDir}`,
  ];
  const shards = [
    '#!/usr/bin/env bash',
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=0-${r.shards - 1}${o.maxRunning ? `%${o.maxRunning}` : ''}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${r.cpusPerTask}`,
    `#SBATCH --output=${r.partsDir}/slurm-%A_%a.out`,
    ...common,
    '# One shard per array task: its part file goes to $PARTS (a shared file system), the merge job joins them.',
    ...header(r),
    shardLine(r, '${SLURM_ARRAY_TASK_ID}'),
    '',
  ].join('\n');
  const merge = [
    '#!/usr/bin/env bash',
    `#SBATCH --job-name=${o.jobName}-merge`,
    '#SBATCH --ntasks=1',
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --output=${r.partsDir}/slurm-merge-%j.out`,
    ...common,
    ...header(r),
    mergeLine(r),
    '',
  ].join('\n');
  const submit = [
    '#!/usr/bin/env bash',
    '# Submit the shards as an array job and the merge as a job that runs once all of them succeeded.',
    'set -euo pipefail',
    'here=$(cd "$(dirname "$0")" && pwd)',
    `mkdir -p ${shellWord(r.partsDir)}`,
    'array=$(sbatch --parsable "$here/shards.sbatch")',
    'merge=$(sbatch --parsable --dependency=afterok:"${array%%;*}" "$here/merge.sbatch")',
    'echo "submitted shards as job $array, the merge as job $merge (after all shards succeed)"',
    '',
  ].join('\n');
  return { 'shards.sbatch': shards, 'merge.sbatch': merge, 'submit.sh': submit };
}

/** This machine: `parallel` shards at a time (each may use several cores), then the merge once all of them wrote their parts. */
export function localScript(r: ShardedRun, parallel: number): Record<string, string> {
  const script = [
    '#!/usr/bin/env bash',
    `# ${r.shards} shards, ${parallel} at a time; each shard's output in $PARTS/shard-<i>.log; then the merge.`,
    ...header(r),
    'mkdir -p "$PARTS"',
    `run_shard() { ${shardLine(r, '$1')} > "$PARTS/shard-$1.log" 2>&1; }`,
    'running=0',
    'failed=0',
    `for i in $(seq 0 ${r.shards - 1}); do`,
    '  run_shard "$i" &',
    '  running=$((running + 1))',
    `  if [ "$running" -ge ${parallel} ]; then wait -n || failed=$((failed + 1)); running=$((running - 1)); fi`,
    'done',
    'while [ "$running" -gt 0 ]; do wait -n || failed=$((failed + 1)); running=$((running - 1)); done',
    'if [ "$failed" -gt 0 ]; then echo "$failed shard(s) failed: see $PARTS/shard-<i>.log" >&2; exit 1; fi',
    mergeLine(r),
    '',
  ].join('\n');
  return { 'run-local.sh': script };
}
