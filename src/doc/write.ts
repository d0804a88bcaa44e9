import { join } from 'node:path';
import { writeAtomic } from '../util/atomic-write.js';
import { figuresOf, type ResultDocument } from './document.js';
import { renderMarkdown } from './markdown.js';
import { renderVegaLite } from './vega.js';

/** Write the document as `<markdown>` and each figure as `<name>.svg` into dir; returns the paths. */
export async function writeDocument(doc: ResultDocument, dir: string, markdown: string): Promise<string[]> {
  const files: [string, string][] = [[markdown, renderMarkdown(doc)]];
  for (const f of figuresOf(doc)) files.push([`${f.name}.svg`, await renderVegaLite(f.spec)]);
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeAtomic(path, content);
    return path;
  });
}
