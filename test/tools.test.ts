import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/**
 * Tool versions are asked once per tool file: a fake `make` on PATH counts its runs in a file, so the test
 * sees when the version is asked and when the stored answer is used. Each case imports tools.ts afresh
 * (its in-process memo would otherwise answer first).
 */
describe('toolVersion keeps the answer against the tool file', () => {
  const saved = { path: process.env.PATH, cache: process.env.AXHW_CACHE_DIR };
  let dir: string;
  let tool: string;
  let runs: string;
  const fakeMake = (version: string) => {
    writeFileSync(tool, `#!/bin/sh\necho run >> ${runs}\necho "${version}"\n`);
    chmodSync(tool, 0o755);
  };
  const asked = () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
  const fresh = async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    return (await import('../src/tools.js')).toolVersion;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'axhw-tools-'));
    tool = join(dir, 'bin', 'make');
    runs = join(dir, 'runs.txt');
    writeFileSync(runs, '');
    mkdirSync(join(dir, 'bin'));
    process.env.PATH = `${join(dir, 'bin')}:${saved.path}`;
    process.env.AXHW_CACHE_DIR = join(dir, 'cache');
  });
  afterEach(() => {
    process.env.PATH = saved.path;
    if (saved.cache === undefined) delete process.env.AXHW_CACHE_DIR;
    else process.env.AXHW_CACHE_DIR = saved.cache;
  });

  it('asks once, answers from the cache in a new process, and asks again when the file changes', async () => {
    fakeMake('GNU Make 9.1');
    expect(await (await fresh())('make')).toBe('GNU Make 9.1');
    expect(asked()).toBe(1);
    expect(await (await fresh())('make')).toBe('GNU Make 9.1');
    expect(asked()).toBe(1); // stored
    fakeMake('GNU Make 9.2'); // an upgrade: other bytes, another modification time
    utimesSync(tool, new Date(), new Date(Date.now() + 5000));
    expect(await (await fresh())('make')).toBe('GNU Make 9.2');
    expect(asked()).toBe(2);
  });

  it('a cache folder that cannot be written only means asking again (the version is still given)', async () => {
    fakeMake('GNU Make 9.3');
    process.env.AXHW_CACHE_DIR = join(runs, 'cache'); // under a file: nothing can be created there
    expect(await (await fresh())('make')).toBe('GNU Make 9.3');
    expect(await (await fresh())('make')).toBe('GNU Make 9.3');
    expect(asked()).toBe(2);
  });

  it('a missing tool is still the error naming its package', async () => {
    process.env.PATH = join(dir, 'bin');
    await expect((await fresh())('g++')).rejects.toMatchObject({
      message: expect.stringContaining('g++ was not found on PATH'),
      fix: expect.stringContaining('apt-get install g++'),
    });
  });
});

/** Verilator's builds compile through ccache where it is installed, its objects in the cache folder. */
describe('verilatorMakeEnv', () => {
  const saved = { path: process.env.PATH, cache: process.env.AXHW_CACHE_DIR, off: process.env.AXHW_NO_CCACHE };
  afterEach(() => {
    process.env.PATH = saved.path;
    process.env.AXHW_CACHE_DIR = saved.cache;
    if (saved.off === undefined) delete process.env.AXHW_NO_CCACHE;
    else process.env.AXHW_NO_CCACHE = saved.off;
  });
  const withPath = (hasCcache: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-ccache-'));
    mkdirSync(join(dir, 'bin'));
    if (hasCcache) {
      writeFileSync(join(dir, 'bin', 'ccache'), '#!/bin/sh\nexec "$@"\n');
      chmodSync(join(dir, 'bin', 'ccache'), 0o755);
    }
    process.env.PATH = join(dir, 'bin');
    process.env.AXHW_CACHE_DIR = join(dir, 'cache');
    return dir;
  };

  it('with ccache on PATH: compiles through it, its objects in the cache folder (made)', async () => {
    const dir = withPath(true);
    const { verilatorMakeEnv } = await import('../src/tools.js');
    expect(verilatorMakeEnv()).toEqual({
      MAKEFLAGS: '',
      OBJCACHE: 'ccache',
      CCACHE_DIR: join(dir, 'cache', 'ccache'),
      CCACHE_MAXSIZE: '500M',
    });
    process.env.AXHW_NO_CCACHE = '1';
    expect(verilatorMakeEnv()).toEqual({ MAKEFLAGS: '' });
  });

  it('without ccache, or with a cache folder it cannot make: compiles everything itself', async () => {
    const { verilatorMakeEnv } = await import('../src/tools.js');
    withPath(false);
    expect(verilatorMakeEnv()).toEqual({ MAKEFLAGS: '' });
    const dir = withPath(true);
    writeFileSync(join(dir, 'file'), '');
    process.env.AXHW_CACHE_DIR = join(dir, 'file', 'cache'); // under a file: cannot be made
    expect(verilatorMakeEnv()).toEqual({ MAKEFLAGS: '' });
  });
});
