import { renderVegaLite } from '../doc/vega.js';
import type { CharacterizeReport, Row } from './characterize.js';

/** Rows not dominated in (error, cost): no other row is at most as bad in both and better in one. */
export function paretoFront(rows: { err: number; cost: number }[]): boolean[] {
  return rows.map((r, i) => !rows.some((o, j) => j !== i && o.err <= r.err && o.cost <= r.cost && (o.err < r.err || o.cost < r.cost)));
}

/**
 * Two panels, MRED versus power and MRED versus area, every configuration a labelled point, the
 * Pareto front drawn as a step line and the baseline as a reference point. Rendered headless by Vega.
 */
export function paretoSvg(rep: CharacterizeReport): Promise<string> {
  const all: Row[] = [...(rep.baseline ? [rep.baseline] : []), ...rep.rows];
  const data = (cost: (r: Row) => number, what: string) => {
    const pts = all.map((r) => ({ err: 100 * r.metrics.mred, cost: cost(r) }));
    const front = paretoFront(pts);
    return all.map((r, i) => ({ label: r === rep.baseline ? `${r.label}` : r.label, err: pts[i].err, cost: pts[i].cost, front: front[i], kind: r === rep.baseline ? 'baseline' : 'configuration', panel: what }));
  };
  const panel = (values: ReturnType<typeof data>, title: string, axis: string) => ({
    title,
    data: { values },
    width: 360,
    height: 280,
    layer: [
      {
        transform: [{ filter: 'datum.front' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#999', strokeDash: [4, 3] },
        encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'err', type: 'quantitative' }, order: { field: 'cost' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: 'cost', type: 'quantitative', title: axis, scale: { zero: false } },
          y: { field: 'err', type: 'quantitative', title: 'MRED (%)' },
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['configuration', 'baseline'], range: ['#1f77b4', '#d62728'] } },
          shape: { field: 'front', type: 'nominal', title: 'Pareto front', scale: { domain: [true, false], range: ['diamond', 'circle'] } },
        },
      },
      { mark: { type: 'text', dx: 6, dy: -6, align: 'left', fontSize: 9 }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'err', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  });
  return renderVegaLite({
    title: { text: `${rep.unit}: error vs cost (${rep.library.name}, ${rep.clockNs} ns clock, ${rep.activity.workload} workload)` },
    hconcat: [panel(data((r) => r.powerMw, 'power'), 'MRED vs power', 'power (mW)'), panel(data((r) => r.area, 'area'), 'MRED vs area', 'area (um^2)')],
  });
}
