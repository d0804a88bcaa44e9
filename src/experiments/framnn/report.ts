import { experimentProvenance } from '../provenance.js';
import { figure, list, table, text, type ResultDocument } from '../../doc/document.js';
import type { FramnnResult } from './schema.js';
import { pct } from '../../util/quantities.js';

const pts = (x: number) => `${(100 * x).toFixed(1)}`;
const x2 = (v: number) => `${v.toFixed(2)}x`;

/** The paper's figures for the comparison (Table I MNIST row, Table II uniform/linear at N = 16, section V). */
export const PAPER = {
  framnnLossAt16: '0 points on MNIST (98.5% both); 1.0-2.2 points on ISOLET, HAR, CIFAR, PASCAL',
  approxTrainingLoss: '1.7-6.7 points lower than exact (Table I)',
  uniformEdpN16: '1.9x-3.6x (accuracy loss 0.3-4.7 points)',
  linearEdpN16: '2.7x-6.1x (accuracy loss 1.4-13.5 points)',
  adaptive: '3.6x EDP at no loss, 5.0x at 1% loss',
  inference: '1.9x energy and 1.7x speed-up at < 1% loss; 2.4x / 2.0x at 2%',
};

/** Figure 2 style: accuracy against m for each training mode, per application (Vega-Lite). */
export function sweepSpec(r: FramnnResult): object {
  const values = r.apps.flatMap((a) =>
    a.sweep.flatMap((s) => [
      { app: a.app.name, m: s.m, mode: 'exact', accuracy: s.exact },
      { app: a.app.name, m: s.m, mode: 'approx-training', accuracy: s.approxTraining },
      { app: a.app.name, m: s.m, mode: 'framnn', accuracy: s.framnn },
    ]),
  );
  return {
    title: {
      text: 'Accuracy on the fpmul at m significand bits',
      subtitle: 'network trained exact, with approximate training, or with FramNN',
    },
    data: { values },
    // Up to three panels a row, each as wide as the row allows (one application gets the whole width).
    columns: Math.min(3, r.apps.length),
    facet: { field: 'app', type: 'nominal', title: null },
    spec: {
      width: [520, 340, 220][Math.min(3, r.apps.length) - 1] ?? 220,
      height: r.apps.length === 1 ? 260 : 150,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'm', type: 'quantitative', title: 'm (bits)' },
        y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
        color: { field: 'mode', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Figure 4 style: EDP gain against accuracy loss for each schedule and final level (Vega-Lite). */
export function edpSpec(r: FramnnResult): object {
  const values = r.apps.flatMap((a) =>
    a.schedules.map((s) => ({ app: a.app.name, schedule: s.kind, final: s.final, edp: s.edpRatio.fixed, loss: 100 * s.accuracyLoss })),
  );
  return {
    title: {
      text: 'Training EDP gain over exact training against accuracy loss',
      subtitle: 'fpmul multiplier energy, fixed clock; label = final level N',
    },
    data: { values },
    width: 420,
    height: 260,
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'loss', type: 'quantitative', title: 'accuracy loss (points)' },
          y: { field: 'edp', type: 'quantitative', title: 'EDP gain (x)' },
          color: { field: 'schedule', type: 'nominal' },
          shape: { field: 'app', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', dx: 8, dy: -6, fontSize: 9 },
        encoding: {
          x: { field: 'loss', type: 'quantitative' },
          y: { field: 'edp', type: 'quantitative' },
          text: { field: 'final', type: 'quantitative' },
        },
      },
    ],
  };
}

export function framnnDocument(r: FramnnResult): ResultDocument {
  const cmd = r.command;
  const a0 = r.apps[0]!;
  const P = r.fpmulFormat.P;
  return {
    title: `FramNN: approximate feed-forward training and adaptive mantissa schedules${r.quick ? ' (--quick)' : ''}`,
    command: cmd,
    provenance: experimentProvenance(r, { apps: r.apps.map((a) => a.app.name).join(','), format: r.fpmulFormat.preset }),
    intro: [
      text(
        `Networks trained here (seed ${r.seed}, backend ${r.backend.name}) on the ${r.fpmulFormat.preset} ` +
          `fpmul (${a0.fpmul.top}, rtl ${a0.fpmul.rtlHash.slice(0, 12)}), whose products at every m are ` +
          `proved equal to the layer arithmetic on the Verilated RTL before use. Cost: ${a0.fpmul.library}, ${a0.fpmul.area.toFixed(0)} ` +
          `um^2, critical path ${a0.fpmul.netlistDelayNs.toFixed(2)} ns over every m.`,
      ),
      list(
        Object.entries(r.definitions).map(
          ([k, v]) =>
            `**${k}**: ${
              typeof v === 'string'
                ? v
                : Object.entries(v)
                    .map(([mk, mv]) => `${mk}: ${mv}`)
                    .join('; ')
            }`,
        ),
      ),
    ],
    sections: [
      {
        title: 'Accuracy against m for each way of training (Figure 2, Table I)',
        command: cmd,
        blocks: [
          table(
            ['application', 'data (train / test)', 'model', 'm', 'exact-trained', 'approx-training', 'framnn', 'exact (float32)'],
            r.apps.flatMap((a) =>
              a.sweep.map((s) => [
                a.app.name,
                `${a.data.train} / ${a.data.test}`,
                a.model,
                s.m,
                pct(s.exact, 2),
                pct(s.approxTraining, 2),
                pct(s.framnn, 2),
                pct(a.exactAccuracy, 2),
              ]),
            ),
            `paper at 16 bits: framnn ${PAPER.framnnLossAt16}; approx-training ${PAPER.approxTrainingLoss}`,
          ),
          figure('accuracy-vs-m', 'Accuracy on the fpmul against m', sweepSpec(r)),
          table(
            ['application', 'm', 'backward operand pairs run on the RTL', 'mismatches'],
            r.apps.flatMap((a) => a.backwardProof.map((p) => [a.app.name, p.m, p.pairs, p.mismatches])),
            "approx-training: the gradient products' operands recorded during training, through the Verilated " +
              'fpmul at m, against the masked float32 product the layer computes',
          ),
        ],
      },
      {
        title: 'Training-time m against inference-time m',
        command: cmd,
        blocks: [
          table(
            ['application', 'inference m', 'best training m', 'its accuracy', 'training at the same m'],
            r.apps.flatMap((a) => a.bestTrainM.map((b) => [a.app.name, b.inferM, b.trainM, pct(b.accuracy, 2), pct(b.sameM, 2)])),
            'framnn networks trained at every m of the sweep, each evaluated at every m (the paper finds ' +
              'training slightly deeper than inference helps)',
          ),
        ],
      },
      {
        title: 'Training schedules: accuracy and energy-delay product (Table II, Figure 4)',
        command: cmd,
        blocks: [
          table(
            [
              'application',
              'final N',
              'schedule',
              'steps (iterations x m)',
              'accuracy at N',
              'loss (points)',
              'energy gain',
              'EDP gain, fixed clock',
              'EDP gain, per-level clock',
              'training time, s',
            ],
            r.apps.flatMap((a) =>
              a.schedules.map((s) => [
                a.app.name,
                s.final,
                s.kind,
                s.steps.map((t) => `${t.iterations} x ${t.m}`).join(', '),
                pct(s.accuracy, 2),
                pts(s.accuracyLoss),
                x2(s.energyRatio),
                x2(s.edpRatio.fixed),
                x2(s.edpRatio.perLevel),
                s.seconds.toFixed(1),
              ]),
            ),
            `paper at N = 16: uniform ${PAPER.uniformEdpN16}; linear ${PAPER.linearEdpN16}; adaptive ${PAPER.adaptive}`,
          ),
          figure('edp', 'Training EDP gain against accuracy loss', edpSpec(r)),
          table(
            ['application', 'm', 'energy per multiplication, pJ (dynamic)', 'leakage, nW', 'critical path at m, ns'],
            r.apps.flatMap((a) =>
              a.trainingLevels.map((l) => [a.app.name, l.m, l.dynamicPj.toFixed(2), (l.leakageW * 1e9).toFixed(1), l.delayNs.toFixed(2)]),
            ),
            'the fpmul at each schedule level under the operands of approx-training at that level (forward and backward products)',
          ),
          table(
            [
              'application',
              'iterations T',
              'multiplications per iteration (forward + backward)',
              'exact training energy, uJ',
              'exact training time at the fixed clock, ms',
            ],
            r.apps.map((a) => [
              a.app.name,
              a.iterations,
              `${a.work.forward} + ${a.work.backward}`,
              (a.exactTraining.energyPj / 1e6).toFixed(1),
              (a.exactTraining.delayNsFixed / 1e6).toFixed(1),
            ]),
            `the arithmetic: energy = T x (forward + backward) x energy per multiplication at ${P}; a schedule ` +
              `replaces ${P} by each step's level for its iterations`,
          ),
        ],
      },
      {
        title: 'Inference efficiency at 1% and 2% accuracy loss',
        command: cmd,
        blocks: [
          table(
            [
              'application',
              'loss bound',
              'deepest m',
              'accuracy',
              `energy per multiplication at m / at ${P}, pJ`,
              'energy gain',
              `critical path at m / at ${P}, ns`,
              'speed-up',
            ],
            r.apps.flatMap((a) =>
              a.inference.map((i) => [
                a.app.name,
                `${i.lossBoundPoints} point(s)`,
                i.m,
                pct(i.accuracy, 2),
                `${i.energyPerOpPj.toFixed(2)} / ${i.energyPerOpPjFull.toFixed(2)}`,
                x2(i.energyGain),
                `${i.delayNs.toFixed(2)} / ${i.delayNsFull.toFixed(2)}`,
                x2(i.speedup),
              ]),
            ),
            `paper: ${PAPER.inference}`,
          ),
          table(
            ['application', 'm', 'energy per multiplication, pJ (dynamic)', 'critical path at m, ns'],
            r.apps.flatMap((a) => a.inferenceLevels.map((l) => [a.app.name, l.m, l.dynamicPj.toFixed(2), l.delayNs.toFixed(2)])),
            'the fpmul under the operands of framnn training at m (forward products)',
          ),
        ],
      },
      {
        title: 'Training time of each mode (same run)',
        command: cmd,
        blocks: [
          table(
            [
              'application',
              'exact, s',
              'framnn (mean over m), s',
              'approx-training (mean over m), s',
              'framnn / exact',
              'approx-training / exact',
            ],
            r.apps.map((a) => [
              a.app.name,
              a.trainingTime.exactSeconds.toFixed(1),
              a.trainingTime.framnnSeconds.toFixed(1),
              a.trainingTime.approxTrainingSeconds.toFixed(1),
              x2(a.trainingTime.framnnSeconds / a.trainingTime.exactSeconds),
              x2(a.trainingTime.approxTrainingSeconds / a.trainingTime.exactSeconds),
            ]),
          ),
        ],
      },
    ],
  };
}

export function framnnDataFiles(r: FramnnResult): [string, string][] {
  return [['framnn.json', JSON.stringify(r, null, 1) + '\n']];
}
