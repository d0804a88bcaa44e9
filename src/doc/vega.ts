import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Vega numbers the ids in its SVG (gradients, clip paths) from process-wide counters, so the same spec
 * renders differently depending on what was rendered before. Number them per SVG instead, in order of
 * appearance: the same spec gives the same bytes in every run.
 */
export function renumberIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="([A-Za-z_-]+?)_?(\d+)"/g)].map((m) => m[0].slice(4, -1)))];
  // Stryker disable next-line ConditionalExpression: a shortcut; with no ids the replacement below changes nothing
  if (!ids.length) return svg;
  const counts = new Map<string, number>();
  const map = new Map<string, string>();
  for (const id of ids) {
    // Stryker disable next-line Regex: the ids matched above are letters then digits, so the digits are at the end either way
    const base = id.replace(/_?\d+$/, '');
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    map.set(id, `${base}_r${n}`);
  }
  return svg.replace(/(id="|url\(#|href="#)([A-Za-z0-9_-]+)/g, (m, pre: string, id: string) => (map.has(id) ? pre + map.get(id)! : m));
}

/** The one Vega-Lite renderer: compile the spec and render it headless to SVG (no browser, no network). */
export async function renderVegaLite(spec: object): Promise<string> {
  // Loaded here, not at the top: about 0.25 s that a command which draws nothing (or refuses) need not pay.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // Stryker disable next-line ObjectLiteral: 'none' is the default renderer of a headless View; stated for the reader
  const view = new vega.View(vega.parse(vl.compile({ $schema: SCHEMA, ...spec } as TopLevelSpec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return renumberIds(svg);
}
