import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { argv, axhw } from '../helpers/cli.js';
import { sharedRun } from '../helpers/shared-run.js';
import { slurmUnavailable, startSlurm, waitForJob, type SlurmCluster } from '../helpers/slurm.js';
import { differingFiles, EXPERIMENT_RUN_FIELDS, maskRunFields } from '../helpers/same-result.js';
import { VERIFY_RUN_FIELDS } from '../../src/verify/verify.js';

/**
 * A real Slurm: the test starts munged, slurmctld and slurmd itself (test/helpers/slurm.ts), submits the
 * scripts `axhw plan --slurm` writes, and compares the merged results with the unsharded runs'. Skipped, with
 * the reason in its title, only where the daemons cannot start (no slurm-wlm, or not root).
 */
const unavailable = await slurmUnavailable();
let cluster: SlurmCluster;
let dir = '';

describe.skipIf(unavailable !== undefined)(
  `axhw plan --slurm on a one-node Slurm${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'axhw-slurm-jobs-'));
      cluster = await startSlurm();
    }, 60_000);
    afterAll(async () => {
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Plan `words` as n Slurm shards, check the array script with sbatch --test-only, submit, wait for the merge. */
    async function runOnSlurm(words: string[], n: number, name: string) {
      const plan = join(dir, name);
      const p = await axhw(...argv`plan --shards ${n} --slurm --max-running 2 -o ${plan} --merge-out ${join(plan, 'merged')} --`, ...words);
      expect(p.exitCode, p.all).toBe(0);
      const test = await execa('sbatch', ['--test-only', join(plan, 'shards.sbatch')], { env: cluster.env, reject: false, all: true });
      expect(test.exitCode, test.all).toBe(0);
      expect(test.all).toMatch(/Job \d+ to start at/);
      const submit = await execa('bash', [join(plan, 'submit.sh')], { env: cluster.env, reject: false, all: true, cwd: dir });
      expect(submit.exitCode, submit.all).toBe(0);
      const [, array, merge] = /job (\d+), the merge as job (\d+)/.exec(submit.stdout)!;
      const state = await waitForJob(cluster, merge!, 240_000);
      // On failure, the shards' and the merge's own output (slurm-<job>_<task>.out beside the parts).
      const logs = () => execa('sh', ['-c', `tail -n 20 ${join(plan, 'parts')}/slurm-*.out`], { reject: false }).then((x) => x.stdout);
      expect(state, `merge job ${merge} of array ${array}: ${state === 'COMPLETED' ? '' : await logs()}`).toBe('COMPLETED');
      return { plan, merged: join(plan, 'merged') };
    }

    it('a sharded verify as an array job, then the merge job: the unsharded report', async () => {
      const unit = 'drum:width=12,k=4,signed';
      const whole = join(dir, 'verify-whole');
      expect((await axhw('verify', unit, '--quiet', '--report', join(whole, 'verify.json'))).exitCode).toBe(0);
      const r = await runOnSlurm(['verify', unit], 3, 'verify');
      expect(differingFiles(whole, r.merged, VERIFY_RUN_FIELDS)).toEqual([]);
    }, 300_000);

    it('a sharded quick experiment as an array job, then the merge job: the unsharded report folder', async () => {
      // The whole run is the test run's shared one of these words (test/experiments/axtrain.test.ts's). The shards'
      // script adds --quiet, which the merged result records in its command: the one difference allowed.
      const words = argv`experiment axtrain --quick --apps breast-cancer,ionosphere --draws 2`;
      const w = await sharedRun(...words);
      expect(w.exitCode, w.all).toBe(0);
      const r = await runOnSlurm([...words, '-o', w.out], 2, 'axtrain');
      const command = (d: string) => JSON.parse(readFileSync(join(d, 'axtrain.json'), 'utf8')).command as string;
      const [whole, merged] = [command(w.out), command(r.merged)];
      expect(merged).toBe(`${whole} --quiet`);
      expect(differingFiles(w.out, r.merged, [...EXPERIMENT_RUN_FIELDS, 'command'])).toEqual(['axtrain.md']);
      // The Markdown quotes the command (its "Command:" and "Reproduce:" lines): the whole run's text with the merged one.
      const md = (d: string) => maskRunFields('axtrain.md', readFileSync(join(d, 'axtrain.md'), 'utf8'), EXPERIMENT_RUN_FIELDS);
      expect(md(r.merged)).toBe(md(w.out).split(`\`${whole}\``).join(`\`${merged}\``));
    }, 300_000);
  },
);
