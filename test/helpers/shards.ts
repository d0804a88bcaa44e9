import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { axhw } from './cli.js';

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
