import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A result file's text with the stated run fields masked: in JSON every key named in `keys` (at any depth) is
 * dropped, in Markdown every table cell under a header named in `keys`. Everything else must match byte for byte.
 */
export function maskRunFields(name: string, text: string, keys: readonly string[]): string {
  if (name.endsWith('.json')) {
    const drop = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(drop)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (keys.includes(k) ? [] : [[k, drop(x)]])))
          : v;
    return JSON.stringify(drop(JSON.parse(text)), null, 1);
  }
  if (!name.endsWith('.md')) return text;
  let header: number[] | undefined; // the masked columns of the table being read
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith('|')) return ((header = undefined), line);
      const cells = line.split('|');
      if (header === undefined) return ((header = cells.flatMap((c, i) => (keys.includes(c.trim()) ? [i] : []))), line);
      if (/^\|[-|]+\|$/.test(line)) return line;
      return cells.map((c, i) => (header!.includes(i) ? ' * ' : c)).join('|');
    })
    .join('\n');
}

/** The files of two result folders that differ once their run fields are masked (and files only one of them has). */
export function differingFiles(a: string, b: string, keys: readonly string[]): string[] {
  const names = [...new Set([...readdirSync(a), ...readdirSync(b)])].sort();
  return names.filter((n) => {
    try {
      return maskRunFields(n, readFileSync(join(a, n), 'utf8'), keys) !== maskRunFields(n, readFileSync(join(b, n), 'utf8'), keys);
    } catch {
      return true;
    }
  });
}

/** The run fields of an experiment's report folder: time taken (JSON `seconds` at any depth, the Markdown `seconds` columns) and when. */
export const EXPERIMENT_RUN_FIELDS = ['seconds', 'createdAt'] as const;
