import { join } from 'node:path';
import { text, type ResultDocument } from '../doc/document.js';
import { renderHtml } from '../doc/html.js';
import { axhwVersion } from '../paths.js';
import { writeAtomic } from '../util/atomic-write.js';
import { loadResult } from './sources.js';

export interface ReportOptions {
  title?: string;
  /** The command that made the page (shown at its foot). */
  command?: string;
  /** How the folders are named on the page (default: as given). */
  names?: string[];
}

/**
 * One static HTML page of any set of result folders. Every folder is read and validated first; a folder
 * that does not validate stops the report before anything is written.
 */
export async function buildReport(dirs: string[], o: ReportOptions = {}): Promise<{ html: string; documents: number }> {
  const documents: ResultDocument[] = [];
  // One folder at a time: the first that does not validate stops the report, as given.
  for (const d of dirs) documents.push(...(await loadResult(d)));
  const html = await renderHtml({
    title: o.title ?? 'axhw report',
    intro: [
      text(
        `Results of ${(o.names ?? dirs).map((d) => `\`${d}\``).join(', ')}: ${documents.length} document(s). ` +
          `Every figure names the command that reproduces it, its parameters, seeds, backend and tool ` +
          `versions.`,
      ),
    ],
    documents,
    footer:
      `Made by axhw ${axhwVersion()}${o.command ? ` with \`${o.command}\`` : ''} on ${new Date().toISOString()}. ` +
      `Static page: no scripts, no network resources.`,
  });
  return { html, documents: documents.length };
}

/** Write `index.html` into outDir; returns its path and size. */
export async function writeReport(
  dirs: string[],
  outDir: string,
  o: ReportOptions = {},
): Promise<{ path: string; bytes: number; documents: number }> {
  const { html, documents } = await buildReport(dirs, o);
  const path = join(outDir, 'index.html');
  writeAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html), documents };
}
