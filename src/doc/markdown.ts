import type { Block, Cell, ResultDocument, Section } from './document.js';

/** The one Markdown table style: a header row, a `|---|` rule, one row per line. */
export function markdownTable(headers: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Blocks as Markdown, one after another (figures as links to their SVG files). */
export function renderBlocks(blocks: Block[]): string {
  return blocks.map(block).join('\n\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'text':
      return b.text;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'table':
      return (b.caption ? `${b.caption}\n\n` : '') + markdownTable(b.headers, b.rows);
    case 'figure':
      return `![${b.title}](${b.name}.svg)${b.caption ? `\n\n${b.caption}` : ''}`;
  }
}

function section(s: Section, depth: number): string[] {
  const out = [`${'#'.repeat(depth)} ${s.title}`, ''];
  for (const b of s.blocks) out.push(block(b), '');
  if (s.command) out.push(`Reproduce: \`${s.command}\``, '');
  for (const sub of s.sections ?? []) out.push(...section(sub, depth + 1));
  return out;
}

/** The document as Markdown; figures link to their SVG files (written beside it by writeDocument). */
export function renderMarkdown(doc: ResultDocument): string {
  const out = [`# ${doc.title}`, ''];
  for (const b of [...(doc.answer ?? []), ...doc.intro]) out.push(block(b), '');
  if (doc.command) out.push(`Command: \`${doc.command}\``, '');
  for (const s of doc.sections) out.push(...section(s, 2));
  return out.join('\n').replace(/\n+$/, '\n');
}
