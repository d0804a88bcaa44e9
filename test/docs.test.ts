import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** README and docs/: every relative link reaches a file, and every #anchor a heading of that file (GitHub's slugs). */
const root = join(import.meta.dirname, '..');
const pages = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? pages(join(dir, n)) : n.endsWith('.md') ? [join(dir, n)] : []));
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
const anchors = (file: string) =>
  new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

describe('documentation links', () => {
  const files = [join(root, 'README.md'), ...pages(join(root, 'docs'))];

  it('every relative link and anchor resolves', () => {
    const broken: string[] = [];
    let links = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        links++;
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path ? join(dirname(f), path) : f;
        // A user's clone has nothing beside it: a link out of the repository is broken for them.
        if (relative(root, file).startsWith('..')) broken.push(`${relative(root, f)}: ${target} (outside the repository)`);
        else if (!existsSync(file)) broken.push(`${relative(root, f)}: ${target} (no such file)`);
        else if (anchor && file.endsWith('.md') && !anchors(file).has(anchor))
          broken.push(`${relative(root, f)}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
    expect(links).toBeGreaterThan(20);
  });

  it('the slug rule matches GitHub on a heading with code and punctuation (negative control included)', () => {
    expect(slug('fpmul specification (`src/models/fpmul.ts` is the executable form)')).toBe(
      'fpmul-specification-srcmodelsfpmults-is-the-executable-form',
    );
    expect(anchors(join(root, 'docs', 'methods.md')).has('error-metrics')).toBe(true);
    expect(anchors(join(root, 'docs', 'methods.md')).has('no-such-section')).toBe(false);
  });
});
