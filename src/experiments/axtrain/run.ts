import { initBackend, backendLine, type BackendInfo } from '../../nn/backend.js';
import { getDataset } from '../../data/datasets.js';
import { prepareDataset } from '../../data/prepare.js';
import type { LabelledData } from '../../data/table-data.js';
import { resolveModel } from '../../nn/models.js';
import { train, type TrainResult } from '../../train/trainer.js';
import { DEFAULT_ACT, type ActOptions } from '../../train/act.js';
import type { Network } from '../../nn/network.js';
import { multiplierFromUnit, type ApproxMultiplier } from '../../arith/fixed-multiplier.js';
import { fixedHardware, type Hardware } from '../../arith/hardware.js';
import { FixedArithmetic } from '../../arith/fixed-arithmetic.js';
import { accuracy, head, logitsOf } from '../../infer/predict.js';
import { calibrate } from '../../infer/calibrate.js';
import { ntvEvaluate } from '../../infer/ntv.js';
import { argmaxRows } from '../../nn/task.js';
import { NTV_RATE_BY_MV } from '../../arith/ntv.js';
import { sensitivityMaps } from '../../train/sensitivity.js';
import { budgetFor, drumSpec, DRUM_SETTINGS, EXACT_SPEC, MULTIPLIER_WIDTH, selectApps, type AxtrainApp, type Budget } from './plan.js';
import { multiplierPower, type MultiplierPower } from '../multiplier-power.js';

export interface AxtrainExperimentOptions {
  apps?: string[];
  quick: boolean;
  draws?: number;
  /** axtrain-act settings (defaults: DEFAULT_ACT). */
  act?: Partial<ActOptions>;
  /** Override the budget's epochs of bp/act (and of pas). */
  epochs?: number;
  pasEpochs?: number;
  seed: number;
  command: string;
  backend?: BackendInfo['name'];
  log?: (m: string) => void;
}

/** Accuracy, loss and output error of one network on one multiplier. */
export interface OnMultiplier {
  accuracy: number;
  /** Mean test cross-entropy on this multiplier. */
  loss: number;
  /** The paper's normalised output error: loss / (loss of the bp network on exact-mul). */
  outputError: number;
  /** sum |z - z_exact| / sum |z_exact| over the test logits, z_exact: this same network on exact-mul. */
  deviation: number;
}

export interface NtvResult {
  mean: number;
  std: number;
  accuracies: number[];
}

export interface AppResult {
  app: AxtrainApp;
  budget: Budget;
  data: { train: number; test: number; classes: number; split: string };
  model: string;
  seconds: number;
  /** Float32 test accuracy of each trained network, and on the exact 8-bit multiplier. */
  exact: Record<'bp' | 'act', { float: number; exactMultiplier: number }>;
  act: { lambdaFinal: number; history: { epoch: number; loss: number; sensitivity: number; lambda: number }[] };
  /** (1) per DRUM setting. `axtrain` is the act network fine-tuned with pas on that very setting. */
  multipliers: { setting: string; k: number; bp: OnMultiplier; act: OnMultiplier; axtrain: OnMultiplier }[];
  /** (2) per voltage [aggressive, conservative]: weights stored at 8 bits, exact multiplier. */
  ntv: { voltageMv: number; role: 'aggressive' | 'conservative'; rate: number; draws: number; bp: NtvResult; act: NtvResult; axtrain: NtvResult }[];
  /** Sensitivity |dO/dw w| on the test set: totals per layer, and the last layer's map (rows x cols). */
  sensitivity: Record<'bp' | 'act' | 'axtrain', { total: number; layers: number[]; last: LayerMap }>;
  /** Every weighted layer's map (written to sensitivity-<app>.json, not to axtrain.json). */
  sensitivityMaps: Record<'bp' | 'act' | 'axtrain', (LayerMap & { layer: number })[]>;
  /** (3) lowest-power configurations within 2 points of bp on the exact multiplier. */
  lowestPower: LowestPower;
}

export interface LayerMap {
  rows: number;
  cols: number;
  /** Row-major (fan-in x out), |dO/dw * w| to 5 significant digits. */
  values: number[];
}

export interface LowestPower {
  targetAccuracy: number;
  compute: Record<'bp' | 'axtrain', { config: string; k?: number; accuracy: number; powerMw: number; savingPct: number }>;
  storage: Record<'bp' | 'axtrain', { voltageMv: number | 'nominal'; accuracy: number }>;
}

const CALIBRATION_SAMPLES = 2000;

/** The whole experiment: every application, then the averages the paper reports. */
export async function runAxtrainExperiment(o: AxtrainExperimentOptions) {
  const log = o.log ?? (() => {});
  const apps = selectApps(o.apps);
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const exact = await multiplierFromUnit(EXACT_SPEC, { log });
  const drums = new Map<number, ApproxMultiplier>();
  for (const s of DRUM_SETTINGS) drums.set(s.k, await multiplierFromUnit(drumSpec(s.k), { log }));
  log('multiplier power: characterizing DRUM k = ' + DRUM_SETTINGS.map((s) => s.k).join(', ') + ' against exact-mul (Yosys + ABC + OpenSTA, cached)');
  const power = await multiplierPower(DRUM_SETTINGS.map((s) => s.k), MULTIPLIER_WIDTH);
  const results: AppResult[] = [];
  for (const app of apps) results.push(runApp(app, o, exact, drums, power, log));
  return {
    format: 'axhw-axtrain-experiment',
    version: 1,
    command: o.command,
    quick: o.quick,
    seed: o.seed,
    backend: { name: backend.name, tfjs: backend.tfjsVersion, notes: backend.notes, quantiser: backend.quantiser },
    definitions: {
      output: 'O = batch mean of the sum of the logits; S = sum over the weights of |dO/dw * w| (biases excluded)',
      act: { ...DEFAULT_ACT, ...o.act },
      settings: DRUM_SETTINGS.map((s) => ({ ...s, multiplier: drumSpec(s.k) })),
      exactMultiplier: EXACT_SPEC,
      outputError: "the network's output error (mean test cross-entropy) on the DRUM setting, normalised to the bp network's on exact-mul (the paper's Figure 6: errors normalised to the original network with accurate multipliers)",
      deviation: 'sum over test samples and classes of |z - z_exact| / sum |z_exact|, z the logits of a network on the DRUM setting, z_exact those of the same network on exact-mul (the pure multiplier-induced output change)',
      calibration: `activation scales of each network and multiplier frozen from its first ${CALIBRATION_SAMPLES} training samples, as the hardware would run`,
      errorReduction: '1 - outputError(method) / outputError(bp), per application and setting; averages are plain means over the applications',
      axtrain: 'the axtrain-act network (same epochs) fine-tuned with axtrain-pas on the setting it is evaluated on (DRUM k, or NTV flips at that voltage on the exact multiplier)',
      ntv: 'weights stored as 8-bit two\'s-complement codes with a per-layer power-of-two scale; each draw flips every stored bit independently and holds the flips for the whole test set',
      lowestPower: 'target = accuracy of the bp network on exact-mul minus 2 points; compute: the lowest-power multiplier among exact-mul and K1..K4 meeting it; storage: the lowest of the application\'s two voltages (else nominal) whose mean NTV accuracy meets it. Storage power is not modelled (the paper used CACTI-P).',
    },
    power,
    apps: results,
    summary: summarise(results),
  };
}

export type AxtrainReport = Awaited<ReturnType<typeof runAxtrainExperiment>>;

function runApp(app: AxtrainApp, o: AxtrainExperimentOptions, exact: ApproxMultiplier, drums: Map<number, ApproxMultiplier>, power: MultiplierPower, log: (m: string) => void): AppResult {
  const t0 = performance.now();
  const b = budgetFor(app, o.quick, o.draws);
  if (o.epochs) b.epochs = o.epochs;
  if (o.pasEpochs) b.pasEpochs = o.pasEpochs;
  const data = prepareDataset(getDataset(app.dataset), { seed: o.seed, limitTrain: b.limitTrain, limitTest: b.limitTest });
  const model = resolveModel(app.model, data.shape, data.classes.length);
  const step = (m: string) => log(`[${app.name}] ${m} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  step(`${data.train.n} train / ${data.test.n} test, ${model.name}; bp and axtrain-act for ${b.epochs} epochs`);
  const base = { data, model, batchSize: b.batchSize, learningRate: b.learningRate, seed: o.seed };
  const bp = train({ ...base, method: 'bp', epochs: b.epochs });
  const act = train({ ...base, method: 'axtrain-act', act: o.act, epochs: b.epochs });
  const actWeights = act.net.weights();
  const fineTune = (hardware: Hardware, ntvRate?: number): TrainResult =>
    train({ ...base, method: 'axtrain-pas', epochs: b.pasEpochs, hardware, ntvRate, initialWeights: actWeights });
  const fixed = (mult: ApproxMultiplier): Hardware => fixedHardware(mult, 'transform', 'per-operand transform proved on the RTL table');
  const onTransform = (mult: ApproxMultiplier, inputExps?: number[]) => new FixedArithmetic({ mult, path: 'transform', inputExps });
  // Each network's activation scales on each multiplier are calibrated once (the exact multiplier's serve
  // the output-error reference and every NTV voltage).
  const calib = head(data.train, CALIBRATION_SAMPLES);
  const calibrations = new Map<Network, Map<ApproxMultiplier, number[]>>();
  const inputExps = (net: Network, mult: ApproxMultiplier) => {
    const perNet = calibrations.get(net) ?? calibrations.set(net, new Map()).get(net)!;
    if (!perNet.has(mult)) perNet.set(mult, calibrate(net, calib, onTransform(mult)));
    return perNet.get(mult)!;
  };
  const logitsOn = (net: Network, mult: ApproxMultiplier) => logitsOf(net, data.test, onTransform(mult, inputExps(net, mult)));
  const onExact = new Map<Network, Float32Array>();
  const reference = (net: Network) => onExact.get(net) ?? onExact.set(net, logitsOn(net, exact)).get(net)!;
  const bpExactLoss = crossEntropy(reference(bp.net), data.test);
  const evaluate = (net: Network, mult: ApproxMultiplier): OnMultiplier => {
    const z = logitsOn(net, mult);
    const loss = crossEntropy(z, data.test);
    return { accuracy: accuracyOf(z, data.test), loss, outputError: loss / bpExactLoss, deviation: relativeL1(z, reference(net)) };
  };

  step('output error under DRUM K1..K4');
  let axtrainK1: TrainResult | undefined;
  const multipliers = DRUM_SETTINGS.map((s) => {
    const mult = drums.get(s.k)!;
    const tuned = fineTune(fixed(mult));
    const row = { setting: s.name, k: s.k, bp: evaluate(bp.net, mult), act: evaluate(act.net, mult), axtrain: evaluate(tuned.net, mult) };
    if (s.name === 'K1') axtrainK1 = tuned;
    else tuned.net.dispose();
    return row;
  });

  step(`NTV storage at ${app.voltages.join(' / ')} mV, ${b.draws} draws each`);
  const ntv = app.voltages.map((mv, i) => {
    const rate = NTV_RATE_BY_MV[mv]!;
    const tuned = fineTune(fixed(exact), rate);
    const draws = (net: Network): NtvResult => {
      const r = ntvEvaluate(net, data.test, onTransform(exact, inputExps(net, exact)), rate, b.draws, o.seed * 1000 + mv);
      return { mean: r.mean, std: r.std, accuracies: r.accuracies };
    };
    const row = { voltageMv: mv, role: (i === 0 ? 'aggressive' : 'conservative') as 'aggressive' | 'conservative', rate, draws: b.draws, bp: draws(bp.net), act: draws(act.net), axtrain: draws(tuned.net) };
    tuned.net.dispose();
    return row;
  });

  step('sensitivity maps');
  const maps = { bp: sensitivityOf(bp.net, data.test), act: sensitivityOf(act.net, data.test), axtrain: sensitivityOf(axtrainK1!.net, data.test) };
  const summaryOf = (m: (typeof maps)['bp']) => {
    const { rows, cols, values } = m.layers.at(-1)!.map;
    return { total: m.total, layers: m.layers.map((l) => l.total), last: { rows, cols, values } };
  };
  const exactAcc = (net: Network) => ({ float: accuracyOf(logitsOf(net, data.test), data.test), exactMultiplier: accuracyOf(reference(net), data.test) });
  const exactRes = { bp: exactAcc(bp.net), act: exactAcc(act.net) };
  const lowestPower = lowestPowerOf(exactRes.bp.exactMultiplier, multipliers, ntv, power);
  for (const r of [bp, act, axtrainK1!]) r.net.dispose();
  const seconds = (performance.now() - t0) / 1000;
  step('done');
  return {
    app,
    budget: b,
    data: { train: data.train.n, test: data.test.n, classes: data.classes.length, split: data.split },
    model: model.name,
    seconds,
    exact: exactRes,
    act: {
      lambdaFinal: act.history.at(-1)!.lambda!,
      history: act.history.map((h) => ({ epoch: h.epoch, loss: h.loss, sensitivity: h.sensitivity!, lambda: h.lambda! })),
    },
    multipliers,
    ntv,
    sensitivity: { bp: summaryOf(maps.bp), act: summaryOf(maps.act), axtrain: summaryOf(maps.axtrain) },
    sensitivityMaps: { bp: maps.bp.layers.map((l) => l.map), act: maps.act.layers.map((l) => l.map), axtrain: maps.axtrain.layers.map((l) => l.map) },
    lowestPower,
  };
}

function accuracyOf(z: Float32Array, d: LabelledData): number {
  return accuracy(argmaxRows(z, d.n), d.y);
}

/** Mean softmax cross-entropy of row-major logits against the labels (log-sum-exp, stable). */
export function crossEntropy(z: Float32Array, d: LabelledData): number {
  const c = z.length / d.n;
  let sum = 0;
  for (let i = 0; i < d.n; i++) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, z[i * c + j]!);
    let e = 0;
    for (let j = 0; j < c; j++) e += Math.exp(z[i * c + j]! - max);
    sum += max + Math.log(e) - z[i * c + d.y[i]!]!;
  }
  return sum / d.n;
}

export function relativeL1(z: Float32Array, ref: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < z.length; i++) {
    num += Math.abs(z[i]! - ref[i]!);
    den += Math.abs(ref[i]!);
  }
  return den > 0 ? num / den : 0;
}

function sensitivityOf(net: Network, d: LabelledData) {
  const { maps, total } = sensitivityMaps(net, d);
  return { total, layers: maps.map((m) => ({ total: m.total, map: { layer: m.layer, rows: m.rows, cols: m.cols, values: Array.from(m.values, (v) => Number(v.toPrecision(5))) } })) };
}

function lowestPowerOf(exactAccuracy: number, multipliers: AppResult['multipliers'], ntv: AppResult['ntv'], power: MultiplierPower): LowestPower {
  const targetAccuracy = exactAccuracy - 0.02;
  const compute = (method: 'bp' | 'axtrain') => {
    const candidates = [
      // Exact hardware running the bp network meets the target by definition: the fallback for both.
      { config: 'exact', k: undefined as number | undefined, accuracy: exactAccuracy, powerMw: power.exact.powerMw },
      ...multipliers.map((m) => ({ config: m.setting, k: m.k, accuracy: m[method].accuracy, powerMw: power.drum.find((d) => d.k === m.k)!.powerMw })),
    ].filter((c) => c.accuracy >= targetAccuracy);
    const best = candidates.reduce((a, c) => (c.powerMw < a.powerMw ? c : a));
    return { ...best, savingPct: (100 * (power.exact.powerMw - best.powerMw)) / power.exact.powerMw };
  };
  const storage = (method: 'bp' | 'axtrain') => {
    const ok = ntv.filter((v) => v[method].mean >= targetAccuracy).sort((a, b) => a.voltageMv - b.voltageMv)[0];
    return ok ? { voltageMv: ok.voltageMv, accuracy: ok[method].mean } : { voltageMv: 'nominal' as const, accuracy: exactAccuracy };
  };
  return { targetAccuracy, compute: { bp: compute('bp'), axtrain: compute('axtrain') }, storage: { bp: storage('bp'), axtrain: storage('axtrain') } };
}

const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : NaN);

/** The paper's averages over the applications: output-error reduction per setting, NTV gains, power. */
function summarise(results: AppResult[]) {
  const reduction = (m: 'act' | 'axtrain') =>
    DRUM_SETTINGS.map((s) => {
      const per = results.map((r) => {
        const row = r.multipliers.find((x) => x.setting === s.name)!;
        return row.bp.outputError > 0 ? 100 * (1 - row[m].outputError / row.bp.outputError) : 0;
      });
      const dev = results.map((r) => {
        const row = r.multipliers.find((x) => x.setting === s.name)!;
        return row.bp.deviation > 0 ? 100 * (1 - row[m].deviation / row.bp.deviation) : 0;
      });
      return { setting: s.name, k: s.k, meanPct: mean(per), perApp: per, deviationMeanPct: mean(dev) };
    });
  const ntvGain = (role: 'aggressive' | 'conservative') => {
    const rows = results.map((r) => r.ntv.find((v) => v.role === role)!);
    return {
      role,
      meanPointsAxtrain: mean(rows.map((v) => 100 * (v.axtrain.mean - v.bp.mean))),
      meanPointsAct: mean(rows.map((v) => 100 * (v.act.mean - v.bp.mean))),
      meanRelativePctAxtrain: mean(rows.map((v) => (v.bp.mean > 0 ? 100 * (v.axtrain.mean / v.bp.mean - 1) : 0))),
    };
  };
  return {
    outputErrorReduction: { act: reduction('act'), axtrain: reduction('axtrain') },
    ntv: [ntvGain('aggressive'), ntvGain('conservative')],
    computePowerSaving: {
      bpMeanPct: mean(results.map((r) => r.lowestPower.compute.bp.savingPct)),
      axtrainMeanPct: mean(results.map((r) => r.lowestPower.compute.axtrain.savingPct)),
      axtrainVsBpMeanPct: mean(results.map((r) => (100 * (r.lowestPower.compute.bp.powerMw - r.lowestPower.compute.axtrain.powerMw)) / r.lowestPower.compute.bp.powerMw)),
    },
    paper: {
      outputErrorReductionAct: { K1: 40.77, K2: 34.56, K3: 25.15 },
      outputErrorReductionAxtrain: { K1: 75.61, K2: 58.45, K3: 37.66 },
      ntvAccuracyGain: { aggressive: 32.1, conservative: 8.163 },
      computePowerSavingPct: 41.57,
      storagePowerSavingPct: 33.14,
    },
  };
}
