import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AxhwError } from '../errors.js';
import { type CharacterizeReport } from '../characterize/characterize.js';
import { initBackend, type BackendInfo } from '../nn/backend.js';
import { type NpuCostRecord, type NpuRunRecord } from '../target/npu-report.js';
import type { AxtrainResult } from '../experiments/axtrain/schema.js';
import { drumSpec, EXACT_SPEC } from '../experiments/axtrain/plan.js';
import { provenanceRecord } from '../doc/provenance-file.js';
import { writeAtomic } from '../util/atomic-write.js';
import { demoSummarySchema, type DemoAnswer, type DemoSummary } from '../report/demo-summary.js';
import { meetsClock } from '../util/quantities.js';
import { writeReport } from '../report/page.js';
import { DEMO, DEMO_STEPS, type DemoContext, type Progress, type Step, type StepResult } from './steps.js';

export interface DemoOptions {
  out: string;
  command: string;
  backend?: BackendInfo['name'];
  log?: (m: string) => void;
  /** A progress display for a long part of a step. */
  progress?: (label: string, unit: string) => Progress;
  /** The steps (default DEMO_STEPS; others for the tests of the run's order, background steps and failures). */
  steps?: readonly Step[];
}

const noProgress: Progress = { update() {}, stop() {} };

/** A background step's end: its result or its error, its log, its own run's seconds. */
type Background = { r: StepResult; lines: string[]; seconds: number } | { e: unknown; lines: string[]; seconds: number };

/**
 * The main job end to end on built-in defaults: RTL generated and verified, tables exported, the
 * multipliers characterised, networks trained for the hardware and evaluated on it, the AxTrain (unit and
 * system level), FramNN and AXNet quick runs, and the trained network run on the NPU RTL, bit-exact, with its cycles and energy. Results
 * go to a staging folder beside `out`, which replaces `out` only when every step has passed: a failed
 * step leaves the previous report as it was and no half-written one.
 */
export async function runDemo(o: DemoOptions): Promise<{ summary: DemoSummary; index: string; bytes: number }> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const progress = (label: string, unit: string) => o.progress?.(label, unit) ?? noProgress;
  const backend = await initBackend(o.backend);
  const ctx: DemoContext = { log, progress, backend, units: [], found: {} };
  const steps = o.steps ?? DEMO_STEPS;
  steps.forEach((s, i) => {
    if (s.startsAfter && !steps.slice(0, i).some((x) => x.name === s.startsAfter))
      throw new Error(`demo step ${s.name} starts after ${s.startsAfter}, which is not a step before it`);
  });

  // Stage beside the target (same file system, so the final swap is a rename).
  const parent = dirname(o.out);
  mkdirSync(parent, { recursive: true });
  const stage = join(parent, `.${basename(o.out)}.staging-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage); // a background step runs its process in it
  const cleanup = () => rmSync(stage, { recursive: true, force: true });
  process.once('exit', cleanup);
  // Background steps start when the step they follow is done, their log kept until their turn; the demo's end (or
  // failure) stops them.
  const stop = new AbortController();
  const background = new Map<Step, Promise<Background>>();
  const startAfter = (name: string) => {
    for (const s of steps.filter((x) => x.startsAfter === name)) {
      const lines: string[] = [];
      const ts = performance.now();
      const run = s.run(stage, { ...ctx, log: (m) => lines.push(m), progress: () => noProgress, signal: stop.signal });
      const seconds = () => (performance.now() - ts) / 1000;
      background.set(
        s,
        run.then(
          (r) => ({ r, lines, seconds: seconds() }),
          (e: unknown) => ({ e, lines, seconds: seconds() }),
        ),
      );
    }
  };
  try {
    const done: DemoSummary['steps'] = [];
    for (const [i, s] of steps.entries()) {
      log(`[${i + 1}/${steps.length}] ${s.name}: ${s.title}`);
      const ts = performance.now();
      let r: StepResult;
      let own: number | undefined; // a background step's own run time, from its start
      try {
        const early = background.get(s);
        if (early) {
          const b = await early;
          b.lines.forEach((m) => log(m));
          if ('e' in b) throw b.e;
          r = b.r;
          own = b.seconds;
        } else r = await s.run(stage, ctx);
      } catch (e) {
        const err = e as Error & { fix?: string; exitCode?: number };
        throw new AxhwError(
          `The demo stopped at step ${i + 1}/${steps.length} (${s.name}): ${err.message}`,
          `${err.fix ?? 'This is a bug in axhw: report it with the output above.'} Nothing was written to ${o.out}.`,
          err.exitCode === 2 ? 2 : 1,
        );
      }
      const seconds = own ?? (performance.now() - ts) / 1000;
      startAfter(s.name);
      done.push({ name: s.name, title: s.title, seconds, ...(r.dir ? { dir: r.dir } : {}), headline: r.headline });
      log(`      ${r.headline} (${seconds.toFixed(1)} s${s.startsAfter ? `, beside the steps after ${s.startsAfter}` : ''})`);
    }
    const prov = await provenanceRecord(o.command);
    const summary = demoSummarySchema.parse({
      format: 'axhw-demo',
      version: 1,
      command: o.command,
      createdAt: prov.createdAt,
      seconds: (performance.now() - t0) / 1000,
      seed: DEMO.seed,
      backend: `TensorFlow.js ${backend.tfjsVersion}, ${backend.name} backend (quantiser: ${backend.quantiser})`,
      tools: { ...prov.tools, node: prov.node, axhw: prov.axhw },
      units: ctx.units,
      steps: done,
      answer: demoAnswer(ctx.units, ctx.found),
      notRun: [
        "AXNet's energy on the gate-level NPU: `axhw experiment axnet` without --quick (it synthesizes " +
          "one NPU per function; the demo's quick run checks AXNet on the Verilated NPU, bit-exact).",
        'Training-speed targets against PyTorch: `node bench/train-vs-pytorch.mjs` (a benchmark, not part of the demo).',
      ],
    });
    writeAtomic(join(stage, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    log(`[report] ${join(o.out, 'index.html')}`);
    const page = await writeReport([stage], stage, {
      title: 'axhw demo: approximate hardware and the networks trained for it',
      command: o.command,
      names: [o.out],
    });
    // Swap: the old report goes only once the new one is complete.
    const old = join(parent, `.${basename(o.out)}.old-${process.pid}`);
    if (existsSync(o.out)) renameSync(o.out, old);
    renameSync(stage, o.out);
    rmSync(old, { recursive: true, force: true });
    return { summary, index: join(o.out, 'index.html'), bytes: page.bytes };
  } finally {
    stop.abort();
    await Promise.all(background.values());
    process.removeListener('exit', cleanup);
    cleanup();
  }
}

/**
 * The demo's answer in brief: the configuration it runs on the NPU, and for every multiplier it ran the
 * breast-cancer network's accuracy on it (the AxTrain step), the multipliers' energy per inference
 * (characterize's energy per multiplication x the NPU's multiplications per inference) and its MRED.
 */
function demoAnswer(
  units: DemoSummary['units'],
  f: { characterize?: CharacterizeReport; axtrain?: AxtrainResult; run?: NpuRunRecord; cost?: NpuCostRecord },
): DemoAnswer | undefined {
  const { characterize: ch, axtrain, run, cost } = f;
  if (!ch?.baseline || !axtrain || !run || !cost) return undefined;
  const app = axtrain.apps.find((a) => a.app.name === 'breast-cancer');
  if (!app) return undefined;
  const mred = (spec: string) => units.find((u) => u.spec === spec)?.metrics?.mred ?? 0;
  const perInference = (pjPerOp: number) => pjPerOp * run.multipliesPerInference;
  const tradeoff: DemoAnswer['tradeoff'] = [
    {
      multiplier: EXACT_SPEC,
      mred: 0,
      multiplierEnergyPerInferencePj: perInference(ch.baseline.power.energyPerOpPj),
      accuracy: { bp: app.exact.bp.exactMultiplier },
    },
  ];
  for (const m of app.multipliers) {
    const row = ch.rows.find((r) => r.params.k === m.k);
    if (row)
      tradeoff.push({
        multiplier: drumSpec(m.k),
        mred: mred(drumSpec(m.k)),
        multiplierEnergyPerInferencePj: perInference(row.power.energyPerOpPj),
        accuracy: { bp: m.bp.accuracy, axtrain: m.axtrain.accuracy },
      });
  }
  return {
    network: 'breast-cancer',
    chosen: {
      multiplier: DEMO.npuMultiplier,
      accuracyRtl: run.accuracyRtl!,
      bitExact: run.bitExact,
      energyPerInferencePj: cost.energyPerInferencePj.total!,
      clockNs: cost.clockNs,
      meetsClock: meetsClock({ clockNs: cost.clockNs, ...cost.timing }),
      criticalPathNs: cost.timing.delayNs,
      multiplierSharePct: (100 * (cost.energyPerInferencePj.multiplier ?? 0)) / cost.energyPerInferencePj.total!,
      ...(cost.memoryKind && { memoryKind: cost.memoryKind }),
    },
    multipliesPerInference: run.multipliesPerInference,
    tradeoff,
  };
}
