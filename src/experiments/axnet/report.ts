import { experimentProvenance } from '../provenance.js';
import { figure, list, table, text, type ResultDocument } from '../../doc/document.js';
import { PAPER } from './plan.js';
import type { AxnetResult, FunctionResult, MetricsRecord } from './schema.js';
import { pct, signedPct } from '../../util/quantities.js';

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const err = (m: MetricsRecord) => (m.approximationError === null ? 'none called safe' : m.approximationError.toFixed(4));
const METHOD_ORDER = ['axnet', 'onepass', 'iterative'] as const;

const byMethod = (f: FunctionResult, m: (typeof METHOD_ORDER)[number]) => f.methods.find((x) => x.method === m)!;

/** Figure 6 style: true and predicted invocation per function and method (Vega-Lite, grouped bars). */
export function invocationSpec(r: AxnetResult): object {
  const values = r.functions.flatMap((f) =>
    f.methods.flatMap((m) => [
      { function: f.name, method: m.method, kind: 'true', invocation: m.metrics.trueInvocation },
      { function: f.name, method: m.method, kind: 'predicted', invocation: m.metrics.predictedInvocation },
    ]),
  );
  return {
    title: {
      text: 'True and predicted invocation on the test set',
      subtitle: 'AXNet against onepass and iterative at matched parameter counts',
    },
    data: { values },
    facet: { column: { field: 'kind', type: 'nominal', title: null, sort: ['true', 'predicted'] } },
    spec: {
      width: 320,
      height: 200,
      mark: 'bar',
      encoding: {
        x: { field: 'function', type: 'nominal', title: null, sort: r.functions.map((f) => f.name) },
        xOffset: { field: 'method', sort: [...METHOD_ORDER] },
        y: { field: 'invocation', type: 'quantitative', title: 'share of test samples', scale: { domain: [0, 1] } },
        color: { field: 'method', type: 'nominal', sort: [...METHOD_ORDER] },
      },
    },
  };
}

/** Figure 9 style: invocation against parameter count on the sweep function (Vega-Lite). */
export function paramSweepSpec(r: AxnetResult): object {
  const values = r.paramSweep.points.flatMap((p) => [
    { method: p.method, params: p.topology.params, invocation: p.metrics.trueInvocation, kind: 'true', label: p.topology.label },
    { method: p.method, params: p.topology.params, invocation: p.metrics.predictedInvocation, kind: 'predicted', label: p.topology.label },
  ]);
  return {
    title: {
      text: `Invocation against parameter count: ${r.paramSweep.function}`,
      subtitle: 'baseline hidden widths swept; AXNet matched to each',
    },
    data: { values },
    width: 420,
    height: 240,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'params', type: 'quantitative', title: 'parameters (weights + biases)', scale: { type: 'log' } },
      y: { field: 'invocation', type: 'quantitative', title: 'share of test samples', scale: { domain: [0, 1] } },
      color: { field: 'method', type: 'nominal' },
      strokeDash: { field: 'kind', type: 'nominal' },
    },
  };
}

/** AXNet's true invocation on each multiplier (Vega-Lite). */
export function hardwareSpec(r: AxnetResult): object {
  const values = r.hardware.map((h) => ({
    function: h.function,
    multiplier: h.multiplier,
    method: h.method,
    invocation: h.metrics.trueInvocation,
  }));
  return {
    title: {
      text: 'True invocation with the forward pass on the multiplier',
      subtitle: 'layers and the Hadamard step through the RTL table',
    },
    data: { values },
    facet: { column: { field: 'function', type: 'nominal', title: null } },
    spec: {
      width: 160,
      height: 180,
      mark: 'bar',
      encoding: {
        x: { field: 'multiplier', type: 'nominal', title: null, sort: [...new Set(r.hardware.map((h) => h.multiplier))] },
        xOffset: { field: 'method' },
        y: { field: 'invocation', type: 'quantitative', title: 'true invocation', scale: { domain: [0, 1] } },
        color: { field: 'method', type: 'nominal' },
      },
    },
  };
}

/** Energy per inference on the gate-level NPU by part, AXNet beside onepass (Vega-Lite, stacked bars). */
export function npuEnergySpec(r: AxnetResult): object {
  const values = r.npu.flatMap((n) =>
    Object.entries(n.cost?.energyPerInferencePj ?? {})
      .filter(([g]) => g !== 'total')
      .map(([part, pj]) => ({ function: n.function, method: n.method, part, nJ: pj / 1e3 })),
  );
  return {
    title: {
      text: 'Energy per inference on the NPU (gate level)',
      subtitle: 'predictor and approximator on every sample; simulated switching',
    },
    data: { values },
    facet: { column: { field: 'function', type: 'nominal', title: null } },
    spec: {
      width: 120,
      height: 200,
      mark: 'bar',
      encoding: {
        x: { field: 'method', type: 'nominal', title: null, sort: ['axnet', 'onepass'] },
        y: { field: 'nJ', type: 'quantitative', title: 'nJ per inference', aggregate: 'sum' },
        color: { field: 'part', type: 'nominal' },
      },
    },
  };
}

export function axnetDocument(r: AxnetResult): ResultDocument {
  const cmd = r.command;
  const s = r.summary;
  return {
    title: `AXNet: fused approximator and predictor against onepass and iterative${r.quick ? ' (--quick)' : ''}`,
    command: cmd,
    provenance: experimentProvenance(
      r,
      {
        functions: r.functions.map((f) => f.name).join(','),
        epochs: r.budget.epochs,
        train: r.budget.train,
        test: r.budget.test,
        batch: r.budget.batchSize,
      },
      `data and initialisation seed ${r.seed}; ${r.budget.seeds} training seed(s) per configuration`,
    ),
    intro: [
      text(
        `Seven AxBench target functions, implemented from their mathematics, each a seeded generator ` +
          `(seed ${r.seed}; backend ${r.backend.name}, tfjs ${r.backend.tfjs}). Every configuration is ` +
          `trained with ${r.budget.seeds} training seed(s) and its metrics are the means. Every number ` +
          `below comes from the one command above.`,
      ),
      list(Object.entries(r.definitions).map(([k, v]) => `**${k}**: ${v}`)),
    ],
    sections: [
      {
        title: 'The target functions',
        command: cmd,
        blocks: [
          table(
            ['function', 'kernel', 'inputs', 'outputs', 'input domain', 'output scaling', 'error bound', 'data (train / test)'],
            r.functions.map((f) => [
              f.name,
              f.doc,
              f.inputs,
              f.outputs,
              f.inputRanges,
              f.outputScaling,
              f.errorBound,
              `${f.data.train} / ${f.data.test}`,
            ]),
          ),
        ],
      },
      {
        title: 'Invocation, prediction accuracy and error (Figures 6, 7, 8)',
        command: cmd,
        blocks: [
          table(
            [
              'function',
              'method',
              'topology (approximator + predictor)',
              'parameters',
              'true invocation',
              'per seed',
              'predicted invocation',
              'prediction accuracy',
              'safe and called safe',
              'error over called safe',
              'error / onepass',
              'mean error (all samples)',
            ],
            r.functions.flatMap((f) =>
              METHOD_ORDER.map((m) => {
                const x = byMethod(f, m);
                const one = byMethod(f, 'onepass').metrics.approximationError;
                const ratio = x.metrics.approximationError !== null && one ? (x.metrics.approximationError / one).toFixed(2) : 'n/a';
                return [
                  f.name,
                  m,
                  x.topology.label,
                  `${x.topology.params}` +
                    (m === 'axnet' ? ` (${signedPct(x.paramsDifference)}${x.withinTolerance ? '' : ', outside 3%'})` : ''),
                  pct(x.metrics.trueInvocation, 1),
                  x.trueInvocationPerSeed.map((v) => pct(v, 0)).join(' / '),
                  pct(x.metrics.predictedInvocation, 1),
                  pct(x.metrics.predictionAccuracy, 1),
                  pct(x.metrics.safeAndPredictedSafe, 1),
                  err(x.metrics),
                  ratio,
                  x.metrics.meanError.toFixed(4),
                ];
              }),
            ),
            `paper: ${PAPER.vsOnepass} vs onepass, ${PAPER.vsIterative} vs iterative`,
          ),
          ...silentPredictors(r),
          figure('invocation', 'True and predicted invocation', invocationSpec(r)),
          table(
            ['', 'AXNet', 'onepass', 'iterative'],
            [
              [
                'mean true invocation',
                pct(s.trueInvocation.axnet, 1),
                pct(s.trueInvocation.onepass, 1),
                pct(s.trueInvocation.iterative, 1),
              ],
              [
                'AXNet gain, relative (mean over functions)',
                '',
                signedPct(s.relativeGain.vsOnepass),
                signedPct(s.relativeGain.vsIterative),
              ],
              ['AXNet gain, points (mean over functions)', '', pts(s.pointsGain.vsOnepass), pts(s.pointsGain.vsIterative)],
            ],
            `paper: ${PAPER.vsOnepass}; ${PAPER.vsIterative}`,
          ),
        ],
      },
      {
        title: 'Parameters and training time (Figure 10a)',
        command: cmd,
        blocks: [
          table(
            [
              'function',
              'AXNet parameters / baseline',
              'AXNet training, s',
              'onepass, s',
              'iterative, s',
              'AXNet / iterative time',
              'steps (AXNet / onepass / iterative)',
            ],
            r.functions.map((f) => {
              const [a, o, i] = METHOD_ORDER.map((m) => byMethod(f, m));
              return [
                f.name,
                (a!.topology.params / o!.topology.params).toFixed(3),
                a!.trainSeconds.toFixed(1),
                o!.trainSeconds.toFixed(1),
                i!.trainSeconds.toFixed(1),
                (a!.trainSeconds / i!.trainSeconds).toFixed(2),
                `${a!.steps} / ${o!.steps} / ${i!.steps}`,
              ];
            }),
            `mean training-time reduction against iterative: ${pct(s.trainingTimeReductionVsIterative, 1)}; paper: ${PAPER.trainingTime}`,
          ),
        ],
      },
      {
        title: `Invocation against parameter count on ${r.paramSweep.function} (Figure 9)`,
        command: cmd,
        blocks: [
          table(
            ['baseline hidden width', 'method', 'topology', 'parameters', 'true invocation', 'predicted invocation', 'training, s'],
            r.paramSweep.points.map((p) => [
              p.baselineHidden,
              p.method,
              p.topology.label,
              p.topology.params,
              pct(p.metrics.trueInvocation, 1),
              pct(p.metrics.predictedInvocation, 1),
              p.trainSeconds.toFixed(1),
            ]),
            `paper: ${PAPER.params}`,
          ),
          figure('param-sweep', 'Invocation against parameter count', paramSweepSpec(r)),
        ],
      },
      {
        title: 'Fusion into all hidden layers or one (Figure 10c)',
        command: cmd,
        blocks: [
          table(
            ['function', 'control vectors into', 'topology', 'parameters', 'true invocation', 'predicted invocation'],
            r.fusion.map((f) => [
              f.function,
              f.connect === 'all' ? 'all hidden layers' : `hidden layer ${f.connect}`,
              f.topology.label,
              f.topology.params,
              pct(f.metrics.trueInvocation, 1),
              pct(f.metrics.predictedInvocation, 1),
            ]),
            `paper: ${PAPER.fusion}`,
          ),
        ],
      },
      {
        title: 'On approximate multipliers',
        command: cmd,
        blocks: [
          table(
            [
              'function',
              'multiplier',
              'path',
              'method',
              'true invocation',
              'per seed',
              'predicted invocation',
              'prediction accuracy',
              'error over called safe',
              'training, s',
            ],
            r.hardware.map((h) => [
              h.function,
              h.multiplier,
              h.path,
              h.method,
              pct(h.metrics.trueInvocation, 1),
              h.trueInvocationPerSeed.map((v) => pct(v, 0)).join(' / '),
              pct(h.metrics.predictedInvocation, 1),
              pct(h.metrics.predictionAccuracy, 1),
              err(h.metrics),
              h.trainSeconds.toFixed(1),
            ]),
            'trained and evaluated with the forward pass on the multiplier (rtl hashes in axnet.json)',
          ),
          ...(r.hardware.length ? [figure('hardware', 'Invocation on the multipliers', hardwareSpec(r))] : []),
        ],
      },
      {
        title: 'On the NPU RTL, with the Hadamard step',
        command: cmd,
        blocks: [
          text(
            'Each framework is trained once with its forward pass on the multiplier, quantised with exponents ' +
              'calibrated on the integer path over the training set, and compiled for an NPU whose PEs have ' +
              "a second multiplier after the activation (the paper's Figure 5b). The whole test set runs on " +
              'the Verilated NPU; every stage of every sample (predictor hidden layer, control codes, logits, ' +
              'approximator layers after the Hadamard step, H(x)) equals the integer reference, and the invocation ' +
              "below is read from the NPU's out-stream. The NPU runs the predictor and the approximator on " +
              'every sample (it does not skip the approximator when the predictor says unsafe), so energy ' +
              'per inference is that of both; per approximated sample divides it by the predicted invocation.',
          ),
          table(
            [
              'function',
              'method',
              'NPU',
              'samples (outputs compared, all equal)',
              'cycles / inference',
              'true invocation (trained / NPU)',
              'predicted invocation (trained / NPU)',
              'error over called safe (NPU)',
              'energy / inference, nJ',
              'with the memories as sram / ff-ungated, nJ',
              'energy / approximated sample, nJ',
              'area, mm^2',
            ],
            r.npu.map((n) => [
              n.function,
              n.method,
              n.npu,
              `${n.samples} (${n.compared})`,
              n.cyclesPerInference,
              `${pct(n.metricsTrained.trueInvocation, 1)} / ${pct(n.metrics.trueInvocation, 1)}`,
              `${pct(n.metricsTrained.predictedInvocation, 1)} / ${pct(n.metrics.predictedInvocation, 1)}`,
              err(n.metrics),
              n.cost ? (n.cost.energyPerInferencePj.total! / 1e3).toFixed(3) : 'not run',
              n.cost?.energyPerInferenceByMemoryKind
                ? `${(n.cost.energyPerInferenceByMemoryKind.sram.total / 1e3).toFixed(3)} / ` +
                  (n.cost.energyPerInferenceByMemoryKind['ff-ungated'].total / 1e3).toFixed(3)
                : 'n/a',
              n.cost?.energyPerApproximatedPj != null
                ? (n.cost.energyPerApproximatedPj / 1e3).toFixed(3)
                : n.cost
                  ? 'none called safe'
                  : 'not run',
              n.cost ? (n.cost.areaUm2 / 1e6).toFixed(3) : 'not run',
            ]),
            r.npu[0]?.cost
              ? `gate level on ${r.npu[0].cost.samples} test samples at a ${r.npu[0].cost.clockNs} ns clock ` +
                  `(osu018), outputs compared with the integer reference on the way; memories charged per counted access ` +
                  'as clock-gated register files (ff-gated), and beside it as GF180MCU SRAM macros and as register files ' +
                  'clocked every cycle (the upper bound)'
              : 'gate-level energy not run (--quick or --npu-cost 0)',
          ),
          ...(r.npu.some((n) => n.cost) ? [figure('npu-energy', 'Energy per inference on the NPU', npuEnergySpec(r))] : []),
        ],
      },
      { title: 'Not run', command: cmd, blocks: [list(r.notRun)] },
    ],
  };
}

export function axnetDataFiles(r: AxnetResult): [string, string][] {
  return [['axnet.json', JSON.stringify(r, null, 1) + '\n']];
}

/** A note on the predictors that call no test sample safe: their rows would otherwise read as results. */
function silentPredictors(r: AxnetResult) {
  const silent = r.functions
    .flatMap((f) => METHOD_ORDER.map((m) => ({ f: f.name, m, x: byMethod(f, m).metrics })))
    .filter((e) => e.x.predictedInvocation === 0);
  if (!silent.length) return [];
  const minority = silent.every((e) => e.x.trueInvocation < 0.5);
  return [
    text(
      `**Predictors that call nothing safe** (predicted ` +
        `invocation 0): ${silent.map((e) => `${e.f} ${e.m} (true invocation ${pct(e.x.trueInvocation, 1)})`).join(', ')}. ` +
        `Each gives P(safe) <= 0.5 to every test sample, so it approximates nothing and its error over ` +
        'called safe is n/a.' +
        (minority
          ? ' In each, safe samples are a minority, and answering "unsafe" to all is the majority answer a predictor settles on ' +
            'when it has not learned to separate them'
          : '') +
        (r.quick
          ? `${minority ? ',' : ' This is'} expected of the --quick budget (${r.budget.epochs} epochs on ${r.budget.train} samples); ` +
            'the full run trains longer.'
          : minority
            ? '.'
            : ''),
    ),
  ];
}
