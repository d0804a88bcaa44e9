import { initBackend, backendLine } from '../../nn/backend.js';
import { getDataset } from '../../data/datasets.js';
import { prepareDataset, type PreparedData } from '../../data/prepare.js';
import { resolveModel, weightedLayerSizes, type ModelSpec } from '../../ir/model-spec.js';
import { train } from '../../train/trainer.js';
import { approxAnn } from '../../train/approxann.js';
import { Network } from '../../nn/network.js';
import { multiplierFromUnit, type ApproxMultiplier } from '../../multipliers/fixed-multiplier.js';
import { fixedHardware } from '../../nn/hardware.js';
import { FixedArithmetic } from '../../nn/fixed-arithmetic.js';
import { accuracy, head, logitsOf } from '../../evaluate/predict.js';
import { calibrate } from '../../evaluate/calibrate.js';
import { ntvEvaluate } from '../../evaluate/ntv.js';
import { argmaxRows } from '../../ir/classes.js';
import { NTV_RATE_BY_MV } from '../../arith/ntv.js';
import { quantisedNetworkOf } from '../../nn/to-ir.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { generateDesign } from '../../gen/generate.js';
import { sizeNpu } from '../../target/from-model.js';
import { npuDesign } from '../../npu/sizing.js';
import { networkTarget, type NpuTarget } from '../../npu/target.js';
import { bestSplit } from '../../npu/placement.js';
import { npuCost } from '../../npu/cost.js';
import { sramMemoriesAt } from '../../synth/module-cost.js';
import { MODULE_CLOCK_NS } from '../../synth/module-clock.js';
import { mean } from '../metrics.js';
import { multiplierPower, type MultiplierPower } from '../multiplier-power.js';
import { budgetFor, drumSpec, EXACT_SPEC, MULTIPLIER_WIDTH, OPERAND_FORM, type AxtrainApp } from '../axtrain/plan.js';
import { drumSettings, SETTING_RULE, type DrumSetting } from '../axtrain/settings.js';
import type { ExperimentContext } from '../experiment.js';
import type { AxtrainSystemOptions } from './options.js';
import { ACCURACY_BOUND, APPROXANN_SETTINGS, retrainEpochs, systemApps, SYSTEM_METHODS, type SystemMethod } from './plan.js';
import type { ApproxAnnRun, AxtrainSystemResult, Candidate, Chosen, Energy, SystemAppResult, SystemSummary } from './schema.js';
import { backendRecord } from '../backend-record.js';

export type AxtrainSystemExperimentOptions = AxtrainSystemOptions & ExperimentContext;

const CALIBRATION_SAMPLES = 2000;
const WEIGHT_MEMORY = 'weight memory';

/** A multiplier as the experiment holds it: its spec (the NPU's parameter) and its table read from the RTL. */
interface Mult {
  spec: string;
  m: ApproxMultiplier;
  k?: number;
  setting?: string;
}

/** What a network runs on: one multiplier, or a second one for the neurons its masks mark. */
interface HardwareConfig {
  first: Mult;
  second?: Mult;
  masks?: Uint8Array[];
}

/** A candidate configuration of one method: its network on its hardware. */
interface Option extends Omit<Candidate, 'cyclesPerInference' | 'estimatedComputePj'> {
  net: Network;
  hw: HardwareConfig;
}

export async function runAxtrainSystemExperiment(o: AxtrainSystemExperimentOptions): Promise<AxtrainSystemResult> {
  return runApps(o, systemApps(o));
}

/** Applications [first, end) of the run's (a shard): the result of those alone, the summary over them. */
export async function runAxtrainSystemPart(o: AxtrainSystemExperimentOptions, first: number, end: number): Promise<AxtrainSystemResult> {
  return runApps(o, systemApps(o).slice(first, end));
}

/** The whole run's result from its shards' results in order: the applications joined, the summary over all. */
export function mergeAxtrainSystemParts(parts: AxtrainSystemResult[]): AxtrainSystemResult {
  const apps = parts.flatMap((p) => p.apps);
  return { ...parts[0]!, apps, summary: summarise(apps) };
}

async function runApps(o: AxtrainSystemExperimentOptions, apps: AxtrainApp[]): Promise<AxtrainSystemResult> {
  const log = o.log ?? (() => {});
  const quick = o.quick === true;
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const settings = drumSettings();
  const exact: Mult = { spec: EXACT_SPEC, m: await multiplierFromUnit(EXACT_SPEC, { log }) };
  const drums = new Map<string, Mult>();
  for (const s of settings)
    drums.set(s.name, { spec: drumSpec(s.k), m: await multiplierFromUnit(drumSpec(s.k), { log }), k: s.k, setting: s.name });
  log(`multiplier power: DRUM k = ${settings.map((s) => s.k).join(', ')} against exact-mul (characterized; cached)`);
  const power = await multiplierPower(
    settings.map((s) => s.k),
    MULTIPLIER_WIDTH,
    false,
  );
  const run = {
    P: o.pes ?? 16,
    samples: o.samples ?? (quick ? 2 : 8),
    draws: o.draws ?? (quick ? 3 : 20),
    seed: o.seed,
    quick,
  };
  const results: SystemAppResult[] = [];
  for (const app of apps) results.push(await runApp(app, run, exact, drums, settings, power, log));
  return {
    format: 'axhw-axtrain-system-experiment' as const,
    version: 1 as const,
    command: o.command,
    quick,
    seed: o.seed,
    backend: backendRecord(backend),
    definitions: {
      operands: OPERAND_FORM,
      settings: SETTING_RULE,
      bound: `a configuration qualifies when its test accuracy is at least bp's on exact hardware minus ${100 * ACCURACY_BOUND} points`,
      axtrain: 'the axtrain-act network fine-tuned with axtrain-pas on the uniform setting it runs on (exact: the act network as it is)',
      approxann:
        'ApproxAnn (src/train/approxann.ts) from the bp or the axtrain-act network, the second multiplier DRUM at the setting: ' +
        'neurons least critical first (mean |dE/dz| over 128 training samples), retrained with pas on the per-neuron hardware ' +
        'each step, a step kept when it meets the bound (test accuracy, as every choice here), else undone and halved',
      choice:
        'per method, the candidate meeting the bound with the lowest estimated compute energy per inference on the NPU it would ' +
        "run on: the exact baseline's gate-level multiplier energy scaled by the candidate's estimated multiplier power (each " +
        "neuron's multiplies on its multiplier's characterized power) against exact, plus the baseline's datapath energy scaled " +
        "by the candidate's cycles per inference after placement (placeholder slots' multiplies by a zero weight not counted); " +
        "exact hardware running the bp network, which meets the bound by definition, is every method's fallback",
      storage:
        "the lowest of the application's two NTV supplies at which the chosen configuration's mean accuracy over the draws (weights' " +
        "stored bits flipped at that supply's rate) meets the bound, else nominal",
      energy:
        'the chosen network compiled for an NPU of its multipliers (per-neuron: PEs 0 .. apes - 1 on the second, apes the split ' +
        'of the P PEs with the fewest MAC cycles after placement) and costed at gate level on test inferences at the ' +
        'module clock; ' +
        'compute = multipliers + datapath; storage = every memory as GF180MCU SRAM macros, the weight memories at the chosen supply by ' +
        'the supply model (an extrapolation below 1.8 V), the rest at 1.8 V; savings against exact hardware (the bp network) with ' +
        'storage at 1.8 V. Energies per inference at one clock: power savings are the same ratios',
    },
    settings: settings.map((s) => ({ ...s, multiplier: drumSpec(s.k) })),
    power,
    pes: run.P,
    samples: run.samples,
    clockNs: MODULE_CLOCK_NS,
    apps: results,
    summary: summarise(results),
  };
}

interface RunSettings {
  P: number;
  samples: number;
  draws: number;
  seed: number;
  quick: boolean;
}

async function runApp(
  app: AxtrainApp,
  r: RunSettings,
  exact: Mult,
  drums: Map<string, Mult>,
  settings: readonly DrumSetting[],
  power: MultiplierPower,
  log: (m: string) => void,
): Promise<SystemAppResult> {
  const t0 = performance.now();
  const step = (m: string) => log(`[${app.name}] ${m} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const b = budgetFor(app, r.quick, r.draws);
  const data = prepareDataset(getDataset(app.dataset), { seed: r.seed, limitTrain: b.limitTrain, limitTest: b.limitTest });
  const model = resolveModel(app.model, data.shape, data.classes.length);
  const image = app.dataset === 'fashion-mnist';
  step(`${data.train.n} train / ${data.test.n} test, ${model.name}; bp and axtrain-act for ${b.epochs} epochs`);
  const base = { data, model, batchSize: b.batchSize, learningRate: b.learningRate, seed: r.seed };
  const bp = (await train({ ...base, method: 'bp', epochs: b.epochs })).net;
  const act = (await train({ ...base, method: 'axtrain-act', epochs: b.epochs })).net;
  const evaluator = evaluation(data);
  const onExact: HardwareConfig = { first: exact };
  const exactAccuracy = evaluator.accuracy(bp, onExact);
  const targetAccuracy = exactAccuracy - ACCURACY_BOUND;
  const shares = multiplyShares(model);
  const estimate = (hw: HardwareConfig): number =>
    shares.reduce(
      (s, layer, k) => s + layer.reduce((t, share, j) => t + share * powerOf(hw.masks?.[k]![j] ? hw.second! : hw.first, power), 0),
      0,
    );
  const neurons = shares.reduce((s, l) => s + l.length, 0);
  const options: Option[] = [];
  const add = (method: SystemMethod, config: string, net: Network, hw: HardwareConfig, known?: number) => {
    const approxNeurons = hw.masks ? marked(hw.masks) : hw.first.k !== undefined ? neurons : 0;
    const k = hw.second?.k ?? hw.first.k;
    options.push({
      method,
      config,
      ...(k !== undefined ? { k } : {}),
      approxNeurons,
      neurons,
      accuracy: known ?? evaluator.accuracy(net, hw),
      estimatedMultiplierMw: estimate(hw),
      net,
      hw,
    });
  };
  step('uniform settings: bp as trained, axtrain fine-tuned on each');
  for (const m of SYSTEM_METHODS) add(m, 'exact (bp network)', bp, onExact, exactAccuracy);
  add('axtrain', 'exact', act, onExact);
  const actWeights = act.weights();
  for (const s of settings) {
    const d = drums.get(s.name)!;
    add('bp', s.name, bp, { first: d });
    const tuned = await train({
      ...base,
      method: 'axtrain-pas',
      epochs: b.pasEpochs,
      hardware: fixedHardware(d.m, 'transform', 'per-operand transform proved on the RTL table'),
      initialWeights: actWeights,
    });
    add('axtrain', s.name, tuned.net, { first: d });
  }
  const approxann: ApproxAnnRun[] = [];
  for (const [method, start] of [
    ['approxann-bp', bp],
    ['approxann-axtrain', act],
  ] as const) {
    for (const setting of APPROXANN_SETTINGS) {
      const d = drums.get(setting)!;
      const ta = performance.now();
      step(`ApproxAnn from the ${method === 'approxann-bp' ? 'bp' : 'axtrain-act'} network, ${setting} (k = ${d.k}) per neuron`);
      const res = await approxAnn({
        data,
        model,
        initialWeights: start.weights(),
        exact: exact.m,
        approx: d.m,
        targetAccuracy,
        evaluate: (net, masks) => evaluator.accuracy(net, { first: exact, second: d, masks }),
        retrainEpochs: retrainEpochs(b, image, r.quick),
        batchSize: b.batchSize,
        learningRate: b.learningRate,
        seed: r.seed,
      });
      approxann.push({
        start: method === 'approxann-bp' ? 'bp' : 'axtrain',
        setting,
        k: d.k!,
        approxNeurons: res.approxNeurons,
        neurons: res.neurons,
        accuracy: res.accuracy,
        steps: res.steps.map(({ before, step: n, accuracy: a, accepted }) => ({ before, step: n, accuracy: a, accepted })),
        seconds: (performance.now() - ta) / 1000,
      });
      const net = new Network(model, r.seed);
      net.setWeights(res.weights);
      add(method, `${setting} per neuron`, net, { first: exact, second: d, masks: res.masks });
    }
  }
  // Each method's lowest-power candidate within the bound, its storage supply, and its energy on the NPU.
  const test = data.test;
  const x = test.x.subarray(0, Math.min(r.samples, test.n) * (test.x.length / test.n));
  const n = Math.min(r.samples, test.n);
  step(`costing exact hardware at gate level (${n} inferences)`);
  // Each network on its hardware is placed and compiled once: the estimate and the costing read the same target.
  const placed = placedTargets(evaluator, r.P);
  const baseline = await costOn(placed(bp, onExact), x, n, undefined);
  // Each candidate on the NPU it would run on (per-neuron: placed, placeholders and all), its compute estimated
  // from the baseline's measured energies: placement's extra cycles count, not only the multipliers' power.
  const exactMw = estimate(onExact);
  const candidates = options.map((c) => {
    const cycles = placed(c.net, c.hw).compiled.cyclesPerInference;
    const estimatedComputePj =
      baseline.energy.multiplierPj * (c.estimatedMultiplierMw / exactMw) +
      baseline.energy.datapathPj * (cycles / baseline.cyclesPerInference);
    return { ...c, cyclesPerInference: cycles, estimatedComputePj };
  });
  const chosen: Chosen[] = [];
  for (const method of SYSTEM_METHODS) {
    const best = candidates
      .filter((c) => c.method === method && c.accuracy >= targetAccuracy)
      .reduce<(typeof candidates)[number] | undefined>((a, c) => (!a || c.estimatedComputePj < a.estimatedComputePj ? c : a), undefined)!;
    const storage = lowestSupply(app, best, evaluator, targetAccuracy, r.draws, r.seed);
    step(`${method}: ${best.config}, weights stored at ${storage.voltageMv}${storage.voltageMv === 'nominal' ? '' : ' mV'}; costing`);
    const c = await costOn(placed(best.net, best.hw), x, n, storage.voltageMv === 'nominal' ? undefined : storage.voltageMv);
    chosen.push({
      method,
      config: best.config,
      ...(best.k !== undefined ? { k: best.k } : {}),
      approxNeurons: best.approxNeurons,
      accuracy: best.accuracy,
      storage,
      npu: c.npu,
      cyclesPerInference: c.cyclesPerInference,
      energy: c.energy,
      computeSavingPct: 100 * (1 - c.energy.computePj / baseline.energy.computePj),
      storageSavingPct: 100 * (1 - c.energy.storagePj / baseline.energy.storageNominalPj),
    });
  }
  const kept = new Set(options.map((c) => c.net));
  for (const net of kept) net.dispose();
  step('done');
  return {
    app,
    data: { train: data.train.n, test: data.test.n, classes: data.classes.length },
    model: model.name,
    seconds: (performance.now() - t0) / 1000,
    exactAccuracy,
    targetAccuracy,
    candidates: candidates.map(({ net: _n, hw: _h, ...c }) => c),
    approxann,
    baseline: { npu: baseline.npu, cyclesPerInference: baseline.cyclesPerInference, energy: baseline.energy },
    chosen,
  };
}

/** Neurons the masks mark, all layers. */
const marked = (masks: readonly Uint8Array[]): number => masks.reduce((s, m) => s + m.reduce((t, v) => t + v, 0), 0);

const powerOf = (m: Mult, p: MultiplierPower): number => (m.k === undefined ? p.exact.powerMw : p.drum.find((d) => d.k === m.k)!.powerMw);

/** Each neuron's share of a network's multiplies per inference (fan-in x positions), per weighted layer. */
function multiplyShares(model: ModelSpec): number[][] {
  const sizes = weightedLayerSizes(model);
  const total = sizes.reduce((s, l) => s + l.fanIn * l.positions * l.outputs, 0);
  return sizes.map((l) => Array.from({ length: l.outputs }, () => (l.fanIn * l.positions) / total));
}

/** Test accuracy of a network on a hardware configuration, its activation scales calibrated on it (as the NPU runs). */
function evaluation(data: PreparedData) {
  const calib = head(data.train, CALIBRATION_SAMPLES);
  const arithmetic = (hw: HardwareConfig) =>
    new FixedArithmetic({
      mult: hw.first.m,
      path: 'table',
      ...(hw.second ? { neurons: { approx: hw.second.m, masks: hw.masks! } } : {}),
    });
  // Calibrated once per network and hardware: the choice, its storage supply and its cost all read it.
  const done = new WeakMap<Network, Map<HardwareConfig, { a: FixedArithmetic; inputExps: number[] }>>();
  const frozen = (net: Network, hw: HardwareConfig) => {
    const perNet = done.get(net) ?? done.set(net, new Map()).get(net)!;
    let f = perNet.get(hw);
    if (!f) {
      const a = arithmetic(hw);
      const inputExps = calibrate(net, calib, a);
      perNet.set(hw, (f = { a: a.with({ inputExps }), inputExps }));
    }
    return f;
  };
  return {
    frozen,
    accuracy(net: Network, hw: HardwareConfig): number {
      const z = logitsOf(net, data.test, frozen(net, hw).a);
      return accuracy(argmaxRows(z, data.test.n), data.test.y);
    },
    test: data.test,
  };
}
type Evaluator = ReturnType<typeof evaluation>;

/** The lowest of the application's NTV supplies whose mean accuracy over the draws meets the bound, else nominal. */
function lowestSupply(app: AxtrainApp, c: Option, ev: Evaluator, target: number, draws: number, seed: number): Chosen['storage'] {
  const { a } = ev.frozen(c.net, c.hw);
  for (const mv of [...app.voltages].sort((x, y) => x - y)) {
    const res = ntvEvaluate(c.net, ev.test, a, NTV_RATE_BY_MV[mv]!, draws, seed * 1000 + mv);
    if (res.mean >= target) return { voltageMv: mv, accuracy: res.mean, draws };
  }
  return { voltageMv: 'nominal', accuracy: c.accuracy, draws };
}

/** A network compiled for an NPU of its multipliers (per-neuron: the split of the P PEs with the fewest MAC cycles). */
function placedNpu(net: Network, hw: HardwareConfig, ev: Evaluator, P: number) {
  const approx = hw.masks ? marked(hw.masks) : 0;
  const total = hw.masks ? hw.masks.reduce((s, m) => s + m.length, 0) : 1;
  // Every neuron on one multiplier: a uniform NPU of it (no PE of the other left idle); the same arithmetic.
  const uniform: HardwareConfig | undefined = !hw.second
    ? undefined
    : approx === total
      ? { first: hw.second }
      : approx === 0
        ? { first: hw.first }
        : undefined;
  const cfg = uniform ?? hw;
  const first = cfg.first;
  const { a, inputExps } = ev.frozen(net, cfg);
  const q = quantisedNetworkOf(net, a, inputExps);
  const design = (spec: string) => {
    const u = resolveUnitSpec(spec);
    return generateDesign(u.unit, u.params);
  };
  const child = design(first.spec);
  const second = cfg.second ? { spec: cfg.second.spec, design: design(cfg.second.spec) } : undefined;
  const apes = second ? bestSplit(q, P).apes : undefined;
  const memory = { prog: 'sram', abuf: 'sram', wmem: 'sram', bmem: 'sram' } as const;
  const params = sizeNpu(q, first.spec, { P, memory, ...(apes ? { apes } : {}) }, child, second);
  return networkTarget(q, npuDesign(params, child, second?.design));
}

/** placedNpu, once per network and hardware configuration. */
function placedTargets(ev: Evaluator, P: number): (net: Network, hw: HardwareConfig) => NpuTarget {
  const done = new Map<Network, Map<HardwareConfig, NpuTarget>>();
  return (net, hw) => {
    const perNet = done.get(net) ?? done.set(net, new Map()).get(net)!;
    let t = perNet.get(hw);
    if (!t) perNet.set(hw, (t = placedNpu(net, hw, ev, P)));
    return t;
  };
}

/** A placed network on its NPU, costed at gate level: energy per inference by part, storage at `mv` for the weights. */
async function costOn(
  target: NpuTarget,
  x: Float32Array,
  n: number,
  mv: number | undefined,
): Promise<{ npu: string; cyclesPerInference: number; energy: Energy }> {
  const c = await npuCost(target, x, n, { clockNs: MODULE_CLOCK_NS });
  const pj = (j: number) => (j / n) * 1e12;
  // Nominal storage is the cost's own SRAM figure; the weight memories re-priced at the chosen supply.
  const atSupply = sramMemoriesAt(c, (r) => r === WEIGHT_MEMORY, mv === undefined ? undefined : mv / 1000);
  const e = c.energyPerInferencePj;
  return {
    npu: target.spec,
    cyclesPerInference: c.cyclesPerInference,
    energy: {
      multiplierPj: e.multiplier ?? 0,
      datapathPj: e.datapath ?? 0,
      computePj: (e.multiplier ?? 0) + (e.datapath ?? 0),
      controlPj: e.control ?? 0,
      storageNominalPj: c.energyPerInferenceByMemoryKind.sram.memories,
      storagePj: pj(atSupply.energyJ),
      weightStoragePj: pj(atSupply.scaledJ),
    },
  };
}

function summarise(apps: SystemAppResult[]): SystemSummary {
  const by = (f: (c: Chosen) => number) =>
    Object.fromEntries(SYSTEM_METHODS.map((m) => [m, mean(apps.map((a) => f(a.chosen.find((c) => c.method === m)!)))])) as Record<
      SystemMethod,
      number
    >;
  const compute = (a: SystemAppResult, m: SystemMethod) => a.chosen.find((c) => c.method === m)!.energy.computePj;
  const more = Object.fromEntries(
    APPROXANN_SETTINGS.map((s) => {
      const ratios = apps
        .map((a) => [
          a.approxann.find((r) => r.start === 'bp' && r.setting === s)!,
          a.approxann.find((r) => r.start === 'axtrain' && r.setting === s)!,
        ])
        .filter(([b]) => b.approxNeurons > 0)
        .map(([b, x]) => 100 * (x.approxNeurons / b.approxNeurons - 1));
      return [s, ratios.length ? mean(ratios) : null];
    }),
  );
  return {
    computeSavingPct: by((c) => c.computeSavingPct),
    storageSavingPct: by((c) => c.storageSavingPct),
    axtrainVsApproxannComputePct: mean(apps.map((a) => 100 * (1 - compute(a, 'axtrain') / compute(a, 'approxann-bp')))),
    approxannMoreApproxPct: more,
    paper: {
      computePowerSavingPct: 41.57,
      storagePowerSavingPct: 33.14,
      axtrainVsApproxannComputePct: 25.73,
      approxannMoreApproxPct: { K1: 25.51, K2: 23.33 },
    },
  };
}
