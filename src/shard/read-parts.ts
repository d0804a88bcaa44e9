import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AxhwError } from '../errors.js';
import { sha256Json } from '../util/hash.js';
import { axhwVersion } from '../paths.js';
import { PART_FILE, partFileName, partSchema, planHash, type Part } from './part.js';
import { shardRange } from './shard-spec.js';

const rerun = (p: Pick<Part, 'plan'>, index: number, count: number, dir: string) =>
  `${['axhw', ...p.plan.command].join(' ')} --shard ${index}/${count} --parts ${dir}`;

/** The part files named on the command line: a folder gives every part-<i>-of-<n>.json in it, a file itself. */
function partFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p))
      throw new AxhwError(`${p} does not exist.`, 'Give the folders the shards wrote their parts to (their --parts), or the part files.');
    if (statSync(p).isFile()) {
      files.push(p);
      continue;
    }
    const found = readdirSync(p)
      .filter((f) => PART_FILE.test(f))
      .sort();
    if (found.length === 0)
      throw new AxhwError(
        `${p} holds no part files (part-<i>-of-<n>.json).`,
        'Give the folders the sharded runs wrote to (their --parts <dir>), after the runs finished.',
      );
    files.push(...found.map((f) => join(p, f)));
  }
  return files;
}

/** One part file, parsed and checked: JSON, the part schema, its own payload hash, and a shard range that fits its plan. */
function readPart(file: string): Part {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AxhwError(
      `Part ${file} is corrupt: not readable JSON (${(e as Error).message}).`,
      'Run that shard again (its command is in the other parts, with its --shard i/n), then merge again.',
    );
  }
  const r = partSchema.safeParse(json);
  if (!r.success)
    throw new AxhwError(
      `Part ${file} is corrupt: it is not an axhw part file (${r.error.issues
        .slice(0, 2)
        .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
        .join('; ')}).`,
      'Run that shard again, or leave the file out of the merge if it is not a part.',
    );
  const p = r.data;
  const { index, count } = p.shard;
  const range = shardRange(p.plan.units, p.shard);
  const dir = dirname(file);
  if (sha256Json(p.payload) !== p.payloadHash || p.plan.hash !== planHash(p.plan, p.provenance.axhw))
    throw new AxhwError(
      `Part ${file} is corrupt: its content does not match the hash it was written with (edited or cut short after the run).`,
      `Run shard ${index}/${count} again: ${rerun(p, index, count, dir)}`,
    );
  if (index >= count || range.first !== p.shard.first || range.end !== p.shard.end)
    throw new AxhwError(
      `Part ${file} is corrupt: shard ${index}/${count} of ${p.plan.units} units does not fit its plan.`,
      `Run it again: ${rerun(p, index, count, dir)}`,
    );
  return p;
}

/**
 * The parts of one plan, checked complete and in shard order: every part from the same plan (hash), each
 * shard 0..n-1 present exactly once. Anything else is refused naming the part and the fix; nothing is merged.
 */
export function readParts(paths: readonly string[]): { parts: Part[]; files: string[] } {
  const files = partFiles(paths);
  const read = files.map((f) => ({ file: f, part: readPart(f) }));
  const first = read[0]!;
  for (const r of read) {
    if (r.part.plan.hash === first.part.plan.hash) continue;
    const other = r.part.provenance.axhw !== first.part.provenance.axhw ? ` (written by axhw ${r.part.provenance.axhw})` : '';
    throw new AxhwError(
      `Part ${r.file} belongs to another plan${other} than ${first.file}: '${['axhw', ...r.part.plan.command].join(' ')}' ` +
        `(${r.part.plan.units} units, hash ${r.part.plan.hash.slice(0, 12)}) against '${['axhw', ...first.part.plan.command].join(' ')}' ` +
        `(${first.part.plan.units} units, hash ${first.part.plan.hash.slice(0, 12)}).`,
      'Merge the parts of one plan only: give each plan its own --parts folder, or remove the stray part.',
    );
  }
  const count = first.part.shard.count;
  const byIndex = new Map<number, string>();
  for (const r of read) {
    if (r.part.shard.count !== count)
      throw new AxhwError(
        `Part ${r.file} is shard ${r.part.shard.index}/${r.part.shard.count}, but ${first.file} is one of ${count}: ` +
          'the parts come from two cuts of the job.',
        `Merge the parts of one cut only: keep the folder of the ${count}-part run or of the ${r.part.shard.count}-part run.`,
      );
    const seen = byIndex.get(r.part.shard.index);
    if (seen)
      throw new AxhwError(
        `Shard ${r.part.shard.index}/${count} is given twice: ${seen} and ${r.file}.`,
        'Give each part once: remove one of the two files, or name each folder once.',
      );
    byIndex.set(r.part.shard.index, r.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const dir = paths[0] && existsSync(paths[0]) && statSync(paths[0]).isDirectory() ? paths[0] : '<dir>';
    throw new AxhwError(
      `${missing.length} of ${count} parts are missing: shard ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} ` +
        `(${missing
          .map((i) => partFileName({ index: i, count }))
          .slice(0, 3)
          .join(', ')}${missing.length > 3 ? ', ...' : ''}).`,
      `Run the missing shards, e.g. ${rerun(first.part, missing[0]!, count, dir)}, then merge again.`,
    );
  }
  if (first.part.provenance.axhw !== axhwVersion())
    throw new AxhwError(
      `The parts were written by axhw ${first.part.provenance.axhw}; this is axhw ${axhwVersion()}.`,
      'Merge with the axhw version that ran the shards, or run them again with this one.',
    );
  read.sort((x, y) => x.part.shard.index - y.part.shard.index);
  return { parts: read.map((r) => r.part), files: read.map((r) => r.file) };
}
