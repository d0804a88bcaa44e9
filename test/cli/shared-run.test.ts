import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sharedRun, sharedRunDir, type SharedRun } from '../helpers/shared-run.js';

/** The test helper that runs a command once per test run for every test file that asks (test/helpers/shared-run.ts). */
describe('sharedRun', () => {
  it('runs a command once for callers that ask at the same time, and each its own for other arguments', async () => {
    const args = ['gen', 'drum', '--width', '6', '--k', '3'];
    const [a, b] = await Promise.all([sharedRun(...args), sharedRun(...args)]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b).toEqual(a);
    expect(readdirSync(a.out).some((f) => f.endsWith('.v'))).toBe(true);
    const other = await sharedRun('gen', 'drum', '--width', '6', '--k', '4');
    expect(other.out).not.toBe(a.out);
    expect(readdirSync(other.out)).not.toEqual(readdirSync(a.out));
  }, 60_000);

  it('a caller that finds the run under way waits for its record instead of running it again', async () => {
    const args = ['gen', 'drum', '--width', '6', '--k', '5'];
    const dir = sharedRunDir(args);
    mkdirSync(dir, { recursive: true }); // another process has begun it
    const waiting = sharedRun(...args);
    await sleep(600);
    const record: SharedRun = { exitCode: 7, all: 'made elsewhere', stdout: '', stderr: '', out: join(dir, 'out') };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
    expect(await waiting).toEqual(record);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 60_000);

  it('refuses an output folder of its own: it chooses it', async () => {
    await expect(sharedRun('gen', 'drum', '-o', 'x')).rejects.toThrow(/leave -o out/);
  });
});
