import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../util/atomic-write.js';
import { sha256Json } from '../util/hash.js';
import { axhwVersion } from '../paths.js';
import { shardRange, type ShardSpec } from './shard-spec.js';

/** The options that say which part to run and where it goes: not part of the plan (every part of one plan differs in them). */
export const SHARD_FLAGS = ['--shard', '--parts'] as const;

/**
 * A job as a plan of independent units: `job` names the command ('verify', 'experiment axtrain', ...), `command`
 * is its command line without the shard flags (the line the unsharded run would be), `units` how many units of
 * work it has. Its hash binds the parts of one plan together: the same job, command, unit count and axhw version.
 */
export interface Plan {
  job: string;
  command: string[];
  units: number;
  /** What one unit is, in words ('batches of 65,536 operand pairs', 'applications'). */
  unit: string;
}

export const planHash = (p: Plan, axhw = axhwVersion()): string =>
  sha256Json({ job: p.job, command: p.command, units: p.units, unit: p.unit, axhw });

/** Whether a command-line word gives `flag`: the flag itself (its value the next word) or `flag=value`. */
export const givesFlag = (word: string, flag: string): boolean => word === flag || word.startsWith(`${flag}=`);

/** A command line's words without the shard flags and their values (`--shard 2/7`, `--parts=dir`). */
export function withoutShardFlags(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if ((SHARD_FLAGS as readonly string[]).includes(w)) i++;
    else if (!SHARD_FLAGS.some((f) => givesFlag(w, f))) out.push(w);
  }
  return out;
}

export const partSchema = z.object({
  format: z.literal('axhw-shard-part'),
  version: z.literal(1),
  plan: z.object({
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    job: z.string(),
    command: z.array(z.string()),
    units: z.number().int().nonnegative(),
    unit: z.string(),
  }),
  shard: z.object({
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    first: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
  }),
  provenance: z.object({ axhw: z.string(), node: z.string(), host: z.string(), pid: z.number().int(), written: z.string() }),
  /** sha256 of the payload (keys sorted): a part edited or cut short after it was written is refused. */
  payloadHash: z.string().regex(/^[0-9a-f]{64}$/),
  payload: z.unknown(),
});
export type Part = z.infer<typeof partSchema>;

/** A part's file name in its folder: the parts of one plan can share a folder or each have their own. */
export const partFileName = (s: ShardSpec): string => `part-${s.index}-of-${s.count}.json`;
export const PART_FILE = /^part-\d+-of-\d+\.json$/;

/** Write part `s` of `plan` with its payload (the command's partial result) into `dir`; returns the file. */
export function writePart(dir: string, plan: Plan, s: ShardSpec, payload: unknown): string {
  const part: Part = {
    format: 'axhw-shard-part',
    version: 1,
    plan: { hash: planHash(plan), ...plan },
    shard: { index: s.index, count: s.count, ...shardRange(plan.units, s) },
    provenance: { axhw: axhwVersion(), node: process.version, host: hostname(), pid: process.pid, written: new Date().toISOString() },
    payloadHash: sha256Json(payload),
    payload,
  };
  const file = join(dir, partFileName(s));
  writeAtomic(file, JSON.stringify(part) + '\n');
  return file;
}
