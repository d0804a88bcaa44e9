// verify's sizes alone, apart from the simulator code: the CLI's help reads them without loading it.

/** Every pair is checked when there are at most 2^this many. */
export const DEFAULT_EXHAUSTIVE_LOG2 = 24;
/** Random pairs after the corner cases, per run. */
export const DEFAULT_RANDOM_VECTORS = 1_000_000;
/** --exhaustive goes up to 2^this many pairs (16 x 16 bits) in one run. */
export const MAX_EXHAUSTIVE_LOG2 = 32;
/** ... and up to 2^this many in one shard of a sharded run (--shard i/n): a 2^48 sweep in 256 shards. */
export const MAX_SHARD_EXHAUSTIVE_LOG2 = 40;
