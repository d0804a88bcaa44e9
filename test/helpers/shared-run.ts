import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { axhwIn } from './cli.js';

/** What a shared run gave: its exit code and output, and the report folder it wrote (read it; copy it to change it). */
export interface SharedRun {
  exitCode: number;
  all: string;
  stdout: string;
  stderr: string;
  out: string;
}

/**
 * `axhw ...args -o <folder>` run once per test run, whichever test file asks first; a file that asks while it runs
 * waits for it. Test files that need the same command (an experiment's own test, the documented line, the whole
 * run a sharded one is compared with) read one run instead of paying for it each: the command is the same but for
 * its output folder, and a second run in another process would prove nothing the shard comparisons do not
 * (test/cli/scale-out-experiments.test.ts runs the same commands as shards, in other processes).
 *
 * Runs live in the test run's temporary folder (test/setup/temp-dir.ts), so nothing is shared across runs of
 * different code. Without it (a run not started by vitest's setup) each process gets its own folder: correct, not shared.
 */
export async function sharedRun(...args: string[]): Promise<SharedRun> {
  if (args.includes('-o') || args.includes('--out')) throw new Error('sharedRun picks the output folder: leave -o out of its arguments');
  const dir = sharedRunDir(args);
  const record = join(dir, 'run.json');
  let first = true;
  try {
    mkdirSync(dir); // atomic: the one process that makes the folder runs the command
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    first = false;
  }
  if (first) {
    const out = join(dir, 'out');
    const r = await axhwIn(dir, ...args, '-o', out);
    const run: SharedRun = { exitCode: r.exitCode ?? -1, all: r.all ?? '', stdout: r.stdout, stderr: r.stderr, out };
    writeFileSync(`${record}.part`, JSON.stringify(run));
    renameSync(`${record}.part`, record);
    return run;
  }
  const since = Date.now();
  while (!existsSync(record)) {
    if (Date.now() - since > 30 * 60_000) throw new Error(`waited 30 minutes for the shared run of axhw ${args.join(' ')} (${dir})`);
    await sleep(250);
  }
  return JSON.parse(readFileSync(record, 'utf8')) as SharedRun;
}

/** The folder of the shared run of `args`: its report folder `out/` and, once it has ended, `run.json` (a SharedRun). */
export function sharedRunDir(args: readonly string[]): string {
  return join(sharedRoot(), createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 20));
}

let perProcess: string | undefined;
function sharedRoot(): string {
  const run = process.env['AXHW_TEST_RUN_TMP'];
  if (!run) return (perProcess ??= mkdtempSync(join(tmpdir(), 'axhw-shared-runs-')));
  const root = join(run, 'shared-runs');
  mkdirSync(root, { recursive: true });
  return root;
}
