import { figuresOf, type Block, type Cell, type Provenance, type ResultDocument, type Section } from './document.js';
import { renderVegaLite } from './vega.js';

/**
 * Result documents as one static HTML page: a table of contents, then each document with its tables and
 * figures, every figure followed by its provenance. Self-contained (styles inline, figures as SVG data
 * URLs: separate images, so the element ids Vega writes into each SVG cannot collide), no scripts and no
 * network resources: it works from file://.
 */
export interface HtmlPage {
  title: string;
  /** Paragraphs before the table of contents (Markdown inline markup allowed). */
  intro: Block[];
  documents: ResultDocument[];
  /** A last line: what made the page. */
  footer?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The Markdown inline markup the documents use: `code`, **bold**, *emphasis* and [text](link). */
export function inlineHtml(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.length >= 2 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, '$1<em>$2</em>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, t: string, href: string) => `<a href="${href}">${t}</a>`);
    })
    .join('');
}

/** Lines of markup, the empty ones (absent optional parts) left out. */
const lines = (parts: string[]): string => parts.filter(Boolean).join('\n');

/** Ids for anchors: lower-case words joined by '-', made unique on the page by a counter. */
export class Slugger {
  private seen = new Map<string, number>();
  slug(text: string): string {
    const base =
      text
        .toLowerCase()
        .replace(/<[^>]*>/g, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'section';
    const n = this.seen.get(base) ?? 0;
    this.seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  }
}

/** Cells right-aligned as numbers: a number, or text that is one (sign, digits, exponent, an optional %). */
export const isNumeric = (c: Cell): boolean => typeof c === 'number' || /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*%?$/i.test(c.trim());

function tableHtml(headers: string[], rows: Cell[][], caption?: string): string {
  const head = `<tr>${headers.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td${isNumeric(c) ? ' class="num"' : ''}>${inlineHtml(String(c))}</td>`).join('')}</tr>`)
    .join('\n');
  const captionHtml = caption ? `<caption>${inlineHtml(caption)}</caption>` : '';
  return `<div class="table-wrap"><table>${captionHtml}<thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

function provenanceHtml(p: Provenance, command: string | undefined): string {
  const rows: [string, string][] = [];
  const cmd = command ?? p.command;
  if (cmd) rows.push(['command', `<code>${escapeHtml(cmd)}</code>`]);
  if (p.backend) rows.push(['backend', escapeHtml(p.backend)]);
  if (p.seeds) rows.push(['seeds', escapeHtml(p.seeds)]);
  const kv = (o: Record<string, unknown>) =>
    Object.entries(o)
      .map(([k, v]) => `${escapeHtml(k)} = <code>${escapeHtml(String(v))}</code>`)
      .join('; ');
  if (p.parameters && Object.keys(p.parameters).length) rows.push(['parameters', kv(p.parameters)]);
  if (p.tools && Object.keys(p.tools).length)
    rows.push([
      'tools',
      Object.entries(p.tools)
        .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
        .join('; '),
    ]);
  if (!rows.length) return '';
  return `<dl class="provenance">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

interface Context {
  slugger: Slugger;
  provenance: Provenance;
  /** The nearest section's command. */
  command?: string;
  svgs: Map<object, string>;
}

function blockHtml(b: Block, ctx: Context): string {
  switch (b.kind) {
    case 'text':
      return `<p>${inlineHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return tableHtml(b.headers, b.rows, b.caption);
    case 'figure': {
      const id = ctx.slugger.slug(`figure ${b.name}`);
      const svg = ctx.svgs.get(b.spec)!;
      const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      return lines([
        `<figure id="${id}" class="plot">`,
        `<figcaption><a href="#${id}">${inlineHtml(b.title)}</a></figcaption>`,
        `<img src="${src}" alt="${escapeHtml(b.title)}">`,
        b.caption ? `<p class="caption">${inlineHtml(b.caption)}</p>` : '',
        provenanceHtml(ctx.provenance, ctx.command),
        '</figure>',
      ]);
    }
  }
}

interface TocEntry {
  id: string;
  title: string;
  children: TocEntry[];
}

function sectionHtml(s: Section, depth: number, ctx: Context, toc: TocEntry[]): string {
  const id = ctx.slugger.slug(s.title);
  const entry: TocEntry = { id, title: s.title, children: [] };
  toc.push(entry);
  const inner: Context = { ...ctx, command: s.command ?? ctx.command };
  const h = Math.min(depth, 6);
  return lines([
    `<section id="${id}">`,
    `<h${h}>${inlineHtml(s.title)}</h${h}>`,
    ...s.blocks.map((b) => blockHtml(b, inner)),
    s.command ? `<p class="reproduce">Reproduce: <code>${escapeHtml(s.command)}</code></p>` : '',
    ...(s.sections ?? []).map((sub) => sectionHtml(sub, depth + 1, inner, entry.children)),
    '</section>',
  ]);
}

function tocHtml(entries: TocEntry[]): string {
  if (!entries.length) return '';
  return `<ul>${entries.map((e) => `<li><a href="#${e.id}">${inlineHtml(e.title)}</a>${tocHtml(e.children)}</li>`).join('')}</ul>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1b1b1b; max-width: 1180px; margin: 0 auto; padding: 1.5em; }
h1, h2, h3, h4 { overflow-wrap: anywhere; } h1 { font-size: 1.7em; } \
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2.2em; }
code { font: 13px ui-monospace, monospace; background: #f3f3f3; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .8em 0; }
table { border-collapse: separate; border-spacing: 0; font-size: 13px; }
td { max-width: 26em; overflow-wrap: anywhere; } td.num { overflow-wrap: normal; white-space: nowrap; }
.table-wrap tr > :first-child { position: sticky; left: 0; background: #fff; z-index: 1; box-shadow: 1px 0 0 #d6d6d6; }
.table-wrap tr > th:first-child { background: #f2f4f7; }
.answer { background: #f5f9ff; border: 1px solid #cfe0f5; border-radius: 6px; padding: .2em 1em; margin: 1em 0; }
.answer figure.plot { background: #fff; }
caption { text-align: left; font-style: italic; padding: .3em 0; }
th, td { border-right: 1px solid #d6d6d6; border-bottom: 1px solid #d6d6d6; padding: .25em .5em; vertical-align: top; }
tr:first-child > th { border-top: 1px solid #d6d6d6; } tr > :first-child { border-left: 1px solid #d6d6d6; }
th { background: #f2f4f7; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.plot { margin: 1.2em 0; padding: .8em; border: 1px solid #e2e2e2; border-radius: 6px; }
figure.plot img { display: block; max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: .5em; } figcaption a { color: inherit; text-decoration: none; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: .1em .8em; font-size: 12px; color: #444; margin: .6em 0 0; }
dl.provenance dt { font-weight: 600; } dl.provenance dd { margin: 0; }
nav.toc { background: #fafafa; border: 1px solid #e2e2e2; padding: .5em 1em; border-radius: 6px; }
nav.toc ul { margin: .2em 0; padding-left: 1.2em; }
.reproduce { font-size: 13px; color: #444; }
footer { margin-top: 3em; font-size: 12px; color: #666; }
`;

/** Render the page; every figure's Vega-Lite spec is rendered to SVG here (headless, no network). */
export async function renderHtml(page: HtmlPage): Promise<string> {
  const svgs = new Map<object, string>();
  for (const doc of [{ title: page.title, intro: page.intro, sections: [] }, ...page.documents])
    for (const f of figuresOf(doc)) svgs.set(f.spec, await renderVegaLite(f.spec));
  const slugger = new Slugger();
  const toc: TocEntry[] = [];
  const bodies = page.documents.map((doc) => {
    const id = slugger.slug(doc.title);
    const entry: TocEntry = { id, title: doc.title, children: [] };
    toc.push(entry);
    const ctx: Context = { slugger, provenance: doc.provenance ?? {}, command: doc.command, svgs };
    return lines([
      `<article id="${id}">`,
      `<h2>${inlineHtml(doc.title)}</h2>`,
      ...doc.intro.map((b) => blockHtml(b, ctx)),
      doc.command ? `<p class="reproduce">Command: <code>${escapeHtml(doc.command)}</code></p>` : '',
      ...doc.sections.map((s) => sectionHtml(s, 3, ctx, entry.children)),
      '</article>',
    ]);
  });
  const introCtx: Context = { slugger, provenance: {}, svgs };
  // Each document's answer in brief, before the contents: what a reader opens the page for.
  const answers = page.documents
    .filter((d) => d.answer?.length)
    .map((d) =>
      lines([
        `<section class="answer">`,
        ...d.answer!.map((b) => blockHtml(b, { ...introCtx, provenance: d.provenance ?? {}, command: d.command })),
        '</section>',
      ]),
    );
  return (
    lines([
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(page.title)}</title>`,
      `<style>${STYLE}</style>`,
      '</head>',
      '<body>',
      `<h1>${inlineHtml(page.title)}</h1>`,
      ...answers,
      ...page.intro.map((b) => blockHtml(b, introCtx)),
      `<nav class="toc" id="contents"><strong>Contents</strong>${tocHtml(toc)}</nav>`,
      ...bodies,
      page.footer ? `<footer>${inlineHtml(page.footer)}</footer>` : '',
      '</body>',
      '</html>',
    ]) + '\n'
  );
}
