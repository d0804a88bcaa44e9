import { experimentProvenance } from '../provenance.js';
import { definitionBlocks, figure, type ResultDocument, table, text } from '../../doc/document.js';
import type { AxtrainResult as AxtrainReport } from './schema.js';
import { pct } from '../../util/quantities.js';

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

const METHODS = ['bp', 'act', 'axtrain'] as const;

/**
 * One small panel per application (three to a row), sharing the methods' colours and order. Panels are
 * concatenated rather than faceted: each has its own title, x axis directly under its bars and only the
 * categories that application has (no empty slots), and optionally its own y scale.
 */
function perApplication(title: string | object, values: { app: string }[], panel: object, sharedY: boolean): object {
  const apps = [...new Set(values.map((v) => v.app))];
  return {
    title,
    data: { values },
    columns: 3,
    concat: apps.map((app) => ({ title: app, transform: [{ filter: { field: 'app', equal: app } }], width: 200, height: 140, ...panel })),
    resolve: { scale: { color: 'shared', y: sharedY ? 'shared' : 'independent' } },
  };
}
const methodColour = { field: 'method', type: 'nominal', sort: METHODS };
const methodOffset = { field: 'method', sort: METHODS };

/** Figure 6 of the paper: normalised output error per DRUM setting, method and application (Vega-Lite). */
export function outputErrorSpec(r: AxtrainReport): object {
  const values = r.apps.flatMap((a) =>
    a.multipliers.flatMap((m) =>
      METHODS.map((method) => ({ app: a.app.name, setting: `${m.setting} (k=${m.k})`, method, error: m[method].outputError })),
    ),
  );
  return perApplication(
    { text: 'Normalised output error on DRUM (lower is better)', subtitle: "test loss on the DRUM setting / bp's test loss on exact-mul" },
    values,
    {
      mark: 'bar',
      encoding: {
        x: { field: 'setting', type: 'nominal', title: null, axis: { labelAngle: 0 } },
        xOffset: methodOffset,
        y: { field: 'error', type: 'quantitative', title: 'normalised loss' },
        color: methodColour,
      },
    },
    false,
  );
}

/** Accuracy against DRUM's k per method and application (k = 8 would be exact; lower k is cheaper). */
export function accuracyVsKSpec(r: AxtrainReport): object {
  const values = r.apps.flatMap((a) =>
    a.multipliers.flatMap((m) => METHODS.map((method) => ({ app: a.app.name, k: m.k, method, accuracy: 100 * m[method].accuracy }))),
  );
  return perApplication(
    {
      text: 'Test accuracy on DRUM against k, per training method',
      subtitle: 'each network evaluated with every product on the DRUM table read from the RTL',
    },
    values,
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'k', type: 'quantitative', title: 'DRUM k', axis: { tickMinStep: 1 }, scale: { zero: false } },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
        color: methodColour,
      },
    },
    false,
  );
}

/** Figure 7: accuracy under NTV storage, mean and standard deviation over the draws. */
export function ntvSpec(r: AxtrainReport): object {
  const values = r.apps.flatMap((a) =>
    a.ntv.flatMap((v) =>
      METHODS.map((method) => ({
        app: a.app.name,
        voltage: `${v.voltageMv} mV (${v.role === 'aggressive' ? 'aggr.' : 'cons.'})`,
        method,
        mean: 100 * v[method].mean,
        lo: 100 * (v[method].mean - v[method].std),
        hi: 100 * (v[method].mean + v[method].std),
      })),
    ),
  );
  const enc = { x: { field: 'voltage', type: 'nominal', title: null, axis: { labelAngle: 0 } }, xOffset: methodOffset };
  return perApplication(
    `Accuracy with NTV weight storage (mean +- std over ${r.apps[0]?.ntv[0]?.draws ?? 0} draws)`,
    values,
    {
      layer: [
        { mark: 'bar', encoding: { ...enc, y: { field: 'mean', type: 'quantitative', title: 'accuracy (%)' }, color: methodColour } },
        { mark: { type: 'rule', color: 'black' }, encoding: { ...enc, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
    true,
  );
}

/** Figure 4: the last layer's sensitivity |dO/dw w| for bp, act and axtrain (K1), one colour scale. */
export function sensitivitySpec(a: AxtrainReport['apps'][number]): object {
  const values = METHODS.flatMap((method) => {
    const m = a.sensitivity[method].last;
    return m.values.map((v, i) => ({
      method: method === 'axtrain' ? 'axtrain (K1)' : method,
      input: Math.floor(i / m.cols),
      output: i % m.cols,
      s: v,
    }));
  });
  const rows = a.sensitivity.bp.last.rows;
  return {
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
  };
}

/** The report as a document: the paper's tables and figures with ours beside the paper's averages. */
export function axtrainDocument(r: AxtrainReport): ResultDocument {
  const s = r.summary;
  const settings = r.apps[0]!.multipliers;
  type Setting = (typeof settings)[number];
  const perSetting = (f: (m: Setting) => string) => settings.map(f);
  /** An application's cells, one per setting: a figure of bp / act / axtrain. */
  const methodCells = (a: (typeof r.apps)[number], cell: (m: Setting['bp']) => string) =>
    a.multipliers.map((m) => `${cell(m.bp)} / ${cell(m.act)} / ${cell(m.axtrain)}`);
  const methodRows = (cell: (m: Setting['bp']) => string) => r.apps.map((a) => [a.app.name, ...methodCells(a, cell)]);
  const paperPct = (t: Record<string, number>, key: string) => (key in t ? `${t[key]}%` : 'n/a');
  return {
    title: `AxTrain reproduction${r.quick ? ' (--quick: reduced budget, not the paper-scale run)' : ''}`,
    command: r.command,
    provenance: experimentProvenance(r, { apps: r.apps.map((a) => a.app.name).join(','), draws: r.apps[0]?.budget.draws ?? 0 }),
    intro: [
      text(`Seed: ${r.seed}; backend: ${r.backend.name} (TensorFlow.js ${r.backend.tfjs}).`),
      text(`Multiplier power: ${r.power.library}, ${r.power.workload}, clock ${r.power.clockNs} ns (our characterization).`),
    ],
    sections: [
      { title: 'Definitions', blocks: definitionBlocks(r.definitions) },
      {
        title: 'Applications and budgets',
        blocks: [
          table(
            ['application', 'data (train/test)', 'model', 'epochs bp/act', 'pas epochs', 'NTV draws', 'final lambda', 'seconds'],
            r.apps.map((a) => [
              a.app.name,
              `${a.data.train}/${a.data.test} (${a.app.dataset})`,
              a.model,
              a.budget.epochs,
              a.budget.pasEpochs,
              a.budget.draws,
              a.act.lambdaFinal.toFixed(3),
              a.seconds.toFixed(0),
            ]),
          ),
        ],
      },
      {
        title: '(1) Normalised output error under DRUM (Figure 6)',
        command: r.command,
        blocks: [
          table(
            ['application', 'exact-mul accuracy bp / act', ...perSetting((m) => `${m.setting} (k=${m.k})`)],
            r.apps.map((a) => [
              a.app.name,
              `${pct(a.exact.bp.exactMultiplier)} / ${pct(a.exact.act.exactMultiplier)}`,
              ...methodCells(a, (m) => m.outputError.toFixed(3)),
            ]),
            'Normalised output error (test cross-entropy on the setting / bp on exact-mul), bp / act / axtrain:',
          ),
          table(
            ['application', ...perSetting((m) => m.setting)],
            methodRows((m) => m.deviation.toFixed(4)),
            'Output deviation from the same network on exact-mul (sum|z - z_exact| / sum|z_exact|), bp / act / axtrain:',
          ),
          table(
            ['application', ...perSetting((m) => m.setting)],
            methodRows((m) => pct(m.accuracy, 1)),
            'Accuracy on each setting (bp / act / axtrain):',
          ),
          table(
            ['setting', 'act (ours)', 'act (paper)', 'axtrain (ours)', 'axtrain (paper)', 'deviation: act / axtrain (ours)'],
            s.outputErrorReduction.act.map((row, i) => {
              const ax = s.outputErrorReduction.axtrain[i]!;
              return [
                `${row.setting} (k=${row.k})`,
                `${f2(row.meanPct)}%`,
                paperPct(s.paper.outputErrorReductionAct, row.setting),
                `${f2(ax.meanPct)}%`,
                paperPct(s.paper.outputErrorReductionAxtrain, row.setting),
                `${f2(row.deviationMeanPct)}% / ${f2(ax.deviationMeanPct)}%`,
              ];
            }),
            'Average output-error reduction versus bp, ours next to the paper:',
          ),
          figure('output-error', 'Normalised output error on DRUM', outputErrorSpec(r)),
          figure('accuracy-vs-k', 'Accuracy against k per method', accuracyVsKSpec(r)),
        ],
      },
      {
        title: '(2) Accuracy with NTV weight storage (Figure 7)',
        command: r.command,
        blocks: [
          table(
            ['application', 'voltage', 'flip rate', 'bp', 'act', 'axtrain'],
            r.apps.flatMap((a) =>
              a.ntv.map((v) => [
                a.app.name,
                `${v.voltageMv} mV (${v.role})`,
                v.rate,
                `${pct(v.bp.mean)} +- ${pct(v.bp.std)}`,
                `${pct(v.act.mean)} +- ${pct(v.act.std)}`,
                `${pct(v.axtrain.mean)} +- ${pct(v.axtrain.std)}`,
              ]),
            ),
          ),
          table(
            ['NTV level', 'axtrain - bp (points, ours)', 'act - bp (points, ours)', 'axtrain / bp - 1 (ours)', 'paper'],
            s.ntv.map((g) => [
              g.role,
              f2(g.meanPointsAxtrain),
              f2(g.meanPointsAct),
              `${f2(g.meanRelativePctAxtrain)}%`,
              `+${s.paper.ntvAccuracyGain[g.role]}%`,
            ]),
          ),
          figure('ntv', 'Accuracy with NTV weight storage', ntvSpec(r)),
        ],
      },
      {
        title: '(3) Lowest-power configuration within 2 points of exact hardware (Figure 9)',
        command: r.command,
        blocks: [
          text(
            `Multiplier power (mW): exact-mul ${r.power.exact.powerMw.toFixed(4)}; ` +
              r.power.drum.map((d) => `DRUM k=${d.k} ${d.powerMw.toFixed(4)} (${d.savingPct.toFixed(1)}% less)`).join('; ') +
              '.',
          ),
          table(
            [
              'application',
              'target',
              'bp: multiplier (power, saving)',
              'axtrain: multiplier (power, saving)',
              'bp: storage voltage',
              'axtrain: storage voltage',
            ],
            r.apps.map((a) => {
              const p = a.lowestPower;
              const c = (m: 'bp' | 'axtrain') =>
                `${p.compute[m].config}${p.compute[m].k ? ` (k=${p.compute[m].k})` : ''}: ` +
                `${pct(p.compute[m].accuracy, 1)}, ${p.compute[m].powerMw.toFixed(4)} ` +
                `mW, ${p.compute[m].savingPct.toFixed(1)}%`;
              const st = (m: 'bp' | 'axtrain') =>
                `${p.storage[m].voltageMv}${p.storage[m].voltageMv === 'nominal' ? '' : ' mV'} (${pct(p.storage[m].accuracy, 1)})`;
              return [a.app.name, pct(p.targetAccuracy, 1), c('bp'), c('axtrain'), st('bp'), st('axtrain')];
            }),
          ),
          text(
            `Average multiplier power saved versus exact-mul: bp ${f2(s.computePowerSaving.bpMeanPct)}%, ` +
              `axtrain ${f2(s.computePowerSaving.axtrainMeanPct)}%; axtrain versus bp ${f2(s.computePowerSaving.axtrainVsBpMeanPct)}% ` +
              `(paper: ${s.paper.computePowerSavingPct}% compute, ${s.paper.storagePowerSavingPct}% storage, ` +
              `on TSMC 65 nm and CACTI-P).`,
          ),
        ],
      },
      {
        title: 'Sensitivity (Figure 4)',
        command: r.command,
        blocks: [
          table(
            ['application', 'S bp', 'S act', 'S axtrain (K1)'],
            r.apps.map((a) => [
              a.app.name,
              a.sensitivity.bp.total.toPrecision(4),
              a.sensitivity.act.total.toPrecision(4),
              a.sensitivity.axtrain.total.toPrecision(4),
            ]),
          ),
          ...r.apps.map((a) => figure(`sensitivity-${a.app.name}`, `${a.app.name}: last-layer sensitivity`, sensitivitySpec(a))),
          text("Every layer's map: `sensitivity-<application>.json`; all other numbers: `axtrain.json`."),
        ],
      },
    ],
  };
}

/** axtrain.json keeps totals and the last layer; every layer's map goes to one data file per application. */
export function axtrainDataFiles(r: AxtrainReport): [string, string][] {
  const lean = { ...r, apps: r.apps.map(({ sensitivityMaps: _maps, ...a }) => a) };
  return [
    ['axtrain.json', JSON.stringify(lean, null, 1) + '\n'],
    ...r.apps.map((a): [string, string] => [
      `sensitivity-${a.app.name}.json`,
      JSON.stringify({ app: a.app.name, definition: r.definitions.output, maps: a.sensitivityMaps }) + '\n',
    ]),
  ];
}
