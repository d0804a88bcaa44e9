import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cacheRoot } from '../paths.js';
import { AxhwError } from '../errors.js';
import { checkOutputDir } from './output-path.js';

/**
 * A content-addressed cache entry: a folder under $AXHW_CACHE_DIR/<kind>/ named by the key, holding the
 * files `compute` writes and its JSON result. Computed in a private temp folder and renamed into place,
 * so a failure leaves nothing and concurrent computations of the same key cannot corrupt each other.
 */
export async function cachedEntry<T>(
  kind: string,
  name: string,
  key: string,
  compute: (dir: string) => Promise<T>,
): Promise<{ value: T; dir: string; cached: boolean }> {
  const base = join(cacheRoot(), kind);
  const dir = join(base, `${name}-${key.slice(0, 16)}`);
  const hit = read<T>(dir, key);
  if (hit !== undefined) return { value: hit, dir, cached: true };
  try {
    mkdirSync(base, { recursive: true });
  } catch (e) {
    throw new AxhwError(
      `The build cache ${base} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      `${CACHE_FIX}.`,
    );
  }
  removeStaleTemps(base);
  // The host is in the name: on a file system shared by several machines, a pid means something only on its own host.
  const tmp = `${dir}.tmp-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  inProgress.add(tmp);
  try {
    const value = await compute(tmp);
    writeFileSync(join(tmp, 'result.json'), JSON.stringify({ key, value }, null, 2));
    // Another process (another shard, maybe on another machine) finished the same entry first: keep its
    // complete entry, which readers may be using, and drop ours. Only an incomplete or stale one is replaced.
    const theirs = read<T>(dir, key);
    if (theirs !== undefined) return { value: theirs, dir, cached: false };
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch {
      if (read<T>(dir, key) === undefined) throw new Error(`could not install cache entry ${dir}`);
    }
    return { value, dir, cached: false };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    inProgress.delete(tmp);
  }
}

/**
 * Temp folders of entries being computed. An interrupted run (Ctrl-C: the CLI turns SIGINT into an
 * orderly exit) removes its own on exit; one killed outright leaves them, and the next run that uses the
 * same cache folder removes those whose process is gone.
 */
const inProgress = new Set<string>();
process.on('exit', () => {
  for (const t of inProgress) rmSync(t, { recursive: true, force: true });
});

const swept = new Set<string>();
function removeStaleTemps(base: string): void {
  if (swept.has(base)) return;
  swept.add(base);
  for (const name of readdirSync(base)) {
    const m = /\.tmp-(?:([\w.-]+)-)?(\d+)-[0-9a-f]{8}$/.exec(name);
    if (!m) continue;
    // This host's temps whose process is gone; another host's (a shared cache) only once a day old.
    const ours = m[1] === undefined || m[1] === HOST;
    const stale = ours ? !alive(Number(m[2])) : ageMs(join(base, name)) > DAY_MS;
    if (stale) rmSync(join(base, name), { recursive: true, force: true });
  }
}

const HOST = hostname().replace(/[^\w.-]/g, '_');
const DAY_MS = 24 * 3600 * 1000;

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const CACHE_FIX = 'Set AXHW_CACHE_DIR to a folder you can write (e.g. AXHW_CACHE_DIR=/tmp/axhw-cache)';

/** The build cache must be a folder we can write: checked before a command starts its work. */
export function checkCacheDir(): void {
  checkOutputDir(cacheRoot(), 'The build cache', `${CACHE_FIX}, or fix the one named.`);
}

function read<T>(dir: string, key: string): T | undefined {
  const f = join(dir, 'result.json');
  if (!existsSync(f)) return undefined;
  try {
    const j = JSON.parse(readFileSync(f, 'utf8'));
    return j.key === key ? (j.value as T) : undefined;
  } catch {
    return undefined;
  }
}
