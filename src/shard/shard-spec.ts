import { InvalidArgumentError } from 'commander';

/** One part of a job cut into `count` parts: `index` counts from 0, as Slurm's SLURM_ARRAY_TASK_ID does with --array=0-(n-1). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The most parts a job may be cut into (Slurm caps MaxArraySize at 4,000,001). */
export const MAX_SHARDS = 4_000_000;

/** `--shard i/n` as typed: 0 <= i < n. */
export function toShardSpec(v: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`'${v}' is not a shard i/n: e.g. --shard 0/4 runs the first of 4 parts (i counts from 0).`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InvalidArgumentError(`shard count ${count} must be 1 to ${MAX_SHARDS}.`);
  if (index >= count)
    throw new InvalidArgumentError(
      `shard index ${index} is not below the count ${count}: the parts of ${count} are 0/${count} .. ${count - 1}/${count}.`,
    );
  return { index, count };
}

/**
 * The units of work [first, end) that part `index` of `count` runs out of `units` in all: contiguous and as even
 * as integers allow (sizes differ by at most one), so the parts in index order are the whole in its own order.
 * A part may be empty when there are more parts than units.
 */
export function shardRange(units: number, s: ShardSpec): { first: number; end: number } {
  return { first: Math.floor((s.index * units) / s.count), end: Math.floor(((s.index + 1) * units) / s.count) };
}
