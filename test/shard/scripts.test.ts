import { describe, expect, it } from 'vitest';
import { execaSync } from 'execa';
import { localScript, slurmScripts, type ShardedRun } from '../../src/shard/scripts.js';

const run: ShardedRun = {
  command: ['verify', 'drum:width=16,k=6', '--exhaustive', '--rtl', "it's mine.v"],
  shards: 7,
  partsDir: '/shared/parts',
  outDir: '/shared/merged',
  workDir: '/home/me/project',
  axhw: '/usr/bin/node /opt/axhw/bin/axhw.js',
  cpusPerTask: 2,
};
const bashSyntaxOk = (text: string) => execaSync('bash', ['-n'], { input: text, reject: false }).exitCode === 0;

describe('Slurm scripts', () => {
  const s = slurmScripts(run, { jobName: 'axhw-verify', maxRunning: 3, time: '01:00:00', mem: '4G', partition: 'cpu' });

  it('an array job with one task per shard, its index from SLURM_ARRAY_TASK_ID', () => {
    const a = s['shards.sbatch']!;
    expect(a).toMatch(/^#SBATCH --array=0-6%3$/m);
    expect(a).toMatch(/^#SBATCH --cpus-per-task=2$/m);
    expect(a).toMatch(/^#SBATCH --time=01:00:00$/m);
    expect(a).toMatch(/^#SBATCH --mem=4G$/m);
    expect(a).toMatch(/^#SBATCH --partition=cpu$/m);
    expect(a).toMatch(/^#SBATCH --chdir=\/home\/me\/project$/m);
    expect(a).toContain(
      `$AXHW verify drum:width=16,k=6 --exhaustive --rtl 'it'\\''s mine.v' --shard "\${SLURM_ARRAY_TASK_ID}/7" --parts "$PARTS"`,
    );
    // sbatch reads #SBATCH lines only before the first command.
    const lines = a.split('\n');
    const lastDirective = lines.map((l) => l.startsWith('#SBATCH')).lastIndexOf(true);
    expect(lines.slice(1, lastDirective).every((l) => l.startsWith('#'))).toBe(true);
  });

  it('a merge job that runs after every shard succeeded, submitted by submit.sh', () => {
    expect(s['merge.sbatch']).toContain('$AXHW merge "$PARTS" -o /shared/merged');
    expect(s['submit.sh']).toContain('--dependency=afterok:"${array%%;*}"');
    for (const text of Object.values(s)) expect(bashSyntaxOk(text)).toBe(true);
  });

  it('leaves out the limits not given', () => {
    const plain = slurmScripts(run, { jobName: 'x' })['shards.sbatch']!;
    expect(plain).toMatch(/^#SBATCH --array=0-6$/m);
    expect(plain).not.toMatch(/--time|--mem|--partition/);
  });
});

describe('the local script', () => {
  it('runs every shard, at most `parallel` at a time, and merges only when none failed', () => {
    const text = localScript(run, 2)['run-local.sh']!;
    expect(bashSyntaxOk(text)).toBe(true);
    expect(text).toContain('for i in $(seq 0 6); do');
    expect(text).toContain('if [ "$running" -ge 2 ]; then wait -n');
    expect(text.indexOf('exit 1')).toBeLessThan(text.indexOf('$AXHW merge'));
  });

  it('negative control: bash -n rejects a broken script', () => {
    expect(bashSyntaxOk('for i in; do')).toBe(false);
  });
});
