import { initBackend, backendLine } from '../../nn/backend.js';
import { getDataset } from '../../data/datasets.js';
import { prepareDataset } from '../../data/prepare.js';
import type { LabelledData } from '../../data/table-data.js';
import { resolveModel } from '../../ir/model-spec.js';
import { train, type TrainResult } from '../../train/trainer.js';
import { DEFAULT_ACT, type ActOptions } from '../../train/act-settings.js';
import type { AxtrainOptions } from './options.js';
import type { ExperimentContext } from '../experiment.js';
import type { Network } from '../../nn/network.js';
import { multiplierFromUnit, type ApproxMultiplier } from '../../multipliers/fixed-multiplier.js';
import { fixedHardware, type Hardware } from '../../nn/hardware.js';
import { FixedArithmetic } from '../../nn/fixed-arithmetic.js';
import { accuracy, head, logitsOf } from '../../evaluate/predict.js';
import { calibrate } from '../../evaluate/calibrate.js';
import { ntvEvaluate } from '../../evaluate/ntv.js';
import { argmaxRows } from '../../ir/classes.js';
import { NTV_RATE_BY_MV } from '../../arith/ntv.js';
import { sensitivityMaps } from '../../train/sensitivity.js';
import { budgetFor, drumSpec, EXACT_SPEC, MULTIPLIER_WIDTH, OPERAND_FORM, selectApps, type AxtrainApp } from './plan.js';
import { drumSettings, SETTING_RULE } from './settings.js';
import { multiplierPower, type MultiplierPower } from '../multiplier-power.js';
import { crossEntropy, relativeL1 } from '../metrics.js';
import { lowestPowerOf, summarise } from './summary.js';
import type { AppResult, AxtrainResult, NtvResult, OnMultiplier } from './schema.js';
import { backendRecord } from '../backend-record.js';

/** The run's options: the command's, as declared once in options.ts, and the context of the run. */
export type AxtrainExperimentOptions = AxtrainOptions & ExperimentContext;

/** The axtrain-act settings given (the rest keep DEFAULT_ACT's). */
const actSettings = (o: AxtrainOptions): Partial<ActOptions> => ({
  ...(o.lambda !== undefined && { lambda: o.lambda }),
  ...(o.lambdaStep !== undefined && { lambdaStep: o.lambdaStep }),
});

const CALIBRATION_SAMPLES = 2000;

/** The whole experiment: every application, then the averages the paper reports. */
export async function runAxtrainExperiment(o: AxtrainExperimentOptions): Promise<AxtrainResult> {
  return runApps(o, selectApps(o.apps));
}

/** Applications [first, end) of the selected ones (a shard): the result of those alone, averages over them. */
export async function runAxtrainPart(o: AxtrainExperimentOptions, first: number, end: number): Promise<AxtrainResult> {
  return runApps(o, selectApps(o.apps).slice(first, end));
}

/** The whole run's result from its shards' results (in shard order): the applications joined, the averages over all. */
export function mergeAxtrainParts(parts: AxtrainResult[]): AxtrainResult {
  const apps = parts.flatMap((p) => p.apps);
  return { ...parts[0]!, apps, summary: summarise(apps) };
}

async function runApps(o: AxtrainExperimentOptions, apps: AxtrainApp[]): Promise<AxtrainResult> {
  const log = o.log ?? (() => {});
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const settings = drumSettings();
  log(`DRUM settings (${OPERAND_FORM}): ${settings.map((s) => `${s.name} = k ${s.k} (MRED ${(100 * s.mred).toFixed(1)}%)`).join(', ')}`);
  const exact = await multiplierFromUnit(EXACT_SPEC, { log });
  const drums = new Map<number, ApproxMultiplier>();
  for (const s of settings) drums.set(s.k, await multiplierFromUnit(drumSpec(s.k), { log }));
  log(
    'multiplier power: characterizing DRUM k = ' +
      settings.map((s) => s.k).join(', ') +
      ' against exact-mul (Yosys + ABC, OpenSTA delay, simulated power; cached)',
  );
  const power = await multiplierPower(
    settings.map((s) => s.k),
    MULTIPLIER_WIDTH,
    false,
  );
  const results: AppResult[] = [];
  for (const app of apps) results.push(await runApp(app, o, exact, drums, power, log));
  return {
    format: 'axhw-axtrain-experiment' as const,
    version: 2 as const,
    command: o.command,
    quick: o.quick === true,
    seed: o.seed,
    backend: backendRecord(backend),
    definitions: {
      output: 'O = batch mean of the sum of the logits; S = sum over the weights of |dO/dw * w| (biases excluded)',
      act: { ...DEFAULT_ACT, ...actSettings(o) },
      settings: settings.map((s) => ({ ...s, multiplier: drumSpec(s.k) })),
      settingRule: SETTING_RULE,
      operands: OPERAND_FORM,
      exactMultiplier: EXACT_SPEC,
      outputError:
        "the network's output error (mean test cross-entropy) on the DRUM setting, normalised to the " +
        "bp network's on exact-mul (the paper's Figure 6: errors normalised to the original network " +
        'with accurate multipliers)',
      deviation:
        'sum over test samples and classes of |z - z_exact| / sum |z_exact|, z the logits of a network ' +
        'on the DRUM setting, z_exact those of the same network on exact-mul (the pure multiplier-induced ' +
        'output change)',
      calibration:
        `activation scales of each network and multiplier frozen from its first ${CALIBRATION_SAMPLES} ` +
        `training samples, as the hardware would run`,
      errorReduction:
        '1 - outputError(method) / outputError(bp), per application and setting; averages are plain means over the applications',
      axtrain:
        'the axtrain-act network (same epochs) fine-tuned with axtrain-pas on the setting it is evaluated ' +
        'on (DRUM k, or NTV flips at that voltage on the exact multiplier)',
      ntv:
        `weights stored as codes of ${MULTIPLIER_WIDTH + 1} bits (sign and magnitude) with a per-layer power-of-two scale; each draw ` +
        'flips every stored bit independently and holds the flips for the whole test set',
      lowestPower:
        'target = accuracy of the bp network on exact-mul minus 2 points; compute: the lowest-power ' +
        "multiplier among exact-mul and K1..K4 meeting it; storage: the lowest of the application's " +
        'two voltages (else nominal) whose mean NTV accuracy meets it. Storage power is not modelled ' +
        '(the paper used CACTI-P).',
    },
    power,
    apps: results,
    summary: summarise(results),
  };
}

export type AxtrainReport = AxtrainResult;

async function runApp(
  app: AxtrainApp,
  o: AxtrainExperimentOptions,
  exact: ApproxMultiplier,
  drums: Map<number, ApproxMultiplier>,
  power: MultiplierPower,
  log: (m: string) => void,
): Promise<AppResult> {
  const t0 = performance.now();
  const b = budgetFor(app, o.quick === true, o.draws);
  if (o.epochs) b.epochs = o.epochs;
  if (o.pasEpochs) b.pasEpochs = o.pasEpochs;
  const data = prepareDataset(getDataset(app.dataset), { seed: o.seed, limitTrain: b.limitTrain, limitTest: b.limitTest });
  const model = resolveModel(app.model, data.shape, data.classes.length);
  const step = (m: string) => log(`[${app.name}] ${m} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  step(`${data.train.n} train / ${data.test.n} test, ${model.name}; bp and axtrain-act for ${b.epochs} epochs`);
  const base = { data, model, batchSize: b.batchSize, learningRate: b.learningRate, seed: o.seed };
  const bp = await train({ ...base, method: 'bp', epochs: b.epochs });
  const act = await train({ ...base, method: 'axtrain-act', act: actSettings(o), epochs: b.epochs });
  const actWeights = act.net.weights();
  const fineTune = (hardware: Hardware, ntvRate?: number): Promise<TrainResult> =>
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
  const multipliers = [];
  for (const s of drumSettings()) {
    const mult = drums.get(s.k)!;
    const tuned = await fineTune(fixed(mult));
    multipliers.push({
      setting: s.name,
      k: s.k,
      bp: evaluate(bp.net, mult),
      act: evaluate(act.net, mult),
      axtrain: evaluate(tuned.net, mult),
    });
    if (s.name === 'K1') axtrainK1 = tuned;
    else tuned.net.dispose();
  }

  step(`NTV storage at ${app.voltages.join(' / ')} mV, ${b.draws} draws each`);
  const ntv = [];
  for (const [i, mv] of app.voltages.entries()) {
    const rate = NTV_RATE_BY_MV[mv]!;
    const tuned = await fineTune(fixed(exact), rate);
    const draws = (net: Network): NtvResult => {
      const r = ntvEvaluate(net, data.test, onTransform(exact, inputExps(net, exact)), rate, b.draws, o.seed * 1000 + mv);
      return { mean: r.mean, std: r.std, accuracies: r.accuracies };
    };
    const row = {
      voltageMv: mv,
      role: (i === 0 ? 'aggressive' : 'conservative') as 'aggressive' | 'conservative',
      rate,
      draws: b.draws,
      bp: draws(bp.net),
      act: draws(act.net),
      axtrain: draws(tuned.net),
    };
    tuned.net.dispose();
    ntv.push(row);
  }

  step('sensitivity maps');
  const maps = {
    bp: sensitivityOf(bp.net, data.test),
    act: sensitivityOf(act.net, data.test),
    axtrain: sensitivityOf(axtrainK1!.net, data.test),
  };
  const summaryOf = (m: (typeof maps)['bp']) => {
    const { rows, cols, values } = m.layers.at(-1)!.map;
    return { total: m.total, layers: m.layers.map((l) => l.total), last: { rows, cols, values } };
  };
  const exactAcc = (net: Network) => ({
    float: accuracyOf(logitsOf(net, data.test), data.test),
    exactMultiplier: accuracyOf(reference(net), data.test),
  });
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
    sensitivityMaps: {
      bp: maps.bp.layers.map((l) => l.map),
      act: maps.act.layers.map((l) => l.map),
      axtrain: maps.axtrain.layers.map((l) => l.map),
    },
    lowestPower,
  };
}

function accuracyOf(z: Float32Array, d: LabelledData): number {
  return accuracy(argmaxRows(z, d.n), d.y);
}

function sensitivityOf(net: Network, d: LabelledData) {
  const { maps, total } = sensitivityMaps(net, d);
  return {
    total,
    layers: maps.map((m) => ({
      total: m.total,
      map: { layer: m.layer, rows: m.rows, cols: m.cols, values: Array.from(m.values, (v) => Number(v.toPrecision(5))) },
    })),
  };
}
