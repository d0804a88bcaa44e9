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
  /** The answer in brief (a summary and its key figure): the HTML page shows it before its contents. */
  answer?: Block[];
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
export const figure = (name: string, title: string, spec: object, caption?: string): Block => ({
  kind: 'figure',
  name,
  title,
  spec,
  caption,
});

/** Every figure of a document, in order. */
export function figuresOf(doc: ResultDocument): Extract<Block, { kind: 'figure' }>[] {
  const out: Extract<Block, { kind: 'figure' }>[] = [];
  const visit = (blocks: Block[]) => {
    for (const b of blocks) if (b.kind === 'figure') out.push(b);
  };
  visit(doc.answer ?? []);
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

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
/** A table cell of any value: numbers as they are, absent values empty, the rest as text. */
const cell = (x: unknown): Cell =>
  typeof x === 'number' ? x : x === undefined || x === null ? '' : isScalar(x) ? String(x) : JSON.stringify(x);

/**
 * Named definitions as a reader wants them: text as a list item, a record of values as `name = value`
 * pairs, and a list of records as a table of its own (never raw JSON).
 */
export function definitionBlocks(defs: Record<string, unknown>): Block[] {
  const items: string[] = [];
  const tables: Block[] = [];
  for (const [k, v] of Object.entries(defs)) {
    if (isScalar(v)) items.push(`**${k}**: ${String(v)}`);
    else if (Array.isArray(v) && v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      const cols = [...new Set(v.flatMap((r) => Object.keys(r as object)))];
      tables.push(
        table(
          cols,
          v.map((r) => cols.map((c) => cell((r as Record<string, unknown>)[c]))),
          `**${k}**`,
        ),
      );
    } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isScalar)) {
      items.push(
        `**${k}**: ${Object.entries(v)
          .map(([n, x]) => `${n} = ${String(x)}`)
          .join(', ')}`,
      );
    } else items.push(`**${k}**: ${Array.isArray(v) && v.every(isScalar) ? v.join(', ') : JSON.stringify(v)}`);
  }
  return [...(items.length ? [list(items)] : []), ...tables];
}
