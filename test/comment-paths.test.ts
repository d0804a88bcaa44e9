import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Comments that name a file of this repository (`src/nn/ops/dense.ts`, `wasm/quantise.wat`, `train/methods.ts`,
 * `npu.v.hbs`) name one that exists: a comment pointing at a file that moved sends a reader nowhere.
 */
const root = resolve(import.meta.dirname, '..');
const SCANNED = ['src', 'rtl-templates', 'cosim', 'wasm', 'scripts', 'bench', 'test', 'bin'];
const EXTENSIONS = 'ts|mjs|js|hbs|wat|cpp|h|v|sh|json|md|npy';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'fixtures' || f === '__snapshots__' ? [] : files(p);
    return /\.(ts|mjs|js|hbs|wat|sh)$/.test(p) ? [p] : [];
  });
}

/** The comment text of a file: `//`, `/* *\/`, Handlebars `{{!-- --}}` and `{{! }}`, WebAssembly `;;`, shell `#`. */
export function comments(text: string, file: string): string[] {
  const out: string[] = [];
  if (file.endsWith('.sh')) {
    for (const m of text.matchAll(/(?:^|\s)#(?!!)(.*)$/gm)) out.push(m[1]!);
    return out;
  }
  if (file.endsWith('.wat')) for (const m of text.matchAll(/;;(.*)$/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\{\{!--([\s\S]*?)--\}\}|\{\{!([^-][\s\S]*?)\}\}/g)) out.push(m[1] ?? m[2]!);
  // Line comments: `//` not inside a string on that line (a URL's `://` is not a comment).
  for (const m of text.matchAll(/(?<![:'"`\\])\/\/(.*)$/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\/\*([\s\S]*?)\*\//g)) out.push(m[1]!);
  return out;
}

/** Path-like names in a comment: a folder path ending in a file with an extension, or a template's file name. */
export function namedPaths(comment: string): string[] {
  const re = new RegExp(`(?<![\\w./@-])((?:[\\w.-]+/)+[\\w.-]+\\.(?:${EXTENSIONS})|[\\w-]+\\.(?:v|cpp)\\.hbs)(?![\\w/])`, 'g');
  return [...comment.matchAll(re)].map((m) => m[1]!);
}

/** Where a named path may live: from the root, from src/, from the templates, or beside the file. */
function exists(path: string, file: string): boolean {
  const bases = [root, join(root, 'src'), join(root, 'rtl-templates'), join(root, 'cosim'), join(root, 'test'), dirname(file)];
  return bases.some((b) => existsSync(join(b, path)));
}

/** Paths that name something other than a file of this repository (tools' and data sets' own files). */
const FOREIGN = /^(\/|~|node_modules\/|dist\/|\.\.?\/|usr\/|data\/|out\/|reports\/)|^[a-z]+\/(dist|build)\//;

export function missingPaths(list: string[]): string[] {
  return list.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return comments(text, file)
      .flatMap(namedPaths)
      .filter((p) => !FOREIGN.test(p) && !exists(p, file))
      .map((p) => `${relative(root, file)} names ${p}`);
  });
}

describe('paths named in comments', () => {
  const all = SCANNED.filter((d) => existsSync(join(root, d))).flatMap((d) => files(join(root, d)));

  it('every repository path a source or template comment names exists', () => {
    expect(all.length).toBeGreaterThan(300);
    // this file's own negative controls name missing files on purpose
    expect([...new Set(missingPaths(all.filter((f) => f !== import.meta.filename)))]).toEqual([]);
  });

  it('finds the names a comment gives, and only in comments (negative controls)', () => {
    expect(namedPaths(' the quantiser (wasm/quantise.wat, assembled by scripts/build-wasm.mjs)')).toEqual([
      'wasm/quantise.wat',
      'scripts/build-wasm.mjs',
    ]);
    expect(namedPaths(' reads the format rtl-templates/npu.v.hbs writes; see npu.v.hbs')).toEqual(['rtl-templates/npu.v.hbs', 'npu.v.hbs']);
    expect(comments("const u = 'https://x.org/a.ts'; // see src/gone.ts\n/* and train/gone.ts */", 'a.ts').flatMap(namedPaths)).toEqual([
      'src/gone.ts',
      'train/gone.ts',
    ]);
    expect(exists('train/methods.ts', join(root, 'src/cli/main.ts'))).toBe(true);
    expect(exists('wasm/gone.wat', join(root, 'src/cli/main.ts'))).toBe(false);
  });
});
