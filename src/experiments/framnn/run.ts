import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend, backendLine } from '../../nn/backend.js';
import { getDataset } from '../../data/datasets.js';
import { prepareDataset } from '../../data/prepare.js';
import { resolveModel, weightedLayerSizes } from '../../ir/model-spec.js';
import { train, type TrainResult } from '../../train/trainer.js';
import type { Network } from '../../nn/network.js';
import { floatMultiplierFromUnit, checkPairsOnRtl, type FloatMultiplier } from '../../multipliers/float-multiplier.js';
import { floatHardware } from '../../nn/hardware.js';
import { FloatArithmetic, type BackwardArithmetic } from '../../nn/float-arithmetic.js';
import { ProductTrace } from '../../multipliers/product-trace.js';
import { MismatchError } from '../../errors.js';
import { accuracy, predict } from '../../evaluate/predict.js';
import { formatUnitSpec, resolveUnitSpec } from '../../gen/unit-spec.js';
import { mantissaLevels, mantissaSchedule, SCHEDULE_KINDS } from '../../train/mantissa-schedule.js';
import { fpmulSchedule } from '../../train/fpmul-training.js';
import type { ArithmeticSchedule } from '../../train/schedule.js';
import { iterationWork, trainingEdp } from './edp.js';
import { CLOCKINGS, fpmulLevelCosts, levelCost, type FpmulCosts } from '../../synth/fpmul-levels.js';
import {
  budgetFor,
  checkMbits,
  FORMATS,
  scheduleLevelsOf,
  selectApps,
  UNAVAILABLE,
  type Budget,
  type FormatPlan,
  type FramnnApp,
} from './plan.js';
import type { FramnnOptions } from './options.js';
import type { ExperimentContext } from '../experiment.js';
import { formatCodesOf } from '../../arith/float-format.js';
import type { AppResult, FramnnResult, ScheduleRun } from './schema.js';
import { backendRecord } from '../backend-record.js';

/** The run's options: the command's, as declared once in options.ts, and the context of the run. */
export type FramnnExperimentOptions = FramnnOptions & ExperimentContext;

/** The options with the format's defaults resolved (its P always among the widths) and checked against it. */
interface FramnnRun extends ExperimentContext {
  format: FormatPlan;
  apps?: string[];
  quick: boolean;
  mbits: number[];
  finals: number[];
  epochs?: number;
  seed: number;
}

function resolveRun(o: FramnnExperimentOptions): FramnnRun {
  const quick = o.quick === true;
  const format = o.format ?? FORMATS.binary32;
  const mbits = [...new Set([...(o.mbits ?? (quick ? format.quickMbits : format.mbits)), format.P])].sort((a, b) => a - b);
  const finals = o.finals ?? (quick ? format.quickFinals : format.finals);
  checkMbits(mbits, '--mbits', format.P);
  checkMbits(finals, '--finals', format.P);
  return { ...o, quick, format, mbits, finals };
}

/** Operand pairs recorded per training run for power from simulation (and per backward-pass proof on the RTL). */
const TRACE_PAIRS = 16384;
const BACKWARD_PROOF_PAIRS = 20000;

/** The whole experiment: every application, each mode at every m, the schedules, their EDP, inference efficiency. */
export async function runFramnnExperiment(options: FramnnExperimentOptions): Promise<FramnnResult> {
  return runApps(options, selectApps(options.apps, options.quick === true));
}

/** Applications [first, end) of the run's (a shard): the result of those alone. */
export async function runFramnnPart(options: FramnnExperimentOptions, first: number, end: number): Promise<FramnnResult> {
  return runApps(options, selectApps(options.apps, options.quick === true).slice(first, end));
}

/** The whole run's result from its shards' results in order: each application's results stand alone, so they are joined. */
export function mergeFramnnParts(parts: FramnnResult[]): FramnnResult {
  return { ...parts[0]!, apps: parts.flatMap((p) => p.apps) };
}

async function runApps(options: FramnnExperimentOptions, apps: FramnnApp[]): Promise<FramnnResult> {
  const o = resolveRun(options);
  const log = o.log ?? (() => {});
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const F = o.format;
  const levels = [...new Set([...o.mbits, ...scheduleLevelsOf(F, o.finals)])].sort((a, b) => a - b);
  const multipliers = new Map<number, FloatMultiplier>();
  for (const m of levels)
    multipliers.set(m, await floatMultiplierFromUnit(resolveUnitSpec(formatUnitSpec('fpmul', { preset: F.preset, mbits: m })), log));
  const dir = mkdtempSync(join(tmpdir(), 'axhw-framnn-'));
  try {
    const results: AppResult[] = [];
    for (const app of apps) results.push(await runApp(app, o, multipliers, dir, log));
    return {
      format: 'axhw-framnn-experiment' as const,
      version: 1 as const,
      command: o.command,
      quick: o.quick,
      seed: o.seed,
      fpmulFormat: { preset: F.preset, P: F.P, levelFrom: F.levelFrom, levelStep: F.levelStep },
      backend: backendRecord(backend),
      definitions: {
        unit:
          `${F.preset} fpmul (rne, full subnormals), m = significand bits kept per operand, hidden bit ` +
          `included; m = ${F.P} is the format's full precision` +
          (F.preset === 'binary32'
            ? ''
            : "; the layers' float32 operands are rounded to the format and every product to the format, summed in float32"),
        modes: {
          exact: 'float32 back-propagation, inference on the fpmul at m',
          'approx-training':
            'every product of training on the fpmul at m: the forward pass and both backward products (dL/dX ' +
            '= dL/dY W^T, dL/dW = X^T dL/dY)',
          framnn: 'forward pass on the fpmul at m, exact backward (straight-through estimator)',
        },
        schedules:
          `levels m from ${F.levelFrom} in steps of ${F.levelStep} up to the final level N; uniform: ` +
          `all iterations at N; linear: equal iterations per level, deepest first; adaptive: t_i = T / ` +
          `(p_i sum_j 1/p_j), p_i the fpmul power at level i under the training operands (fixed clock); ` +
          `every schedule trains in approx-training mode (all products on the fpmul at the current level) ` +
          `for the same T iterations as exact training`,
        edp:
          `multiplier only, one multiplication per cycle: energy = sum over steps of iterations x (forward ` +
          `+ backward multiplications) x energy per multiplication at the level (dynamic from toggles ` +
          `under the training trace + leakage); delay = the same count x the cycle; EDP ratio = exact ` +
          `training (every product at m = ${F.P}) / schedule. fixed clock: the netlist critical path at ` +
          `every level (EDP ratio = energy ratio); per-level clock: each level at its own critical path ` +
          `(OpenSTA case analysis with m held)`,
        accuracyLoss: `accuracy of the exact-trained network (float32) minus the accuracy of the network on its hardware, in points`,
        inferenceEfficiency:
          `deepest m whose framnn-trained accuracy at m is within 1 (2) points of the exact-trained network ` +
          `(float32); energy per multiplication and critical path at that m against m = ${F.P} (fixed ` +
          `clock for energy)`,
        unavailable: UNAVAILABLE,
      },
      apps: results,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runApp(
  app: FramnnApp,
  o: FramnnRun,
  multipliers: Map<number, FloatMultiplier>,
  dir: string,
  log: (m: string) => void,
): Promise<AppResult> {
  const F = o.format;
  const format = multipliers.get(F.P)!.format;
  const codes = (bits: Uint32Array) => formatCodesOf(format, bits);
  const t0 = performance.now();
  const b: Budget = { ...budgetFor(app, o.quick), ...(o.epochs ? { epochs: o.epochs } : {}) };
  const data = prepareDataset(getDataset(app.dataset), { seed: o.seed, limitTrain: b.limitTrain, limitTest: b.limitTest });
  const model = resolveModel(`mlp:${[...b.hidden, data.classes.length].join('-')}`, data.shape, data.classes.length);
  const step = (m: string) => log(`[${app.name}] ${m} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const batches = Math.ceil(data.train.n / b.batchSize);
  const total = batches * b.epochs;
  const layers = weightedLayerSizes(model);
  const work = iterationWork(layers, b.batchSize);
  const fanInSum = layers.reduce((s, l) => s + l.fanIn, 0);
  // The backward proof's trace samples twice as often: two gradient products per layer and iteration.
  const every = Math.max(1, (total * fanInSum) / TRACE_PAIRS);
  const base = { data, model, epochs: b.epochs, batchSize: b.batchSize, learningRate: b.learningRate, seed: o.seed };
  const fm = (m: number) => multipliers.get(m)!;
  const acc = (net: Network, m?: number) =>
    accuracy(predict(net, data.test, m === undefined ? undefined : new FloatArithmetic(fm(m))), data.test.y);
  const traceFor = (seed: number) => ProductTrace.overRun({ seed, maxPairs: TRACE_PAIRS, iterations: total, fanInSum });
  const onFpmul = (schedule: ArithmeticSchedule): Promise<TrainResult> =>
    train({ ...base, method: 'pas', hardware: floatHardware(fm(F.P)), schedule });
  const fixedLevel = (m: number, backward: BackwardArithmetic, opts: { trace?: ProductTrace; backwardTrace?: ProductTrace } = {}) =>
    onFpmul(fpmulSchedule([{ m, iterations: total }], fm, { backward, ...opts }));

  step(`${data.train.n} train / ${data.test.n} test, ${model.name}, ${b.epochs} epochs (${total} iterations); exact training`);
  const exact = await train({ ...base, method: 'bp' });
  const exactSeconds = exact.trainSeconds;
  const exactAcc = acc(exact.net);
  const sweep: AppResult['sweep'] = [];
  const traces = new Map<number, { framnn: ProductTrace; approx: ProductTrace[] }>();
  const framnnNets = new Map<number, Network>();
  const proofs: AppResult['backwardProof'] = [];
  for (const m of o.mbits) {
    step(`m = ${m}: framnn and approx-training`);
    const fTrace = traceFor(o.seed * 131 + m);
    const framnn = await fixedLevel(m, 'exact', { trace: fTrace });
    const aTrace = traceFor(o.seed * 137 + m);
    const bTrace = new ProductTrace({ seed: o.seed * 139 + m, dotsPerProduct: 1, maxPairs: BACKWARD_PROOF_PAIRS, every: every / 2 });
    const approx = await fixedLevel(m, 'hardware', { trace: aTrace, backwardTrace: bTrace });
    traces.set(m, { framnn: fTrace, approx: [aTrace, bTrace] });
    const { a, b: bb } = bTrace.operands();
    const proof = await checkPairsOnRtl(fm(m), codes(a), codes(bb));
    const bad = proof.mismatches[0];
    if (bad)
      throw new MismatchError(
        `approx-training at m = ${m}: ${proof.mismatches.length}${proof.mismatches.length === 10 ? '+' : ''} ` +
          `of ${proof.pairs} backward operand pairs differ on the RTL, e.g. RTL(${bad.a}, ${bad.b}) = ${bad.rtl} ` +
          `but the layer computes ${bad.expected}.`,
      );
    proofs.push({ m, pairs: proof.pairs, mismatches: proof.mismatches.length, first: proof.mismatches[0] });
    framnnNets.set(m, framnn.net);
    sweep.push({
      m,
      exact: acc(exact.net, m),
      approxTraining: acc(approx.net, m),
      framnn: acc(framnn.net, m),
      seconds: { framnn: framnn.trainSeconds, approxTraining: approx.trainSeconds },
    });
    approx.net.dispose();
  }
  // Training-time m against inference-time m: every framnn network on every m of the sweep.
  const crossAccuracy = o.mbits.map((mt) => ({ trainM: mt, accuracy: o.mbits.map((mi) => acc(framnnNets.get(mt)!, mi)) }));
  const bestTrainM = o.mbits.map((mi, j) => {
    let best = crossAccuracy[0]!;
    for (const r of crossAccuracy) if (r.accuracy[j]! > best.accuracy[j]!) best = r;
    return {
      inferM: mi,
      trainM: best.trainM,
      accuracy: best.accuracy[j]!,
      sameM: crossAccuracy.find((r) => r.trainM === mi)!.accuracy[j]!,
    };
  });
  for (const n of framnnNets.values()) n.dispose();

  step('fpmul power per level under the recorded training operands (Yosys + ABC, simulated toggles, OpenSTA; cached)');
  const write = (name: string, t: ProductTrace[]) => {
    const f = join(dir, `${app.name}-${name}.npy`);
    writeFileSync(f, ProductTrace.toNpy(t, codes));
    return f;
  };
  const inferenceCosts = new Map<number, FpmulCosts>();
  for (const m of o.mbits) inferenceCosts.set(m, await fpmulLevelCosts([m, F.P], write(`framnn-${m}`, [traces.get(m)!.framnn]), format));

  // Schedules: every level's power under the operands of approx-training at that level (m = 24's trace for exact training).
  const scheduleLevels = scheduleLevelsOf(F, o.finals);
  const trainingCosts = new Map<number, FpmulCosts>();
  for (const m of scheduleLevels) {
    let t = traces.get(m)?.approx;
    if (!t) {
      step(`m = ${m}: approx-training for the level's operand trace (not in the sweep)`);
      const tr = traceFor(o.seed * 137 + m);
      (await fixedLevel(m, 'hardware', { trace: tr })).net.dispose();
      t = [tr];
    }
    trainingCosts.set(m, await fpmulLevelCosts([m], write(`approx-${m}`, t), format));
  }
  const one = (m: number) => trainingCosts.get(m)!;
  const costAt = (clock: (typeof CLOCKINGS)[number]) => (m: number) => levelCost(one(m), m, clock);
  const exactEdp = Object.fromEntries(CLOCKINGS.map((c) => [c, trainingEdp([{ m: F.P, iterations: total }], work, costAt(c), () => F.P)]));

  const schedules: ScheduleRun[] = [];
  for (const final of o.finals) {
    const lv = mantissaLevels(F.levelFrom, final, F.levelStep);
    const power = lv.map((m) => costAt('fixed')(m).powerW);
    for (const kind of SCHEDULE_KINDS) {
      const steps = mantissaSchedule(kind, lv, total, power);
      step(`schedule ${kind} to m = ${final}: ${steps.map((s) => `${s.iterations} x m${s.m}`).join(', ')}`);
      const r = await onFpmul(fpmulSchedule(steps, fm, { backward: 'hardware' }));
      const edp = Object.fromEntries(CLOCKINGS.map((c) => [c, trainingEdp(steps, work, costAt(c), (m) => m)]));
      const atFinal = acc(r.net, final);
      schedules.push({
        kind,
        final,
        levels: lv,
        power: kind === 'adaptive' ? power : undefined,
        steps,
        accuracy: atFinal,
        accuracyExact: acc(r.net),
        accuracyLoss: exactAcc - atFinal,
        seconds: r.trainSeconds,
        energyPj: edp.fixed!.energyPj,
        edpRatio: { fixed: exactEdp.fixed!.edp / edp.fixed!.edp, perLevel: exactEdp['per-level']!.edp / edp['per-level']!.edp },
        energyRatio: exactEdp.fixed!.energyPj / edp.fixed!.energyPj,
      });
      r.net.dispose();
    }
  }

  const within = (points: number) => {
    const ok = sweep.filter((s) => exactAcc - s.framnn <= points / 100).map((s) => s.m);
    if (!ok.length) return undefined;
    const m = Math.min(...ok);
    const c = inferenceCosts.get(m)!;
    const at = levelCost(c, m, 'fixed');
    const full = levelCost(c, F.P, 'fixed');
    return {
      lossBoundPoints: points,
      m,
      accuracy: sweep.find((s) => s.m === m)!.framnn,
      energyPerOpPj: at.energyPerOpPj,
      energyPerOpPjFull: full.energyPerOpPj,
      energyGain: full.energyPerOpPj / at.energyPerOpPj,
      delayNs: c.levels.find((l) => l.m === m)!.delayNs,
      delayNsFull: c.levels.find((l) => l.m === F.P)!.delayNs,
      speedup: c.levels.find((l) => l.m === F.P)!.delayNs / c.levels.find((l) => l.m === m)!.delayNs,
    };
  };
  exact.net.dispose();
  const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  step('done');
  const anyCost = inferenceCosts.get(o.mbits[0]!)!;
  return {
    app: { name: app.name, dataset: app.dataset },
    budget: b,
    data: { train: data.train.n, test: data.test.n, classes: data.classes.length, split: data.split },
    model: model.name,
    iterations: total,
    work,
    exactAccuracy: exactAcc,
    sweep,
    backwardProof: proofs,
    crossAccuracy,
    bestTrainM,
    fpmul: {
      top: anyCost.top,
      rtlHash: anyCost.rtlHash,
      library: anyCost.library,
      area: anyCost.area,
      netlistDelayNs: anyCost.netlistDelayNs,
    },
    inferenceLevels: o.mbits.map((m) => inferenceCosts.get(m)!.levels.find((l) => l.m === m)!),
    trainingLevels: scheduleLevels.map((m) => one(m).levels[0]!),
    exactTraining: {
      energyPj: exactEdp.fixed!.energyPj,
      delayNsFixed: exactEdp.fixed!.delayNs,
      delayNsPerLevel: exactEdp['per-level']!.delayNs,
    },
    schedules,
    inference: [within(1), within(2)].filter((x) => x !== undefined),
    trainingTime: {
      exactSeconds,
      framnnSeconds: meanOf(sweep.map((s) => s.seconds.framnn)),
      approxTrainingSeconds: meanOf(sweep.map((s) => s.seconds.approxTraining)),
    },
    seconds: (performance.now() - t0) / 1000,
  };
}
