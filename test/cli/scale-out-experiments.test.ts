import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv } from '../helpers/cli.js';
import { shardAndMerge, TETRIS_TEST_WORDS } from '../helpers/shards.js';
import { differingFiles, EXPERIMENT_RUN_FIELDS } from '../helpers/same-result.js';
import { requireTool } from '../helpers/tools.js';
import { sharedRun } from '../helpers/shared-run.js';

/**
 * Experiments as shards, merged: the unsharded report folder but for the time taken (the commands' own in scale-out.test.ts).
 * Each comparison is also the experiment's reproducibility check (the same work in other processes gives the same
 * files): test/experiments/axtrain.test.ts, axnet.test.ts and tetris.test.ts rely on it and do not run their commands twice. The whole
 * runs are the test run's shared ones (test/helpers/shared-run.ts), which those tests and the documented lines read.
 */
let dir = '';
beforeAll(() => {
  requireTool('verilator');
  dir = mkdtempSync(join(tmpdir(), 'axhw-scale-out-exp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('axhw experiment axtrain --shard i/n, then axhw merge', () => {
  const words = argv`experiment axtrain --quick --apps breast-cancer,ionosphere --draws 2`;

  it('writes the unsharded report folder: every file the same but for the time taken and the creation time', async () => {
    const r = await sharedRun(...words);
    expect(r.exitCode, r.all).toBe(0);
    const whole = r.out;
    // Seven shards of two applications: one application a shard, and five empty shards. Each n reruns the whole
    // experiment's work, so one n; how jobs fall to shards for every n is test/shard/shard-spec.test.ts's,
    // exhaustively (test/shard/slurm.test.ts runs the same words as two shards).
    for (const n of [7]) {
      const out = join(dir, `axtrain-merged-${n}`);
      // The whole run's words exactly (the result records them): no --quiet.
      const { merge } = await shardAndMerge(dir, [...words, '-o', whole], n, out);
      expect(merge.exitCode, merge.all).toBe(0);
      expect(differingFiles(whole, out, EXPERIMENT_RUN_FIELDS)).toEqual([]);
      // The merged result records the unsharded command, as the unsharded run does.
      expect(JSON.parse(readFileSync(join(out, 'axtrain.json'), 'utf8')).command).not.toContain('--shard');
    }
  });
});

describe('axhw experiment tetris --shard i/n (its networks), then axhw merge', () => {
  // test/experiments/tetris.test.ts's run: two networks, bc-bp also costed at gate level on the MAC and SAC PEs
  // (training, kneading analysis, the SAC PE's RTL and the gate-level costs in the shards).
  it('writes the unsharded report folder, one network a shard and an empty shard', async () => {
    const r = await sharedRun(...TETRIS_TEST_WORDS);
    expect(r.exitCode, r.all).toBe(0);
    const whole = r.out;
    // Three shards of two networks: each network in a shard of its own, and one shard with none.
    const out = join(dir, 'tetris-merged-3');
    const { merge } = await shardAndMerge(dir, [...TETRIS_TEST_WORDS, '-o', whole], 3, out);
    expect(merge.exitCode, merge.all).toBe(0);
    expect(differingFiles(whole, out, EXPERIMENT_RUN_FIELDS)).toEqual([]);
  });
});

describe('axhw experiment axnet --shard i/n (jobs of five kinds), then axhw merge', () => {
  it('writes the unsharded report folder but for the training times and what is derived from them', async () => {
    const words = argv`experiment axnet --quick`;
    const w = await sharedRun(...words);
    expect(w.exitCode, w.all).toBe(0);
    const whole = w.out;
    const out = join(dir, 'axnet-merged');
    // 20 jobs in 3 shards: each shard holds jobs of several kinds, one of them the NPU runs.
    const { merge } = await shardAndMerge(dir, [...words, '-o', whole], 3, out);
    expect(merge.exitCode, merge.all).toBe(0);
    // The Markdown renders the same JSON, so its only differences are those times (axnetDocument).
    const times = ['seconds', 'trainSeconds', 'trainingTimeReductionVsIterative', 'createdAt'];
    expect(differingFiles(whole, out, times)).toEqual(['axnet.md']);
    const r = JSON.parse(readFileSync(join(out, 'axnet.json'), 'utf8'));
    expect([r.functions.length, r.fusion.length, r.hardware.length, r.npu.length]).toEqual([7, 6, 8, 2]);
  });
});
