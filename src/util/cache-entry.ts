import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cacheRoot } from '../paths.js';

/**
 * A content-addressed cache entry: a folder under $AXHW_CACHE_DIR/<kind>/ named by the key, holding the
 * files `compute` writes and its JSON result. Computed in a private temp folder and renamed into place,
 * so a failure leaves nothing and concurrent computations of the same key cannot corrupt each other.
 */
export async function cachedEntry<T>(kind: string, name: string, key: string, compute: (dir: string) => Promise<T>): Promise<{ value: T; dir: string; cached: boolean }> {
  const base = join(cacheRoot(), kind);
  const dir = join(base, `${name}-${key.slice(0, 16)}`);
  const hit = read<T>(dir, key);
  if (hit !== undefined) return { value: hit, dir, cached: true };
  mkdirSync(base, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const value = await compute(tmp);
    writeFileSync(join(tmp, 'result.json'), JSON.stringify({ key, value }, null, 2));
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch {
      if (read<T>(dir, key) === undefined) throw new Error(`could not install cache entry ${dir}`);
    }
    return { value, dir, cached: false };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
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
