import { join } from 'node:path';
import type { CharacterizeReport, Row } from './characterize.js';
import { paretoSpec } from './pareto.js';
import { writeDocument } from '../doc/write.js';
import { renderMarkdown } from '../doc/markdown.js';
import { figure, table, text, type ResultDocument } from '../doc/document.js';
import { writeAtomic } from '../util/atomic-write.js';

const COLUMNS: [string, (r: Row) => string | number][] = [
  ['config', (r) => r.label],
  ['top', (r) => r.top],
  ['coverage', (r) => `${r.metrics.coverage} (${r.metrics.pairs} pairs)`],
  ['ER %', (r) => pct(r.metrics.er)],
  ['ME', (r) => num(r.metrics.me)],
  ['MAE', (r) => num(r.metrics.mae)],
  ['MRED %', (r) => pct(r.metrics.mred)],
  ['NMED %', (r) => pct(r.metrics.nmed)],
  ['WCE', (r) => num(r.metrics.wce)],
  ['WCRE %', (r) => pct(r.metrics.wcre)],
  ['MSE', (r) => num(r.metrics.mse)],
  ['area um2', (r) => r.area.toFixed(0)],
  ['cells', (r) => r.cells],
  ['delay ns', (r) => r.delayNs.toFixed(3)],
  ['power mW', (r) => r.powerMw.toFixed(3)],
  ['internal mW', (r) => (r.power.internal * 1e3).toFixed(3)],
  ['switching mW', (r) => (r.power.switching * 1e3).toFixed(3)],
  ['leakage uW', (r) => (r.power.leakage * 1e6).toFixed(3)],
  ['energy pJ/op', (r) => r.power.energyPerOpPj.toFixed(3)],
  ['glitch share', (r) => (r.power.simulation?.glitchShare !== undefined ? r.power.simulation.glitchShare.toFixed(3) : '')],
  ['PDP pJ', (r) => r.pdpPj.toFixed(3)],
  ['area saving %', (r) => (r.savings ? r.savings.area.toFixed(1) : '')],
  ['power saving %', (r) => (r.savings ? r.savings.power.toFixed(1) : '')],
  ['delay saving %', (r) => (r.savings ? r.savings.delay.toFixed(1) : '')],
  ['PDP saving %', (r) => (r.savings ? r.savings.pdp.toFixed(1) : '')],
];

const column = (h: string) => COLUMNS.find(([name]) => name === h)!;

/** The document's tables: savings and cost (the answer the sweep is for), then the error metrics. */
function columnSets(rep: CharacterizeReport): [string, [string, (r: Row) => string | number][]][] {
  const savings = rep.baseline ? ['area saving %', 'power saving %', 'delay saving %', 'PDP saving %'] : [];
  const meets: [string, (r: Row) => string][] = [
    [`meets ${rep.clockNs} ns`, (r) => (r.delayNs <= rep.clockNs ? 'yes' : `**no** (${r.delayNs.toFixed(2)} ns)`)],
  ];
  const cost = ['area um2', 'cells', 'delay ns', 'power mW', 'energy pJ/op', 'leakage uW', 'glitch share', 'PDP pJ'].map(column);
  const error = ['coverage', 'ER %', 'ME', 'MAE', 'MRED %', 'NMED %', 'WCE', 'WCRE %', 'MSE'].map(column);
  return [
    [
      `Cost${rep.baseline ? ` and savings against ${rep.baseline.top}` : ''}: power at the ${rep.clockNs} ` +
        `ns clock (internal and switching power in the CSV)`,
      [column('config'), column('MRED %'), ...savings.map(column), ...cost, ...meets],
    ],
    ['Error metrics', [column('config'), column('top'), ...error]],
  ];
}

function pct(x: number): string {
  return (100 * x).toFixed(3);
}
function num(x: number): string {
  return Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : Number(x.toFixed(3)).toString();
}

export function toCsv(rep: CharacterizeReport): string {
  const rows = [...(rep.baseline ? [rep.baseline] : []), ...rep.rows];
  const esc = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [COLUMNS.map(([h]) => esc(h)).join(','), ...rows.map((r) => COLUMNS.map(([, f]) => esc(f(r))).join(','))].join('\n') + '\n';
}

/** How the power column was obtained: the method, and for simulation the cycles and toggles counted. */
function powerLine(r: Row | undefined): string {
  const p = r?.power;
  if (!p) return '';
  if (!p.simulation) return "Power: OpenSTA's propagation of the input activities (--power propagate).";
  const s = p.simulation;
  return (
    `Power: toggles counted in a ${s.mode} simulation of each mapped netlist (--power ${p.method}) ` +
    `over ${s.cycles.toLocaleString('en-US')} cycles, times the Liberty file's energies` +
    (s.mode === 'delay' ? "; glitch share = toggles with the cells' delays / zero-delay toggles on the same cycles." : '.')
  );
}

/** The report as a document (Markdown and the HTML report render this): provenance lines, the table, the Pareto plot. */
export function characterizeDocument(rep: CharacterizeReport): ResultDocument {
  const rows = [...(rep.baseline ? [rep.baseline] : []), ...rep.rows];
  const trace = rep.activity.trace;
  const intro = [
    `Library ${rep.library.name} (${rep.library.liberty}); clock ${rep.clockNs} ns; workload: ${rep.activity.workload}` +
      (trace ? ` (${trace.file}, ${trace.used} of ${trace.pairs} pairs)` : `, seed ${rep.activity.seed}`) +
      `${rows[0]?.power.simulation ? '' : `; ${rep.activity.annotated}`}.`,
    powerLine(rows[0]),
    `Error metrics are read from the RTL (exhaustive tables or seeded co-simulation samples, as ` +
      (`the coverage column says) over ${rep.rows[0]?.metrics.domain ?? 'all pairs'}. ` +
        `Savings are versus ${rep.baseline ? rep.baseline.top : 'no baseline'}.`),
    `Tools: ${rep.tools.yosys}; ${rep.tools.sta.split('\n')[0]}.`,
  ].filter((l) => l !== '');
  return {
    title: `Characterization of ${rep.unit}`,
    command: rep.command,
    provenance: {
      command: rep.command,
      seeds: `workload and sampled-metrics seed ${rep.activity.seed ?? rep.rows[0]?.metrics.seed ?? 'n/a'}`,
      tools: { yosys: rep.tools.yosys, sta: rep.tools.sta.split('\n')[0]! },
      parameters: {
        library: rep.library.name,
        clockNs: rep.clockNs,
        workload: rep.activity.workload,
        power: rows[0]?.power.method ?? 'n/a',
        baseline: rep.baseline?.top ?? 'none',
      },
    },
    intro: intro.map(text),
    sections: [
      {
        title: 'Error and cost per configuration',
        command: rep.command,
        blocks: [
          // Two column sets (the CSV has them all): each readable on one screen, the configuration first.
          ...columnSets(rep).map(([caption, cols]) =>
            table(
              cols.map(([h]) => h),
              rows.map((r) => cols.map(([, f]) => f(r))),
              caption,
            ),
          ),
          figure(
            'pareto',
            'Error against power and area',
            paretoSpec(rep),
            'MRED against power and area per configuration; the Pareto front is marked by diamonds and a dashed step line.',
          ),
        ],
      },
    ],
  };
}

export function toMarkdown(rep: CharacterizeReport): string {
  return renderMarkdown(characterizeDocument(rep));
}

/** Write characterize.json, .csv, .md and pareto.svg into dir; returns the paths. */
export async function writeReport(rep: CharacterizeReport, dir: string): Promise<string[]> {
  const data: [string, string][] = [
    ['characterize.json', JSON.stringify(rep, null, 2) + '\n'],
    ['characterize.csv', toCsv(rep)],
  ];
  const paths = data.map(([name, text]) => {
    const p = join(dir, name);
    writeAtomic(p, text);
    return p;
  });
  // The Markdown and the Pareto plot (pareto.svg) as every document is written.
  return [...paths, ...(await writeDocument(characterizeDocument(rep), dir, 'characterize.md'))];
}
