import { describe, expect, it } from 'vitest';
import { shardRange, toShardSpec } from '../../src/shard/shard-spec.js';

describe('--shard i/n', () => {
  it('reads i/n with i from 0 below n', () => {
    expect(toShardSpec('0/1')).toEqual({ index: 0, count: 1 });
    expect(toShardSpec(' 6/7 ')).toEqual({ index: 6, count: 7 });
  });

  it.each(['7/7', '1/0', '-1/3', '1/2/3', '1', 'a/b', '1.5/3', '0/4000001'])('refuses %s naming the form', (v) => {
    expect(() => toShardSpec(v)).toThrow(/shard|count|index/);
  });
});

describe('shard ranges', () => {
  it('cut every unit count into contiguous parts in order, sizes differing by at most one', () => {
    for (const units of [0, 1, 2, 3, 5, 7, 10, 64, 255, 256, 1000, 65_536])
      for (const count of [1, 2, 3, 4, 7, 16, 100]) {
        const parts = Array.from({ length: count }, (_, index) => shardRange(units, { index, count }));
        expect(parts[0]!.first).toBe(0);
        expect(parts.at(-1)!.end).toBe(units);
        for (let i = 1; i < count; i++) expect(parts[i]!.first).toBe(parts[i - 1]!.end);
        const sizes = parts.map((p) => p.end - p.first);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it('leaves a part empty only when there are more parts than units', () => {
    expect(shardRange(3, { index: 1, count: 7 })).toEqual({ first: 0, end: 0 });
    expect(shardRange(7, { index: 6, count: 7 })).toEqual({ first: 6, end: 7 });
  });
});
