import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';

/** Repository / package root: this file lives one level below it both as src/paths.ts and dist/paths.js. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const rtlTemplateDir = join(packageRoot, 'rtl-templates');
export const cosimTemplateDir = join(packageRoot, 'cosim');
/** Vendored third-party data (cell libraries, SRAM macro views), each folder with its license and provenance. */
export const platformDir = join(packageRoot, 'platforms');

/** Build cache root: $AXHW_CACHE_DIR, else $XDG_CACHE_HOME/axhw, else ~/.cache/axhw. */
export function cacheRoot(): string {
  if (process.env.AXHW_CACHE_DIR) return process.env.AXHW_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'axhw');
}

/** axhw's version, as package.json states it (the CLI's --version and the provenance records). */
export function axhwVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
