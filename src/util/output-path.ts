import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AxhwError } from '../errors.js';

/**
 * Output paths checked before any work starts, so a long run never ends in a failed write. Writability
 * is proved by creating (and removing) a probe file in the nearest folder that exists: permission bits
 * alone do not tell, since root may write anywhere except on a read-only file system. Nothing is created
 * that the run would not create anyway, and on failure nothing is left behind.
 */

/** The folder a run will create `path` in: the nearest existing ancestor, which must be a folder we can write. */
function checkCreatable(path: string, what: string, fix: string): void {
  let dir = dirname(resolve(path));
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new AxhwError(`${what} ${path} cannot be created: ${dir} is a file, not a folder.`, fix);
  probe(dir, `${what} ${path} cannot be created`, fix);
}

function probe(dir: string, problem: string, fix: string): void {
  const p = join(dir, `.axhw-write-probe-${process.pid}`);
  try {
    writeFileSync(p, '');
  } catch (e) {
    throw new AxhwError(`${problem}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, fix);
  } finally {
    rmSync(p, { force: true });
  }
}

/** An output file (`what` names it for the message, e.g. "-o" or "--report"). */
export function checkOutputFile(path: string, what: string): void {
  const fix = `Give ${what} a file path in a folder you can write.`;
  if (existsSync(path) && statSync(path).isDirectory())
    throw new AxhwError(
      `${what} ${path} is a folder; a file is expected here.`,
      `Give ${what} a file path, e.g. a name inside that folder: ${join(path, '<name>')}.`,
    );
  // Files are written to a temp file beside them and renamed, so the folder must be writable too.
  checkCreatable(path, what, fix);
}

/** An output folder: an existing folder we can write in, or one that can be created. `fixAll` replaces every fix. */
export function checkOutputDir(path: string, what: string, fixAll?: string): void {
  const fix = fixAll ?? `Give ${what} a folder path you can write (an existing folder, or a new one).`;
  if (existsSync(path)) {
    if (!statSync(path).isDirectory())
      throw new AxhwError(
        `${what} ${path} is a file; a folder is expected here.`,
        fixAll ?? `${fix} Remove or rename the file, or choose another path.`,
      );
    probe(path, `${what} ${path} is not writable`, fix);
    return;
  }
  checkCreatable(path, what, fix);
}
