import { initBackend, backendLine } from '../../nn/backend.js';
import { resolveHardware, type Hardware } from '../../nn/hardware.js';
import { getTargetFunction, TARGET_FUNCTIONS, type TargetFunction } from '../../data/axbench/index.js';
import { EXACT, type ForwardHardware } from '../../axnet/framework.js';
import { hadamardOn } from '../../axnet/hadamard.js';
import { invocationMetrics, type InvocationMetrics } from '../../axnet/metrics.js';
import {
  describeTopology,
  matchParameterCount,
  parameterCount,
  predictorOutputs,
  type Connect,
  type Topology,
} from '../../axnet/topology.js';
import { METHODS, trainFramework, type AxnetMethod, type RegressionSamples, type TrainSettings } from '../../axnet/train.js';
import { FULL, QUICK, type AxnetBudget } from './plan.js';
import { axnetJobs, functionJob, fusionJob, hardwareJob, NPU_JOB, sizeJob } from './jobs.js';
import type { AxnetResult, FunctionResult, MethodRun, MetricsRecord, TopologyRecord } from './schema.js';
import type { AxnetOptions } from './options.js';
import type { ExperimentContext } from '../experiment.js';
import { quantiseAxnet } from '../../infer/axnet-reference.js';
import { axnetNpu, axnetTarget, runAxnetOnNpu } from '../../npu/axnet-target.js';
import { npuCost } from '../../npu/cost.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { generateDesign } from '../../gen/generate.js';
import { sampleErrors } from '../../data/axbench/function.js';
import { AxhwError } from '../../errors.js';
import { backendRecord } from '../backend-record.js';

/** The run's options: the command's, as declared once in options.ts, and the context of the run. */
export type AxnetExperimentOptions = AxnetOptions & ExperimentContext;

const record = (m: InvocationMetrics): MetricsRecord => ({
  ...m,
  approximationError: Number.isNaN(m.approximationError) ? null : m.approximationError,
});

function topologyRecord(t: Topology): TopologyRecord {
  return {
    approximator: [t.inputs, ...t.approximatorHidden, t.outputs],
    predictor: [t.inputs, t.predictorHidden, predictorOutputs(t)],
    ...(t.connect ? { connect: t.connect } : {}),
    label: describeTopology(t),
    params: parameterCount(t),
  };
}

const baselineOf = (f: TargetFunction, hidden = f.approximatorHidden, predictorHidden = f.predictorHidden): Topology => ({
  inputs: f.inputs,
  outputs: f.outputs,
  approximatorHidden: hidden,
  predictorHidden,
});

interface Data {
  train: RegressionSamples;
  test: RegressionSamples;
  seeds: { train: number; test: number };
}

/**
 * Train by one method once per training seed (initialisation and shuffling; the data stay the same),
 * evaluate each on the test set on the same hardware, and average: small networks are at the mercy of
 * their initialisation (a narrow ReLU layer can start dead), so one seed would compare luck.
 */
async function trainAndScore(
  method: AxnetMethod,
  t: Topology,
  fn: TargetFunction,
  d: Data,
  s: TrainSettings,
  seeds: number[],
): Promise<{ metrics: InvocationMetrics; perSeed: number[]; trainSeconds: number; steps: number; history: MethodRun['history'] }> {
  const runs: { metrics: InvocationMetrics; trainSeconds: number; steps: number; history: MethodRun['history'] }[] = [];
  for (const seed of seeds) {
    const run = await trainFramework(method, t, d.train, { ...s, seed, errorBound: fn.errorBound });
    try {
      const ev = run.framework.evaluate(d.test.x, d.test.y, d.test.n, s.hardware);
      runs.push({
        metrics: invocationMetrics(ev.errors, ev.predictedSafe, fn.errorBound),
        trainSeconds: run.trainSeconds,
        steps: run.steps,
        history: method === 'axnet' ? run.history : [],
      });
    } finally {
      run.framework.dispose();
    }
  }
  const avg = (k: keyof InvocationMetrics) => {
    const v = runs.map((r) => r.metrics[k]).filter((x) => !Number.isNaN(x));
    return v.length ? mean(v) : NaN;
  };
  const keys = Object.keys(runs[0]!.metrics) as (keyof InvocationMetrics)[];
  return {
    metrics: Object.fromEntries(keys.map((k) => [k, avg(k)])) as unknown as InvocationMetrics,
    perSeed: runs.map((r) => r.metrics.trueInvocation),
    trainSeconds: mean(runs.map((r) => r.trainSeconds)),
    steps: mean(runs.map((r) => r.steps)),
    history: runs[0]!.history,
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * AXNet and onepass on the NPU (one training seed): trained with the forward pass on the NPU's multiplier,
 * quantised (exponents calibrated on the integer path over the training set), the whole test set run on the
 * Verilated NPU with every stage compared with the integer reference, invocation read from the NPU's
 * out-stream; with `costSamples`, energy per inference of the gate-level NPU on that many test samples.
 */
async function runOnTheNpu(
  fns: TargetFunction[],
  hw: Hardware,
  plan: AxnetBudget['npu'],
  dataOf: (f: TargetFunction) => Data,
  settings: TrainSettings,
  seed: number,
  log: (m: string) => void,
): Promise<AxnetResult['npu']> {
  const forward: ForwardHardware = { arithmetic: hw.arithmetic(), hadamard: hadamardOn(hw) };
  const spec = resolveUnitSpec(plan.multiplier);
  const child = generateDesign(spec.unit, spec.params);
  const out: AxnetResult['npu'] = [];
  for (const fn of fns) {
    const d = dataOf(fn);
    for (const method of ['axnet', 'onepass'] as const) {
      const t = method === 'axnet' ? matchParameterCount(baselineOf(fn), 'all').topology : baselineOf(fn);
      const run = await trainFramework(method, t, d.train, { ...settings, seed, errorBound: fn.errorBound, hardware: forward });
      try {
        const fw = run.framework;
        const ev = fw.evaluate(d.test.x, d.test.y, d.test.n, forward);
        const q = quantiseAxnet(
          { approximator: fw.approximator.weightArrays(), predictor: fw.predictor.weightArrays(), connect: t.connect ?? [] },
          hw.fixed!,
          d.train.x,
          d.train.n,
        );
        const target = axnetTarget(q, axnetNpu(q, plan.multiplier, child, plan.P));
        const npuSpec = target.spec;
        const r = await runAxnetOnNpu(target, d.test.x, d.test.n, { jobs: 2, log });
        if (r.mismatch) {
          const m = r.mismatch;
          throw new AxhwError(
            `${fn.name} ${method} on the NPU differs from the integer reference: sample ${m.sample}, stage ${m.programLayer}, ` +
              `output ${m.neuron}, PE ${m.pe}, cycle ${m.cycle}: expected ${m.expected}, got ${m.got ?? 'nothing'} ` +
              `(${m.what}).`,
            'This is a bug in axhw: please report it with the command you ran.',
          );
        }
        const metrics = invocationMetrics(sampleErrors(Float32Array.from(r.h), d.test.y, fn.outputs), r.predictedSafe, fn.errorBound);
        log(
          `${fn.name} ${method} on the NPU (${npuSpec}): ${r.samples} samples bit-exact (${r.compared} ` +
            `outputs), ${r.cyclesModel} cycles each; true invocation ${(100 * metrics.trueInvocation).toFixed(1)}%, ` +
            `predicted ${(100 * metrics.predictedInvocation).toFixed(1)}%${callsNothing(metrics)}`,
        );
        let cost: AxnetResult['npu'][number]['cost'] = null;
        if (plan.costSamples > 0) {
          const c = await npuCost(target, d.test.x, Math.min(plan.costSamples, d.test.n), { log });
          const e = c.energyPerInferencePj;
          cost = {
            samples: c.samples,
            clockNs: c.clockNs,
            areaUm2: c.total.area,
            energyPerInferencePj: e,
            energyPerInferenceByMemoryKind: c.energyPerInferenceByMemoryKind,
            energyPerApproximatedPj: metrics.predictedInvocation > 0 ? e.total / metrics.predictedInvocation : null,
          };
          log(
            `${fn.name} ${method}: ${(e.total / 1e3).toFixed(3)} nJ per inference at gate level, area ${(c.total.area / 1e6).toFixed(3)} ` +
              `mm^2`,
          );
        }
        out.push({
          function: fn.name,
          method,
          multiplier: hw.label,
          rtlHash: hw.rtlHash,
          npu: npuSpec,
          topology: topologyRecord(t),
          samples: r.samples,
          compared: r.compared,
          cyclesPerInference: r.cyclesModel,
          metricsTrained: record(invocationMetrics(ev.errors, ev.predictedSafe, fn.errorBound)),
          metrics: record(metrics),
          cost,
        });
      } finally {
        run.framework.dispose();
      }
    }
  }
  return out;
}

/**
 * AXNet against onepass and iterative on the AxBench functions (Figures 6-8, 10a), invocation against
 * parameter count (Figure 9), all-layer against one-layer fusion (Figure 10c), and AXNet on registry
 * multipliers (its products on the RTL tables in the forward pass).
 */
export async function runAxnetExperiment(o: AxnetExperimentOptions): Promise<AxnetResult> {
  return runJobs(o, new Set(axnetJobs(o)));
}

/** Jobs [first, end) of the run's (axnetJobs; a shard): their results in their sections, the summary over its functions. */
export async function runAxnetPart(o: AxnetExperimentOptions, first: number, end: number): Promise<AxnetResult> {
  return runJobs(o, new Set(axnetJobs(o).slice(first, end)));
}

/** The whole run's result from its shards' results in order: every section joined, the summary over all functions. */
export function mergeAxnetParts(parts: AxnetResult[]): AxnetResult {
  const all = <T>(f: (p: AxnetResult) => T[]) => parts.flatMap(f);
  const functions = all((p) => p.functions);
  return {
    ...parts[0]!,
    functions,
    summary: summaryOf(functions),
    paramSweep: { ...parts[0]!.paramSweep, points: all((p) => p.paramSweep.points) },
    fusion: all((p) => p.fusion),
    hardware: all((p) => p.hardware),
    npu: all((p) => p.npu),
  };
}

async function runJobs(o: AxnetExperimentOptions, want: Set<string>): Promise<AxnetResult> {
  const log = o.log ?? (() => {});
  const quick = o.quick === true;
  const plan: AxnetBudget = quick ? QUICK : FULL;
  const budget = {
    train: o.train ?? plan.train,
    test: plan.test,
    epochs: o.epochs ?? plan.epochs,
    batchSize: plan.batchSize,
    learningRate: plan.learningRate,
    rounds: plan.rounds,
    seeds: plan.seeds,
  };
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const fns = o.functions ? o.functions.map(getTargetFunction) : [...TARGET_FUNCTIONS];
  // Multipliers first: a bad one stops the run before any training.
  const multipliers: Hardware[] = [];
  const specs = o.multipliers ?? plan.multipliers;
  for (const spec of specs) multipliers.push((await resolveHardware({ multiplier: spec, log }))!);
  const npuPlan = { ...plan.npu, costSamples: o.npuCost ?? plan.npu.costSamples };
  const npuHardware = (await resolveHardware({ multiplier: npuPlan.multiplier, path: 'table', log }))!;
  const seeds = Array.from({ length: plan.seeds }, (_, i) => o.seed + i);
  const settings: TrainSettings = {
    epochs: budget.epochs,
    batchSize: budget.batchSize,
    learningRate: budget.learningRate,
    errorBound: 0,
    rounds: budget.rounds,
    seed: o.seed,
    hardware: EXACT,
  };
  const cache = new Map<string, Data>();
  const dataOf = (f: TargetFunction): Data => {
    let d = cache.get(f.name);
    if (!d) {
      const dataSeeds = { train: o.seed, test: o.seed + 1000 };
      d = {
        train: { ...f.generate(budget.train, dataSeeds.train), n: budget.train },
        test: { ...f.generate(budget.test, dataSeeds.test), n: budget.test },
        seeds: dataSeeds,
      };
      cache.set(f.name, d);
    }
    return d;
  };

  const functions: FunctionResult[] = [];
  for (const fn of fns) {
    if (!want.has(functionJob(fn.name))) continue;
    const d = dataOf(fn);
    log(
      `${fn.name}: ${d.train.n} training / ${d.test.n} test samples, bound ${fn.errorBound}; training ` +
        `axnet, onepass, iterative (${seeds.length} seed(s) each)`,
    );
    const base = baselineOf(fn);
    const match = matchParameterCount(base, 'all');
    const methods: MethodRun[] = [];
    for (const method of METHODS) {
      const t = method === 'axnet' ? match.topology : base;
      const r = await trainAndScore(method, t, fn, d, settings, seeds);
      log(
        `${fn.name} ${method} (${describeTopology(t)}, ${parameterCount(t)} ` +
          `parameters): true invocation ${(100 * r.metrics.trueInvocation).toFixed(1)}%, ` +
          `predicted ${(100 * r.metrics.predictedInvocation).toFixed(1)}%${callsNothing(r.metrics)}, ${r.trainSeconds.toFixed(1)} ` +
          `s`,
      );
      methods.push({
        method,
        topology: topologyRecord(t),
        paramsDifference: method === 'axnet' ? match.difference : 0,
        withinTolerance: method === 'axnet' ? match.withinTolerance : true,
        trainSeconds: r.trainSeconds,
        steps: r.steps,
        metrics: record(r.metrics),
        trueInvocationPerSeed: r.perSeed,
        history: r.history,
      });
    }
    functions.push({
      name: fn.name,
      doc: fn.doc,
      inputs: fn.inputs,
      outputs: fn.outputs,
      inputRanges: fn.inputRanges,
      outputScaling: fn.outputScaling,
      errorBound: fn.errorBound,
      data: { train: d.train.n, test: d.test.n, trainSeed: d.seeds.train, testSeed: d.seeds.test },
      methods,
    });
  }

  const summary = summaryOf(functions);

  // Figure 9: both methods at several sizes of the baseline, AXNet matched to each.
  const sweepFn = getTargetFunction(plan.sweepFunction);
  const points: AxnetResult['paramSweep']['points'] = [];
  for (const w of plan.sweepWidths) {
    if (!want.has(sizeJob(w))) continue;
    const base = baselineOf(
      sweepFn,
      sweepFn.approximatorHidden.map(() => w),
      w,
    );
    for (const [method, t] of [
      ['iterative', base],
      ['axnet', matchParameterCount(base, 'all').topology],
    ] as const) {
      const r = await trainAndScore(method, t, sweepFn, dataOf(sweepFn), settings, seeds);
      log(
        `${sweepFn.name} size ${w}: ${method} ${describeTopology(t)} ` +
          `(${parameterCount(t)}): true invocation ${(100 * r.metrics.trueInvocation).toFixed(1)}%`,
      );
      points.push({
        method,
        baselineHidden: w,
        topology: topologyRecord(t),
        trainSeconds: r.trainSeconds,
        metrics: record(r.metrics),
        trueInvocationPerSeed: r.perSeed,
      });
    }
  }

  // Figure 10c: control vectors into every hidden layer, or into one, each matched to the baseline's count.
  const fusion: AxnetResult['fusion'] = [];
  for (const name of plan.fusionFunctions) {
    const fn = getTargetFunction(name);
    const connects: Connect[] = ['all', ...fn.approximatorHidden.map((_, i) => i + 1)];
    for (const c of connects) {
      if (!want.has(fusionJob(name, String(c)))) continue;
      const t = matchParameterCount(baselineOf(fn), c).topology;
      const r = await trainAndScore('axnet', t, fn, dataOf(fn), settings, seeds);
      log(`${fn.name} fusion ${c}: ${describeTopology(t)}: true invocation ${(100 * r.metrics.trueInvocation).toFixed(1)}%`);
      fusion.push({
        function: fn.name,
        connect: String(c),
        topology: topologyRecord(t),
        metrics: record(r.metrics),
        trueInvocationPerSeed: r.perSeed,
      });
    }
  }

  // Hardware: every product of the forward pass (layers and the Hadamard step) on the multiplier.
  const hardware: AxnetResult['hardware'] = [];
  const hwFns = plan.hardwareFunctions === 'all' ? fns : plan.hardwareFunctions.map(getTargetFunction);
  for (const [i, hw] of multipliers.entries()) {
    const forward: ForwardHardware = { arithmetic: hw.arithmetic(), hadamard: hadamardOn(hw) };
    for (const fn of hwFns) {
      if (!want.has(hardwareJob(specs[i]!, fn.name))) continue;
      for (const method of ['axnet', 'onepass'] as const) {
        const t = method === 'axnet' ? matchParameterCount(baselineOf(fn), 'all').topology : baselineOf(fn);
        const r = await trainAndScore(method, t, fn, dataOf(fn), { ...settings, hardware: forward }, seeds);
        log(
          `${fn.name} on ${hw.label}: ${method} true invocation ${(100 * r.metrics.trueInvocation).toFixed(1)}%, ` +
            `predicted ${(100 * r.metrics.predictedInvocation).toFixed(1)}%${callsNothing(r.metrics)}`,
        );
        hardware.push({
          function: fn.name,
          multiplier: hw.label,
          rtlHash: hw.rtlHash,
          path: hw.path,
          method,
          trainSeconds: r.trainSeconds,
          metrics: record(r.metrics),
          trueInvocationPerSeed: r.perSeed,
        });
      }
    }
  }

  // On the NPU RTL: AXNet (and onepass, its cost baseline) trained on the NPU's multiplier, quantised with
  // exponents calibrated on the training set, and the test set run on the Verilated NPU with the Hadamard step.
  const npuFns = npuPlan.functions === 'all' ? fns : fns.filter((f) => (npuPlan.functions as string[]).includes(f.name));
  const npu = want.has(NPU_JOB)
    ? await runOnTheNpu(npuFns.length ? npuFns : fns.slice(0, 1), npuHardware, npuPlan, dataOf, settings, o.seed, log)
    : [];

  return {
    format: 'axhw-axnet-experiment',
    version: 1,
    command: o.command,
    quick,
    seed: o.seed,
    backend: backendRecord(backend),
    budget,
    definitions: {
      error:
        'per-sample error Err = mean over the outputs of |H(x) - y|, outputs scaled to [0, 1] as each ' +
        "function states; a sample is safe to approximate when Err < the function's error bound",
      trueInvocation: 'share of test samples whose approximation is within the bound',
      predictedInvocation: 'share of test samples the predictor calls safe (P(safe) > 0.5): these invoke the approximator',
      predictionAccuracy:
        'share of test samples the predictor classifies correctly; "safe and called safe" is the share ' +
        "both safe and called safe (the paper's wording of its prediction accuracy)",
      approximationError: "mean Err over the test samples called safe (the paper's overall error); null when none is called safe",
      axnet:
        'predictor output layer split into one control vector per connected approximator hidden layer ' +
        'and 2 logits; a(i+1) = f(W(i)^T (a(i) . c(i)) + b(i)); J = MSE(y, H(x)) + CE(p_label, P(x)), ' +
        "p_label from each batch's own errors; one Adam over both networks; control-vector biases start " +
        'at 1, linear control outputs',
      onepass: `approximator trained (MSE) for the epochs, training set labelled by it, predictor trained (cross-entropy) for the epochs`,
      iterative:
        `${budget.rounds} rounds of: approximator trained on the samples labelled safe (all in round ` +
        `1), relabel, predictor trained on the labels; weights carried between rounds`,
      budget:
        `every training phase: ${budget.epochs} epochs of Adam (learning rate ${budget.learningRate}, ` +
        `batch ${budget.batchSize}) on ${budget.train} samples; test on ${budget.test} other samples; ` +
        `seeded generators (train seed ${o.seed}, test seed ${o.seed + 1000}); every configuration trained ` +
        `with ${seeds.length} training seed(s) (${seeds.join(', ')}: initialisation and shuffling) and ` +
        `its metrics averaged over them`,
      parameters:
        "weights and biases of approximator plus predictor; AXNet matched to the baseline's count within " +
        '3% by shrinking both networks in proportion (largest min(approximator parameter ratio, predictor ' +
        'width ratio))',
      trainingTime: 'wall seconds of training (all phases; mean over the seeds), same machine and run, one core',
      hardware:
        'forward pass on the multiplier: every layer product through its RTL table (dynamic fixed point, ' +
        "per-batch exponents) and the Hadamard step on the same multiplier (the paper's PE multiplier " +
        'after the activation); backward straight-through; evaluation on the test set as one batch on ' +
        'the same hardware',
    },
    functions,
    summary,
    paramSweep: { function: sweepFn.name, points },
    fusion,
    hardware,
    npu,
    notRun: [
      'Figure 10b (energy efficiency = speedup / energy reduction against the CPU): the paper estimates ' +
        "it from an external NPU model and needs the CPU's time and energy per exact evaluation, which " +
        "we do not model; the NPU's measured energy per inference and per approximated sample are reported " +
        'instead',
      ...(npuPlan.costSamples ? [] : ['energy on the NPU (gate level): skipped in this run (--npu-cost 0 or --quick)']),
    ],
  };
}

/** Said beside a predicted invocation of 0, which otherwise reads as a result rather than a failure to learn. */
function callsNothing(m: { predictedInvocation: number; trueInvocation: number }): string {
  if (m.predictedInvocation > 0) return '';
  return (
    ' (its predictor calls no sample safe' +
    (m.trueInvocation < 0.5
      ? `: safe samples are a minority, ${(100 * m.trueInvocation).toFixed(1)}%, and it answers "unsafe" to all`
      : '') +
    '; ' +
    `nothing is approximated)`
  );
}

/** The averages over the functions run (a part's own, or all of them at merge). */
function summaryOf(functions: FunctionResult[]): AxnetResult['summary'] {
  const by = (f: FunctionResult, m: AxnetMethod) => f.methods.find((x) => x.method === m)!;
  const rel = (m: AxnetMethod) => {
    const v = functions
      .filter((f) => by(f, m).metrics.trueInvocation > 0)
      .map((f) => by(f, 'axnet').metrics.trueInvocation / by(f, m).metrics.trueInvocation - 1);
    return v.length ? mean(v) : null;
  };
  return {
    trueInvocation: {
      axnet: mean(functions.map((f) => by(f, 'axnet').metrics.trueInvocation)),
      onepass: mean(functions.map((f) => by(f, 'onepass').metrics.trueInvocation)),
      iterative: mean(functions.map((f) => by(f, 'iterative').metrics.trueInvocation)),
    },
    relativeGain: { vsOnepass: rel('onepass'), vsIterative: rel('iterative') },
    pointsGain: {
      vsOnepass: mean(functions.map((f) => by(f, 'axnet').metrics.trueInvocation - by(f, 'onepass').metrics.trueInvocation)),
      vsIterative: mean(functions.map((f) => by(f, 'axnet').metrics.trueInvocation - by(f, 'iterative').metrics.trueInvocation)),
    },
    trainingTimeReductionVsIterative: mean(functions.map((f) => 1 - by(f, 'axnet').trainSeconds / by(f, 'iterative').trainSeconds)),
    paramsRatio: mean(functions.map((f) => by(f, 'axnet').topology.params / by(f, 'onepass').topology.params)),
  };
}
