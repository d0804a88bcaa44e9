import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { axhw } from './cli.js';

/**
 * Tetris's experiment test (two networks, one of them costed at gate level on the MAC and SAC PEs): the test run's
 * shared run, which test/cli/scale-out-experiments.test.ts also runs as shards and compares.
 */
export const TETRIS_TEST_WORDS = ['experiment', 'tetris', '--quick', '--networks', 'bc-bp,lenet', '--groups', '4,8'];

/** Run `words` as n shards into a fresh parts folder under `dir` (each must exit 0), then merge them into `out`. */
export async function shardAndMerge(dir: string, words: string[], n: number, out: string) {
  const parts = join(dir, `parts-${n}-${Math.random().toString(36).slice(2)}`);
  for (let i = 0; i < n; i++) {
    const r = await axhw(...words, '--shard', `${i}/${n}`, '--parts', parts);
    expect(r.exitCode, r.all).toBe(0);
  }
  expect(readdirSync(parts).filter((f) => f.startsWith('part-'))).toHaveLength(n);
  return { parts, merge: await axhw('merge', parts, '-o', out) };
}
