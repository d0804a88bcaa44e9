import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { cachedEntry, checkCacheDir } from '../../src/util/cache-entry.js';
import { checkOutputDir, checkOutputFile } from '../../src/util/output-path.js';
import { AxhwError } from '../../src/errors.js';

const saved = process.env.AXHW_CACHE_DIR;
afterEach(() => {
  process.env.AXHW_CACHE_DIR = saved;
});

/** A pid that no process has: one of a child that has already exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
}

describe('cache entries', () => {
  it('computes once, then hits; temp folders of dead processes are removed, those of live ones kept', async () => {
    const root = mkdtempSync(join(tmpdir(), 'axhw-cache-'));
    process.env.AXHW_CACHE_DIR = root;
    mkdirSync(join(root, 'kind'), { recursive: true });
    const dead = join(root, 'kind', `x-0123456789abcdef.tmp-${deadPid()}-deadbeef`);
    const live = join(root, 'kind', `y-0123456789abcdef.tmp-${process.ppid}-cafef00d`);
    mkdirSync(dead);
    mkdirSync(live);
    let runs = 0;
    const compute = async (dir: string) => {
      runs++;
      writeFileSync(join(dir, 'out.txt'), 'x');
      return 42;
    };
    const a = await cachedEntry('kind', 'thing', 'k'.repeat(64), compute);
    const b = await cachedEntry('kind', 'thing', 'k'.repeat(64), compute);
    expect([a.value, a.cached, b.value, b.cached, runs]).toEqual([42, false, 42, true, 1]);
    expect(existsSync(join(a.dir, 'out.txt'))).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    // A failed computation leaves nothing behind.
    await expect(cachedEntry('kind', 'bad', 'b'.repeat(64), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(readdirSync(join(root, 'kind')).filter((n) => n.startsWith('bad'))).toEqual([]);
  });

  it('on a cache shared by several machines: only this host judges its own temps by pid; others age out after a day', async () => {
    const root = mkdtempSync(join(tmpdir(), 'axhw-cache-'));
    process.env.AXHW_CACHE_DIR = root;
    const kind = join(root, 'shared');
    mkdirSync(kind, { recursive: true });
    const here = hostname().replace(/[^\w.-]/g, '_');
    const deadHere = join(kind, `a-0123456789abcdef.tmp-${here}-${deadPid()}-deadbeef`);
    // The same dead pid on another machine may be a live build there: kept while it is younger than a day.
    const otherFresh = join(kind, `b-0123456789abcdef.tmp-node-17.cluster-${deadPid()}-cafef00d`);
    const otherOld = join(kind, `c-0123456789abcdef.tmp-node-18-${deadPid()}-0badf00d`);
    for (const d of [deadHere, otherFresh, otherOld]) mkdirSync(d);
    const old = new Date(Date.now() - 25 * 3600 * 1000);
    utimesSync(otherOld, old, old);
    await cachedEntry('shared', 'thing', 's'.repeat(64), async () => 1);
    expect([existsSync(deadHere), existsSync(otherFresh), existsSync(otherOld)]).toEqual([false, true, false]);
  });

  it('keeps the entry another process finished first (readers may be using it) and drops its own', async () => {
    process.env.AXHW_CACHE_DIR = mkdtempSync(join(tmpdir(), 'axhw-cache-'));
    const key = 'r'.repeat(64);
    const r = await cachedEntry('race', 'thing', key, async (tmp) => {
      // While this computes, another shard installs the same entry.
      const theirs = join(tmp, '..', `thing-${key.slice(0, 16)}`);
      mkdirSync(theirs);
      writeFileSync(join(theirs, 'out.txt'), 'theirs');
      writeFileSync(join(theirs, 'result.json'), JSON.stringify({ key, value: 'theirs' }));
      writeFileSync(join(tmp, 'out.txt'), 'ours');
      return 'ours';
    });
    expect(r.value).toBe('theirs');
    expect(readFileSync(join(r.dir, 'out.txt'), 'utf8')).toBe('theirs');
    expect(readdirSync(join(r.dir, '..'))).toEqual([`thing-${key.slice(0, 16)}`]);
  });

  it('a cache root that is a file is a clear error with the fix, up front and on use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-cache-'));
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    process.env.AXHW_CACHE_DIR = file;
    expect(checkCacheDir).toThrow(AxhwError);
    expect(checkCacheDir).toThrow(/The build cache .*not-a-folder is a file; a folder is expected here/);
    await expect(cachedEntry('kind', 'n', 'k'.repeat(64), async () => 1)).rejects.toThrow(
      /The build cache .* cannot be created \(ENOTDIR\)/,
    );
  });
});

describe('output paths', () => {
  it('accepts new and existing paths it can write, and names the problem otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-out-'));
    writeFileSync(join(dir, 'file'), 'x');
    mkdirSync(join(dir, 'folder'));
    expect(() => checkOutputFile(join(dir, 'new', 'deeper', 't.npy'), '-o')).not.toThrow();
    expect(() => checkOutputFile(join(dir, 'file'), '-o')).not.toThrow(); // overwritten
    expect(() => checkOutputDir(join(dir, 'folder'), '-o')).not.toThrow();
    expect(() => checkOutputDir(join(dir, 'a', 'b'), '-o')).not.toThrow();
    expect(() => checkOutputFile(join(dir, 'folder'), '-o')).toThrow(/is a folder; a file is expected here/);
    expect(() => checkOutputDir(join(dir, 'file'), '-o')).toThrow(/is a file; a folder is expected here/);
    expect(() => checkOutputDir(join(dir, 'file', 'sub'), '-o')).toThrow(/cannot be created: .*file is a file, not a folder/);
    // Nothing was created by the checks, and their probe files are gone.
    expect(readdirSync(dir).sort()).toEqual(['file', 'folder']);
    expect(readdirSync(join(dir, 'folder'))).toEqual([]);
  });

  it('a read-only file system is caught even for root (a probe write, not permission bits)', () => {
    let writable = true;
    try {
      writeFileSync('/sys/.axhw-probe', '');
    } catch {
      writable = false;
    }
    if (writable) return; // not read-only here: nothing to show
    expect(() => checkOutputDir('/sys/axhw-out', '-o')).toThrow(/cannot write in \/sys/);
  });
});
