/**
 * Results as a document: sections of text, lists, tables and figures, each section with the command that
 * reproduces it. Experiments and characterization build one; renderers turn it into Markdown and SVG
 * files now (markdown.ts, vega.ts) and into the HTML report later, so every output form shows the same
 * content. Plain data, no rendering here.
 */
export type Cell = string | number;

export type Block =
  /** A paragraph (Markdown inline markup allowed). */
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; headers: string[]; rows: Cell[][]; caption?: string }
  /** A Vega-Lite figure, written as `<name>.svg` beside the document. */
  | { kind: 'figure'; name: string; title: string; spec: object; caption?: string };

export interface Section {
  title: string;
  blocks: Block[];
  /** The command that reproduces this section's numbers and figures. */
  command?: string;
  sections?: Section[];
}

/**
 * Where a document's numbers come from, shown beside each of its figures in the HTML report: the command
 * that reproduces them, the TensorFlow.js backend, the seeds, the tool versions and the parameters.
 */
export interface Provenance {
  command?: string;
  backend?: string;
  seeds?: string;
  tools?: Record<string, string>;
  parameters?: Record<string, string | number | boolean>;
}

export interface ResultDocument {
  title: string;
  provenance?: Provenance;
  /** Blocks before the first section (what was run, provenance). */
  intro: Block[];
  sections: Section[];
  /** The command that reproduces the whole document. */
  command?: string;
}

export const text = (t: string): Block => ({ kind: 'text', text: t });
export const list = (items: string[]): Block => ({ kind: 'list', items });
export const table = (headers: string[], rows: Cell[][], caption?: string): Block => ({ kind: 'table', headers, rows, caption });
export const figure = (name: string, title: string, spec: object, caption?: string): Block => ({ kind: 'figure', name, title, spec, caption });

/** Every figure of a document, in order. */
export function figuresOf(doc: ResultDocument): Extract<Block, { kind: 'figure' }>[] {
  const out: Extract<Block, { kind: 'figure' }>[] = [];
  const visit = (blocks: Block[]) => {
    for (const b of blocks) if (b.kind === 'figure') out.push(b);
  };
  visit(doc.intro);
  const walk = (ss: Section[]) => {
    for (const s of ss) {
      visit(s.blocks);
      walk(s.sections ?? []);
    }
  };
  walk(doc.sections);
  return out;
}
