import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
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
