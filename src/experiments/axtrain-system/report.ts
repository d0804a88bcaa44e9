import { experimentProvenance } from '../provenance.js';
import { definitionBlocks, figure, type ResultDocument, table, text } from '../../doc/document.js';
import { pct, pctWords } from '../../util/quantities.js';
import { APPROXANN_SETTINGS, SYSTEM_METHODS } from './plan.js';
import type { AxtrainSystemResult } from './schema.js';

const f1 = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(1));
const supply = (v: number | 'nominal') => (v === 'nominal' ? 'nominal' : `${v} mV`);

/** Figure 8: neurons on the approximate multiplier after ApproxAnn, from bp and from AxTrain networks, per setting. */
export function approxNeuronsSpec(r: AxtrainSystemResult): object {
  const values = r.apps.flatMap((a) =>
    a.approxann.map((x) => ({
      app: a.app.name,
      setting: `${x.setting} (k=${x.k})`,
      start: `ApproxAnn-${x.start}`,
      neurons: x.approxNeurons,
    })),
  );
  return {
    title: {
      text: 'Neurons on the approximate multiplier after ApproxAnn (higher is cheaper)',
      subtitle: 'within 2 points of bp on exact hardware',
    },
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'app', type: 'nominal', title: null },
      x: { field: 'setting', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'start' },
      y: { field: 'neurons', type: 'quantitative', title: 'approximate neurons' },
      color: { field: 'start', type: 'nominal', title: null },
    },
    width: 110,
    height: 160,
  };
}

/** Figure 9: compute and storage energy saved against exact hardware at nominal storage, per method and application. */
export function savingsSpec(r: AxtrainSystemResult): object {
  const values = r.apps.flatMap((a) =>
    a.chosen.flatMap((c) => [
      { app: a.app.name, method: c.method, part: 'compute', saving: c.computeSavingPct },
      { app: a.app.name, method: c.method, part: 'storage', saving: c.storageSavingPct },
    ]),
  );
  return {
    title: {
      text: 'Energy saved at the lowest-power configuration within the bound',
      subtitle: 'against exact hardware, storage at 1.8 V',
    },
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'app', type: 'nominal', title: null },
      row: { field: 'part', type: 'nominal', title: null },
      x: { field: 'method', type: 'nominal', title: null, sort: SYSTEM_METHODS, axis: { labelAngle: -30 } },
      y: { field: 'saving', type: 'quantitative', title: '% saved' },
      color: { field: 'method', type: 'nominal', sort: SYSTEM_METHODS, title: null },
    },
    width: 120,
    height: 120,
  };
}

export function axtrainSystemDocument(r: AxtrainSystemResult): ResultDocument {
  const s = r.summary;
  return {
    title: `AxTrain at system level (ApproxAnn, lowest power on the NPU)${r.quick ? ' (--quick: reduced budget)' : ''}`,
    command: r.command,
    provenance: experimentProvenance(r, { apps: r.apps.map((a) => a.app.name).join(','), pes: r.pes, samples: r.samples }),
    intro: [
      text(`Seed: ${r.seed}; backend: ${r.backend.name} (TensorFlow.js ${r.backend.tfjs}).`),
      text(`Multiplier power for the choice: ${r.power.library}, ${r.power.workload}, clock ${r.power.clockNs} ns (our characterization).`),
      table(
        ['application', 'data (train/test)', 'model', 'bp on exact', 'bound', 'seconds'],
        r.apps.map((a) => [
          a.app.name,
          `${a.data.train}/${a.data.test}`,
          a.model,
          pct(a.exactAccuracy, 1),
          pct(a.targetAccuracy, 1),
          a.seconds.toFixed(0),
        ]),
      ),
    ],
    sections: [
      {
        title: 'Definitions',
        blocks: [
          ...definitionBlocks(r.definitions),
          text(
            `DRUM settings: ${r.settings.map((x) => `${x.name} = k ${x.k} (MRED ${pct(x.mred, 1)})`).join(', ')}. NPU: ${r.pes} PEs, ` +
              `${r.samples} test inferences costed per configuration, clock ${r.clockNs} ns.`,
          ),
        ],
      },
      {
        title: 'ApproxAnn: approximate multipliers per network (Figure 8)',
        command: r.command,
        blocks: [
          table(
            ['application', 'neurons', ...APPROXANN_SETTINGS.flatMap((k) => [`${k} from bp`, `${k} from AxTrain`])],
            r.apps.map((a) => [
              a.app.name,
              a.approxann[0]?.neurons ?? 0,
              ...APPROXANN_SETTINGS.flatMap((k) =>
                (['bp', 'axtrain'] as const).map((st) => {
                  const x = a.approxann.find((y) => y.setting === k && y.start === st)!;
                  return `${x.approxNeurons} (${pct(x.accuracy, 1)}, ${x.steps.length} steps)`;
                }),
              ),
            ]),
            'approximate neurons (accuracy of the kept network; tries)',
          ),
          figure('approxann-neurons', 'Approximate neurons after ApproxAnn', approxNeuronsSpec(r)),
          text(
            `ApproxAnn from AxTrain networks places ${Object.entries(s.approxannMoreApproxPct)
              .map(([k, v]) => `${f1(v)}% (${k})`)
              .join(' and ')} more approximate neurons than from bp networks on average (paper: ` +
              `${s.paper.approxannMoreApproxPct.K1}% K1, ${s.paper.approxannMoreApproxPct.K2}% K2).`,
          ),
        ],
      },
      {
        title: 'Lowest power within the bound on the NPU (Figure 9)',
        command: r.command,
        blocks: [
          table(
            ['application', 'method', 'configuration', 'accuracy', 'weights stored at', 'compute pJ', 'saved', 'storage pJ', 'saved'],
            r.apps.flatMap((a) => [
              [
                a.app.name,
                'exact hardware',
                a.baseline.npu,
                pct(a.exactAccuracy, 1),
                '1.8 V',
                a.baseline.energy.computePj.toFixed(0),
                '',
                a.baseline.energy.storageNominalPj.toFixed(0),
                '',
              ],
              ...a.chosen.map((c) => [
                a.app.name,
                c.method,
                `${c.config}${c.approxNeurons ? `, ${c.approxNeurons} approximate neurons` : ''}`,
                pct(c.accuracy, 1),
                `${supply(c.storage.voltageMv)} (${pct(c.storage.accuracy, 1)})`,
                c.energy.computePj.toFixed(0),
                `${f1(c.computeSavingPct)}%`,
                c.energy.storagePj.toFixed(0),
                `${f1(c.storageSavingPct)}%`,
              ]),
            ]),
            'energy per inference (compute: multipliers + datapath; storage: SRAM macros, weights at the chosen supply)',
          ),
          figure('system-savings', 'Energy saved per method', savingsSpec(r)),
          table(
            [
              'application',
              'method',
              'configuration',
              'accuracy',
              'cycles per inference',
              'multiplier mW (est.)',
              'compute pJ (est.)',
              'chosen',
            ],
            r.apps.flatMap((a) =>
              a.candidates.map((c) => [
                a.app.name,
                c.method,
                c.config,
                `${pct(c.accuracy, 1)}${c.accuracy >= a.targetAccuracy ? '' : ' (out of bound)'}`,
                c.cyclesPerInference,
                c.estimatedMultiplierMw.toFixed(3),
                c.estimatedComputePj.toFixed(0),
                a.chosen.some((x) => x.method === c.method && x.config === c.config) ? 'yes' : '',
              ]),
            ),
            "every candidate and the choice's criterion: compute estimated from the exact baseline's measured energies, " +
              'the multipliers by characterized power, the datapath by cycles after placement',
          ),
          text(
            `Average savings against exact hardware: compute ` +
              `${SYSTEM_METHODS.map((m) => `${m} ${f1(s.computeSavingPct[m]!)}%`).join(', ')}; ` +
              `storage ${SYSTEM_METHODS.map((m) => `${m} ${f1(s.storageSavingPct[m]!)}%`).join(', ')}. AxTrain needs ` +
              `${pctWords(s.axtrainVsApproxannComputePct, 'less', 'more')} compute energy than ApproxAnn-bp. ` +
              'Paper (FlexFlow, TSMC 65 nm, CACTI-P): ' +
              `AxTrain against bp ${s.paper.computePowerSavingPct}% compute and ${s.paper.storagePowerSavingPct}% storage; ` +
              `${s.paper.axtrainVsApproxannComputePct}% less compute than ApproxAnn.`,
          ),
        ],
      },
    ],
  };
}

export function axtrainSystemDataFiles(r: AxtrainSystemResult): [string, string][] {
  return [['axtrain-system.json', JSON.stringify(r, null, 1) + '\n']];
}
