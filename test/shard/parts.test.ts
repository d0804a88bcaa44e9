import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planHash, withoutShardFlags, writePart, type Plan } from '../../src/shard/part.js';
import { readParts } from '../../src/shard/read-parts.js';
import { AxhwError } from '../../src/errors.js';

const plan: Plan = { job: 'verify', command: ['verify', 'drum:width=8,k=4'], units: 10, unit: 'batches' };
let dir = '';
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'axhw-parts-')));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every part of `p` into `d`, each payload naming its shard. */
const writeAll = (d: string, p: Plan, count: number) =>
  Array.from({ length: count }, (_, index) => writePart(d, p, { index, count }, { index, values: [index, index * 2] }));

/** The refusal readParts gives, as an AxhwError with its exit code 2 and a fix. */
function refusal(paths: string[]): AxhwError {
  try {
    readParts(paths);
  } catch (e) {
    expect(e).toBeInstanceOf(AxhwError);
    expect((e as AxhwError).exitCode).toBe(2);
    expect((e as AxhwError).fix).toBeTruthy();
    return e as AxhwError;
  }
  throw new Error('readParts accepted the parts');
}

describe('part files', () => {
  it('come back complete and in shard order from one folder or several, and from the files themselves', () => {
    fresh();
    const files = writeAll(dir, plan, 7);
    const a = readParts([dir]);
    expect(a.parts.map((p) => p.shard.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(a.parts.map((p) => [p.shard.first, p.shard.end])).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
      [4, 5],
      [5, 7],
      [7, 8],
      [8, 10],
    ]);
    expect(a.parts[3]!.payload).toEqual({ index: 3, values: [3, 6] });
    // The same parts split over two folders, given in reverse order.
    const other = join(dir, 'b');
    mkdirSync(other);
    for (const f of files.slice(4)) renameSync(f, join(other, f.split('/').pop()!));
    expect(readParts([other, dir]).parts.map((p) => p.shard.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(readParts([...files.slice(0, 4)].reverse().concat(other)).parts).toHaveLength(7);
  });

  it('refuse a missing shard, naming it and the command that runs it', () => {
    fresh();
    const files = writeAll(dir, plan, 7);
    rmSync(files[5]!);
    const e = refusal([dir]);
    expect(e.message).toMatch(/1 of 7 parts are missing: shard 5 \(part-5-of-7\.json\)/);
    expect(e.fix).toContain('axhw verify drum:width=8,k=4 --shard 5/7 --parts');
  });

  it('refuse a shard given twice', () => {
    fresh();
    writeAll(dir, plan, 3);
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    writePart(copy, plan, { index: 1, count: 3 }, { index: 1, values: [1, 2] });
    expect(refusal([dir, copy]).message).toMatch(/Shard 1\/3 is given twice/);
  });

  it('refuse a part of another plan: another command, unit count or shard count', () => {
    for (const other of [
      { ...plan, command: ['verify', 'drum:width=8,k=5'] },
      { ...plan, units: 11 },
      { ...plan, job: 'experiment axtrain' },
    ]) {
      fresh();
      writeAll(dir, plan, 3);
      writePart(join(dir, 'x'), other, { index: 2, count: 3 }, {});
      expect(refusal([dir, join(dir, 'x', 'part-2-of-3.json')]).message).toMatch(/belongs to another plan/);
      rmSync(dir, { recursive: true });
    }
    fresh();
    writeAll(dir, plan, 3);
    writePart(join(dir, 'y'), plan, { index: 3, count: 4 }, {});
    // Same plan, another cut: shards 0..2 of 3 and 3 of 4 do not make a whole.
    expect(refusal([dir, join(dir, 'y')]).message).toMatch(/is shard 3\/4, but .* is one of 3: the parts come from two cuts/);
  });

  it('refuse a corrupt part: not JSON, cut short, not a part, or its payload edited', () => {
    const cases: [string, (text: string) => string, RegExp][] = [
      ['not JSON', () => 'garbage', /not readable JSON/],
      ['cut short', (t) => t.slice(0, t.length / 2), /not readable JSON/],
      ['not a part', () => JSON.stringify({ hello: 1 }), /not an axhw part file/],
      ['payload edited', (t) => t.replace('"values":[2,4]', '"values":[2,5]'), /does not match the hash/],
      ['plan edited', (t) => t.replace('"units":10', '"units":12'), /does not match the hash/],
    ];
    for (const [, edit, message] of cases) {
      fresh();
      const files = writeAll(dir, plan, 3);
      writeFileSync(files[2]!, edit(readFileSync(files[2]!, 'utf8')));
      const e = refusal([dir]);
      expect(e.message).toMatch(message);
      expect(e.message).toContain('part-2-of-3.json');
      rmSync(dir, { recursive: true });
    }
  });

  it('refuse a folder without parts and a path that does not exist', () => {
    fresh();
    expect(refusal([dir]).message).toMatch(/holds no part files/);
    expect(refusal([join(dir, 'nope')]).message).toMatch(/does not exist/);
  });

  it('bind a plan by its job, command, units and axhw version', () => {
    expect(planHash(plan)).toBe(planHash({ ...plan }));
    expect(planHash(plan)).not.toBe(planHash({ ...plan, units: 11 }));
    expect(planHash(plan)).not.toBe(planHash(plan, '0.0.0-other'));
  });
});

describe('the plan command of a shard', () => {
  it('is its command line without --shard and --parts in either form', () => {
    expect(withoutShardFlags(['verify', 'x', '--shard', '1/3', '--parts', 'p', '--vectors', '9'])).toEqual([
      'verify',
      'x',
      '--vectors',
      '9',
    ]);
    expect(withoutShardFlags(['experiment', 'axtrain', '--shard=0/2', '--parts=/tmp/p', '--quick'])).toEqual([
      'experiment',
      'axtrain',
      '--quick',
    ]);
  });
});
