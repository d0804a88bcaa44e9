import * as vega from 'vega';
import * as vl from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The one Vega-Lite renderer: compile the spec and render it headless to SVG (no browser, no network). */
export async function renderVegaLite(spec: object): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile({ $schema: SCHEMA, ...spec } as vl.TopLevelSpec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
