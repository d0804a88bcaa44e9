import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { AxtrainReport } from './run.js';
import { writeAtomic } from '../../util/atomic-write.js';

const pct = (x: number, d = 2) => `${(100 * x).toFixed(d)}%`;
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

async function render(spec: object): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec } as vl.TopLevelSpec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const METHODS = ['bp', 'act', 'axtrain'] as const;

/** One small panel per application (three to a row), sharing the methods' colours and order. */
function perApplication(title: string, values: object[], panel: object, extra: object = {}): Promise<string> {
  return render({ title, data: { values }, facet: { field: 'app', type: 'nominal', title: null }, columns: 3, spec: { width: 200, height: 140, ...panel }, ...extra });
}
const methodColour = { field: 'method', type: 'nominal', sort: METHODS };
const methodOffset = { field: 'method', sort: METHODS };

/** Figure 6 of the paper: normalised output error per DRUM setting, method and application. */
export function outputErrorSvg(r: AxtrainReport): Promise<string> {
  const values = r.apps.flatMap((a) => a.multipliers.flatMap((m) => METHODS.map((method) => ({ app: a.app.name, setting: `${m.setting} (k=${m.k})`, method, error: m[method].outputError }))));
  return perApplication(
    'Normalised output error on DRUM (lower is better)',
    values,
    {
      mark: 'bar',
      encoding: {
        x: { field: 'setting', type: 'nominal', title: null },
        xOffset: methodOffset,
        y: { field: 'error', type: 'quantitative', title: 'loss / bp loss on exact-mul' },
        color: methodColour,
      },
    },
    { resolve: { scale: { y: 'independent' } } },
  );
}

/** Figure 7: accuracy under NTV storage, mean and standard deviation over the draws. */
export function ntvSvg(r: AxtrainReport): Promise<string> {
  const values = r.apps.flatMap((a) => a.ntv.flatMap((v) => METHODS.map((method) => ({ app: a.app.name, voltage: `${v.voltageMv} mV (${v.role})`, method, mean: 100 * v[method].mean, lo: 100 * (v[method].mean - v[method].std), hi: 100 * (v[method].mean + v[method].std) }))));
  const enc = { x: { field: 'voltage', type: 'nominal', title: null }, xOffset: methodOffset };
  return perApplication(`Accuracy with NTV weight storage (mean +- std over ${r.apps[0]?.ntv[0]?.draws ?? 0} draws)`, values, {
    layer: [
      { mark: 'bar', encoding: { ...enc, y: { field: 'mean', type: 'quantitative', title: 'accuracy (%)' }, color: methodColour } },
      { mark: { type: 'rule', color: 'black' }, encoding: { ...enc, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
    ],
  });
}

/** Figure 4: the last layer's sensitivity |dO/dw w| for bp, act and axtrain (K1), one colour scale. */
export function sensitivitySvg(a: AxtrainReport['apps'][number]): Promise<string> {
  const values = METHODS.flatMap((method) => {
    const m = a.sensitivity[method].last;
    return m.values.map((v, i) => ({ method: method === 'axtrain' ? 'axtrain (K1)' : method, input: Math.floor(i / m.cols), output: i % m.cols, s: v }));
  });
  const rows = a.sensitivity.bp.last.rows;
  return render({
    title: `${a.app.name}: last-layer sensitivity |dO/dw * w| (darker = more sensitive)`,
    data: { values },
    facet: { column: { field: 'method', type: 'nominal', sort: ['bp', 'act', 'axtrain (K1)'], title: null } },
    spec: {
      width: Math.max(60, a.sensitivity.bp.last.cols * 14),
      height: Math.min(400, rows * 3),
      mark: 'rect',
      encoding: {
        x: { field: 'output', type: 'ordinal', title: 'output', axis: { labels: a.sensitivity.bp.last.cols <= 16 } },
        y: { field: 'input', type: 'ordinal', title: 'input', axis: null },
        color: { field: 's', type: 'quantitative', scale: { scheme: 'blues' }, title: 'sensitivity' },
      },
    },
  });
}

export function axtrainMarkdown(r: AxtrainReport): string {
  const s = r.summary;
  const L: string[] = [];
  L.push(`# AxTrain reproduction${r.quick ? ' (--quick: reduced budget, not the paper-scale run)' : ''}`, '');
  L.push(`Command: \`${r.command}\`  `, `Seed: ${r.seed}; backend: ${r.backend.name} (TensorFlow.js ${r.backend.tfjs}).  `);
  L.push(`Multiplier power: ${r.power.library}, ${r.power.workload}, clock ${r.power.clockNs} ns (our characterization).`, '');
  L.push('## Definitions', '');
  for (const [k, v] of Object.entries(r.definitions)) L.push(`- **${k}**: ${typeof v === 'string' ? v : '`' + JSON.stringify(v) + '`'}`);
  L.push('', '## Applications and budgets', '');
  L.push('| application | data (train/test) | model | epochs bp/act | pas epochs | NTV draws | final lambda | seconds |', '|---|---|---|---|---|---|---|---|');
  for (const a of r.apps) L.push(`| ${a.app.name} | ${a.data.train}/${a.data.test} (${a.app.dataset}) | ${a.model} | ${a.budget.epochs} | ${a.budget.pasEpochs} | ${a.budget.draws} | ${a.act.lambdaFinal.toFixed(3)} | ${a.seconds.toFixed(0)} |`);
  L.push('', '## (1) Normalised output error under DRUM (Figure 6)', '');
  L.push('Normalised output error (test cross-entropy on the setting / bp on exact-mul), bp / act / axtrain:', '');
  L.push('| application | exact-mul accuracy bp / act | ' + r.apps[0]!.multipliers.map((m) => `${m.setting} (k=${m.k})`).join(' | ') + ' |');
  L.push('|---|---|' + r.apps[0]!.multipliers.map(() => '---').join('|') + '|');
  for (const a of r.apps) L.push(`| ${a.app.name} | ${pct(a.exact.bp.exactMultiplier)} / ${pct(a.exact.act.exactMultiplier)} | ` + a.multipliers.map((m) => `${m.bp.outputError.toFixed(3)} / ${m.act.outputError.toFixed(3)} / ${m.axtrain.outputError.toFixed(3)}`).join(' | ') + ' |');
  L.push('', 'Output deviation from the same network on exact-mul (sum|z - z_exact| / sum|z_exact|), bp / act / axtrain:', '');
  L.push('| application | ' + r.apps[0]!.multipliers.map((m) => m.setting).join(' | ') + ' |', '|---|' + r.apps[0]!.multipliers.map(() => '---').join('|') + '|');
  for (const a of r.apps) L.push(`| ${a.app.name} | ` + a.multipliers.map((m) => `${m.bp.deviation.toFixed(4)} / ${m.act.deviation.toFixed(4)} / ${m.axtrain.deviation.toFixed(4)}`).join(' | ') + ' |');
  L.push('', 'Accuracy on each setting (bp / act / axtrain):', '');
  L.push('| application | ' + r.apps[0]!.multipliers.map((m) => m.setting).join(' | ') + ' |', '|---|' + r.apps[0]!.multipliers.map(() => '---').join('|') + '|');
  for (const a of r.apps) L.push(`| ${a.app.name} | ` + a.multipliers.map((m) => `${pct(m.bp.accuracy, 1)} / ${pct(m.act.accuracy, 1)} / ${pct(m.axtrain.accuracy, 1)}`).join(' | ') + ' |');
  L.push('', 'Average output-error reduction versus bp, ours next to the paper:', '');
  L.push('| setting | act (ours) | act (paper) | axtrain (ours) | axtrain (paper) | deviation: act / axtrain (ours) |', '|---|---|---|---|---|---|');
  s.outputErrorReduction.act.forEach((row, i) => {
    const ax = s.outputErrorReduction.axtrain[i]!;
    const key = row.setting as 'K1' | 'K2' | 'K3';
    L.push(`| ${row.setting} (k=${row.k}) | ${f2(row.meanPct)}% | ${s.paper.outputErrorReductionAct[key] ?? 'n/a'}${key in s.paper.outputErrorReductionAct ? '%' : ''} | ${f2(ax.meanPct)}% | ${s.paper.outputErrorReductionAxtrain[key] ?? 'n/a'}${key in s.paper.outputErrorReductionAxtrain ? '%' : ''} | ${f2(row.deviationMeanPct)}% / ${f2(ax.deviationMeanPct)}% |`);
  });
  L.push('', '## (2) Accuracy with NTV weight storage (Figure 7)', '');
  L.push('| application | voltage | flip rate | bp | act | axtrain |', '|---|---|---|---|---|---|');
  for (const a of r.apps) for (const v of a.ntv) L.push(`| ${a.app.name} | ${v.voltageMv} mV (${v.role}) | ${v.rate} | ${pct(v.bp.mean)} +- ${pct(v.bp.std)} | ${pct(v.act.mean)} +- ${pct(v.act.std)} | ${pct(v.axtrain.mean)} +- ${pct(v.axtrain.std)} |`);
  L.push('', '| NTV level | axtrain - bp (points, ours) | act - bp (points, ours) | axtrain / bp - 1 (ours) | paper |', '|---|---|---|---|---|');
  for (const g of s.ntv) L.push(`| ${g.role} | ${f2(g.meanPointsAxtrain)} | ${f2(g.meanPointsAct)} | ${f2(g.meanRelativePctAxtrain)}% | +${s.paper.ntvAccuracyGain[g.role]}% |`);
  L.push('', '## (3) Lowest-power configuration within 2 points of exact hardware (Figure 9)', '');
  L.push(`Multiplier power (mW): exact-mul ${r.power.exact.powerMw.toFixed(4)}; ` + r.power.drum.map((d) => `DRUM k=${d.k} ${d.powerMw.toFixed(4)} (${d.savingPct.toFixed(1)}% less)`).join('; ') + '.', '');
  L.push('| application | target | bp: multiplier (power, saving) | axtrain: multiplier (power, saving) | bp: storage voltage | axtrain: storage voltage |', '|---|---|---|---|---|---|');
  for (const a of r.apps) {
    const p = a.lowestPower;
    const c = (m: 'bp' | 'axtrain') => `${p.compute[m].config}${p.compute[m].k ? ` (k=${p.compute[m].k})` : ''}: ${pct(p.compute[m].accuracy, 1)}, ${p.compute[m].powerMw.toFixed(4)} mW, ${p.compute[m].savingPct.toFixed(1)}%`;
    const st = (m: 'bp' | 'axtrain') => `${p.storage[m].voltageMv}${p.storage[m].voltageMv === 'nominal' ? '' : ' mV'} (${pct(p.storage[m].accuracy, 1)})`;
    L.push(`| ${a.app.name} | ${pct(p.targetAccuracy, 1)} | ${c('bp')} | ${c('axtrain')} | ${st('bp')} | ${st('axtrain')} |`);
  }
  const cp = s.computePowerSaving;
  L.push('', `Average multiplier power saved versus exact-mul: bp ${f2(cp.bpMeanPct)}%, axtrain ${f2(cp.axtrainMeanPct)}%; axtrain versus bp ${f2(cp.axtrainVsBpMeanPct)}% (paper: ${s.paper.computePowerSavingPct}% compute, ${s.paper.storagePowerSavingPct}% storage, on TSMC 65 nm and CACTI-P).`);
  L.push('', '## Sensitivity (Figure 4)', '');
  L.push('| application | S bp | S act | S axtrain (K1) |', '|---|---|---|---|');
  for (const a of r.apps) L.push(`| ${a.app.name} | ${a.sensitivity.bp.total.toPrecision(4)} | ${a.sensitivity.act.total.toPrecision(4)} | ${a.sensitivity.axtrain.total.toPrecision(4)} |`);
  L.push('', 'Figures: `output-error.svg`, `ntv.svg`, `sensitivity-<application>.svg` (last layer); every layer\'s map: `sensitivity-<application>.json`; all other numbers: `axtrain.json`.', '');
  return L.join('\n');
}

/** axtrain.json, axtrain.md and the SVG figures, in `dir`. */
export async function writeAxtrainReport(r: AxtrainReport, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  // Full per-layer maps go to one file per application; axtrain.json keeps totals and the last layer.
  const lean = { ...r, apps: r.apps.map(({ sensitivityMaps: _maps, ...a }) => a) };
  const files: [string, string][] = [
    ['axtrain.json', JSON.stringify(lean, null, 1) + '\n'],
    ['axtrain.md', axtrainMarkdown(r)],
    ['output-error.svg', await outputErrorSvg(r)],
    ['ntv.svg', await ntvSvg(r)],
  ];
  for (const a of r.apps) {
    files.push([`sensitivity-${a.app.name}.svg`, await sensitivitySvg(a)]);
    files.push([`sensitivity-${a.app.name}.json`, JSON.stringify({ app: a.app.name, definition: r.definitions.output, maps: a.sensitivityMaps }) + '\n']);
  }
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeAtomic(path, text);
    return path;
  });
}
