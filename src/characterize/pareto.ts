import { renderVegaLite } from '../doc/vega.js';
import type { CharacterizeReport, Row } from './characterize.js';

/** Rows not dominated in (error, cost): no other row is at most as bad in both and better in one. */
export function paretoFront(rows: { err: number; cost: number }[]): boolean[] {
  return rows.map((r, i) => !rows.some((o, j) => j !== i && o.err <= r.err && o.cost <= r.cost && (o.err < r.err || o.cost < r.cost)));
}

/**
 * MRED versus power and MRED versus area, each configuration a point named in the legend (colour), the
 * Pareto front drawn as a step line and marked by shape, the baseline in red. Names go in the legend, not
 * beside the points, so they never overlap. A panel whose cost is the same for every configuration (a
 * run-time control input such as mbits sweeps one circuit) is replaced by that value in the title.
 * Rendered headless by Vega.
 */
export function paretoSpec(rep: CharacterizeReport): object {
  const all: Row[] = [...(rep.baseline ? [rep.baseline] : []), ...rep.rows];
  const name = (r: Row) => (r === rep.baseline ? `${r.label} (baseline)` : r.label);
  const order = all.map(name);
  const data = (cost: (r: Row) => number) => {
    const pts = all.map((r) => ({ err: 100 * r.metrics.mred, cost: cost(r) }));
    const front = paretoFront(pts);
    return all.map((r, i) => ({ label: name(r), err: pts[i].err, cost: pts[i].cost, front: front[i] }));
  };
  const colours = all.map((r, i) => (r === rep.baseline ? '#d62728' : PALETTE[i % PALETTE.length]!));
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
        mark: { type: 'point', filled: true, size: 80, opacity: 0.9 },
        encoding: {
          x: { field: 'cost', type: 'quantitative', title: axis, scale: { zero: false } },
          y: { field: 'err', type: 'quantitative', title: 'MRED (%)' },
          color: {
            field: 'label',
            type: 'nominal',
            title: 'configuration',
            sort: order,
            scale: { domain: order, range: colours },
            legend: { labelLimit: 320 },
          },
          shape: { field: 'front', type: 'nominal', title: 'Pareto front', scale: { domain: [true, false], range: ['diamond', 'circle'] } },
        },
      },
    ],
  });
  const constant = (cost: (r: Row) => number) => new Set(all.map(cost)).size === 1;
  const panels = [
    { cost: (r: Row) => r.powerMw, title: 'MRED vs power', axis: 'power (mW)', unit: 'mW' },
    { cost: (r: Row) => r.area, title: 'MRED vs area', axis: 'area (um^2)', unit: 'um^2' },
  ];
  const shown = panels.filter((p) => !constant(p.cost));
  const notes = panels
    .filter((p) => constant(p.cost))
    .map(
      (p) =>
        `${p.axis.split(' ')[0]} ${all[0] ? p.cost(all[0]).toLocaleString('en-US', { maximumFractionDigits: 3 }) : ''} ${p.unit} ` +
        `for every configuration`,
    );
  const title = {
    text: `${rep.unit}: error vs cost (${rep.library.name}, ${rep.clockNs} ns clock, ${rep.activity.workload} workload)`,
    ...(notes.length ? { subtitle: notes.join('; ') } : {}),
  };
  return { title, hconcat: (shown.length ? shown : panels.slice(0, 1)).map((p) => panel(data(p.cost), p.title, p.axis)) };
}

export function paretoSvg(rep: CharacterizeReport): Promise<string> {
  return renderVegaLite(paretoSpec(rep));
}

/** Tableau 10 without its red, which marks the baseline. */
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#b279a2',
  '#eeca3b',
  '#9d755d',
  '#72b7b2',
  '#ff9da6',
  '#bab0ac',
  '#1f3c88',
  '#8c564b',
  '#17becf',
];
