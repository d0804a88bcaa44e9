import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RawParams } from '../gen/params.js';
import { AxhwError } from '../errors.js';
import { resolveUnit } from '../gen/registry.js';
import { formatUnitSpec } from '../gen/unit-spec.js';
import { generateDesign } from '../gen/generate.js';
import { writeDesign } from '../gen/manifest.js';
import { verifyDesign } from '../verify/verify.js';
import { tableFromRtl } from '../lut/from-rtl.js';
import { writeTable } from '../lut/io.js';
import { tableErrorMetrics } from '../metrics/table-metrics.js';
import { characterize, type CharacterizeReport } from '../characterize/characterize.js';
import { writeReport as writeCharacterizeReport } from '../characterize/report.js';
import { ntvRate } from '../arith/ntv.js';
import type { BackendInfo } from '../nn/backend.js';
import { runTrain } from '../train/run.js';
import { npuForModel } from '../target/from-model.js';
import { writeCompiled } from '../npu/images.js';
import { npuCost } from '../npu/cost.js';
import { npuCostRecord, npuRunFailure, npuRunRecord, type NpuCostRecord, type NpuRunRecord } from '../target/npu-report.js';
import { MEMORY_KINDS } from '../synth/memory-kind.js';
import { MODULE_CLOCK_NS } from '../synth/module-clock.js';
import { runExperiment } from '../experiments/runner.js';
import { optionDefaults, type OptionSet, type OptionsOf } from '../util/options.js';
import type { Experiment } from '../experiments/experiment.js';
import { axtrainExperiment } from '../experiments/axtrain/index.js';
import type { AxtrainResult } from '../experiments/axtrain/schema.js';
import { axtrainSystemResultSchema } from '../experiments/axtrain-system/schema.js';
import { SYSTEM_METHODS } from '../experiments/axtrain-system/plan.js';
import { framnnExperiment } from '../experiments/framnn/index.js';
import { axnetResultSchema } from '../experiments/axnet/schema.js';
import { writeProvenance } from '../doc/provenance-file.js';
import { writeAtomic } from '../util/atomic-write.js';
import type { DemoSummary } from '../report/demo-summary.js';
import { formatEnergy, meetsClock, pct, signedPct } from '../util/quantities.js';

/** The demo's built-in defaults: one place, so the docs and the tests read the same values. */
export const DEMO = {
  seed: 1,
  /** AxTrain's K1..K4 (experiments/axtrain/settings.ts: its rule gives these, tested). */
  drumKs: [2, 3, 4, 5],
  /** The multiplier the trained network is made for and run on: K3, in AxTrain's operand form. */
  npuMultiplier: 'drum:width=8,k=4',
  pes: 16,
  costSamples: 4,
  ntvVoltageMv: 660,
  fashionMnist: { limitTrain: 6000, limitTest: 1000, epochs: 3, pasEpochs: 1 },
  breastCancer: { epochs: 30, pasEpochs: 5 },
} as const;

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** What a step sees: the log, progress displays, the backend, and where it leaves what later parts read. */
export interface DemoContext {
  log: (m: string) => void;
  progress(label: string, unit: string): Progress;
  backend: BackendInfo;
  /** The units step's verified units (the summary lists them). */
  units: DemoSummary['units'];
  /** What the page's opening needs from the steps (demoAnswer in run.ts). */
  found: { characterize?: CharacterizeReport; axtrain?: AxtrainResult; run?: NpuRunRecord; cost?: NpuCostRecord };
  /** Set when the demo stops: a step running in the background ends its work. */
  signal?: AbortSignal;
}

export interface StepResult {
  headline: string;
  dir?: string;
}

/** One step of the demo, as data: its name, its title, and its run into the staging folder. */
export interface Step {
  name: string;
  title: string;
  /**
   * Started once the named earlier step is done and run beside the steps between, in a process of its own (the
   * second core): it reads nothing they write, and the builds and characterisations it shares with the steps up to
   * the named one are then in the cache. Its log is shown, and its result taken, in its place in the order.
   */
  startsAfter?: string;
  run(stage: string, ctx: DemoContext): Promise<StepResult>;
}

/** Sub-step log lines, indented under their step. */
const sub = (log: (m: string) => void) => (m: string) => log(`      ${m}`);

/** An experiment's run into `<stage>/<name>`, recorded as `axhw experiment <name> <flags> -o <name>`. */
async function quickRun<R, S extends OptionSet>(
  exp: Experiment<R, S>,
  given: Partial<OptionsOf<S>>,
  flags: string,
  stage: string,
  ctx: DemoContext,
): Promise<R> {
  const run = { command: `axhw experiment ${exp.name} ${flags} -o ${exp.name}`, log: sub(ctx.log), backend: ctx.backend.name };
  const { result } = await runExperiment(exp, optionDefaults(exp.options, given), run, join(stage, exp.name));
  return result;
}

/**
 * An experiment's CLI command in a child process in the staging folder (a background step's work gets a core of its
 * own; the result records the command that reproduces it there), and its result file read with `schema`.
 */
async function childExperiment<R>(name: string, flags: string[], stage: string, ctx: DemoContext, schema: { parse(x: unknown): R }) {
  const args = ['experiment', name, ...flags, '--seed', String(DEMO.seed), '--backend', ctx.backend.name];
  const child = execa(process.execPath, [fileURLToPath(new URL('../../bin/axhw.js', import.meta.url)), ...args, '-o', name], {
    cwd: stage,
    reject: false,
    cancelSignal: ctx.signal,
    stdout: 'ignore',
    lines: true,
  });
  const r = await child;
  for (const line of r.stderr) sub(ctx.log)(line);
  if (r.exitCode !== 0)
    throw new AxhwError(
      `\`axhw ${args.join(' ')}\` failed: ${r.shortMessage}`,
      `Run it alone for the whole message: \`axhw ${args.join(' ')}\`.`,
      r.exitCode === 2 ? 2 : 1,
    );
  return schema.parse(JSON.parse(readFileSync(join(stage, name, `${name}.json`), 'utf8')));
}

/** The four trainings (bp and AxTrain, breast cancer and the Fashion-MNIST MLP), one step each. */
const TRAINING_STEPS: Step[] = (() => {
  const rate = ntvRate({ voltageMv: DEMO.ntvVoltageMv })!;
  interface TrainingRun {
    dir: string;
    dataset: string;
    model?: string;
    method: 'bp' | 'axtrain';
    epochs: number;
    pasEpochs: number;
    limitTrain?: number;
    limitTest?: number;
  }
  const runs: TrainingRun[] = [
    { dir: 'bc-bp', dataset: 'breast-cancer', method: 'bp', ...DEMO.breastCancer },
    { dir: 'bc-axtrain', dataset: 'breast-cancer', method: 'axtrain', ...DEMO.breastCancer },
    { dir: 'fm-bp', dataset: 'fashion-mnist', model: 'mnist-mlp', method: 'bp', ...DEMO.fashionMnist },
    { dir: 'fm-axtrain', dataset: 'fashion-mnist', model: 'mnist-mlp', method: 'axtrain', ...DEMO.fashionMnist },
  ];
  return runs.map((t) => ({
    name: `train ${t.dir}`,
    title:
      `train ${t.model ?? 'the MLP'} on ${t.dataset} with ${t.method} for ${DEMO.npuMultiplier}; ` +
      `evaluate on it and with NTV weight storage at ${DEMO.ntvVoltageMv} mV`,
    async run(stage, ctx) {
      const dir = join('train', t.dir);
      const flags =
        `${t.model ? ` --model ${t.model}` : ''} ` +
        `--method ${t.method} --epochs ${t.epochs}${t.method === 'axtrain' ? ` --pas-epochs ${t.pasEpochs}` : ''}` +
        `${t.limitTrain ? ` --limit-train ${t.limitTrain} --limit-test ${t.limitTest}` : ''} ` +
        `--multiplier ${DEMO.npuMultiplier} --ntv-voltage ${DEMO.ntvVoltageMv} --seed ${DEMO.seed}`;
      const { metrics } = await runTrain({
        dataset: t.dataset,
        model: t.model,
        method: t.method,
        epochs: t.epochs,
        pasEpochs: t.method === 'axtrain' ? t.pasEpochs : undefined,
        batchSize: 32,
        learningRate: 0.001,
        seed: DEMO.seed,
        limitTrain: t.limitTrain,
        limitTest: t.limitTest,
        multiplier: DEMO.npuMultiplier,
        ntvRate: rate,
        ntvDraws: 5,
        backend: ctx.backend.name,
        out: join(stage, dir),
        command: `axhw train --data ${t.dataset}${flags} --ntv-draws 5 -o ${dir}`,
        log: sub(ctx.log),
      });
      await writeProvenance(join(stage, dir), metrics.command);
      const h = metrics.hardware!;
      return {
        dir,
        headline:
          `exact ${pct(metrics.testAccuracyExact, 1)}, on ${String(h.hardware.multiplier)} ${pct(h.accuracy, 1)}, ` +
          `NTV ${DEMO.ntvVoltageMv} mV ${pct(h.ntv!.mean, 1)} +- ${pct(h.ntv!.std, 1)}`,
      };
    },
  }));
})();

/** The demo's steps in order: each a name, a title and its run on the staging folder. */
export const DEMO_STEPS: readonly Step[] = [
  {
    name: 'units',
    title:
      `generate and verify DRUM (sign + 8-bit magnitude around the unsigned core, k = ${DEMO.drumKs.join(', ')}), ` +
      `the exact multiplier and fpmul (binary32); export the tables read from the RTL`,
    async run(stage, ctx) {
      const specs: [string, RawParams][] = [
        ...DEMO.drumKs.map((k): [string, RawParams] => ['drum', { width: 8, k }]),
        ['exact-mul', { width: 8 }],
        ['fpmul', {}],
      ];
      for (const [name, raw] of specs) {
        const { unit, params } = resolveUnit(name, raw);
        const d = generateDesign(unit, params);
        writeDesign(d, join(stage, 'rtl'));
        const bar = ctx.progress(`verify ${d.top}`, 'pairs');
        const v = await verifyDesign(d, { onProgress: bar.update }).finally(() => bar.stop());
        const spec = formatUnitSpec(name, raw);
        if (!v.passed)
          throw new AxhwError(
            `${d.top} differs from its model on ${v.mismatches} pairs.`,
            'The generated RTL and the TypeScript model disagree: run `axhw verify ' + spec + '` for the counterexamples.',
            1,
          );
        const entry: DemoSummary['units'][number] = {
          spec,
          top: d.top,
          verified: { passed: v.passed, mode: v.mode, pairs: v.pairs, mismatches: v.mismatches },
        };
        if (d.ports.a.width + d.ports.b.width <= 16) {
          const t = await tableFromRtl(d);
          const file = join('tables', `${d.top}.npy`);
          writeTable(t, join(stage, file));
          const m = tableErrorMetrics(t);
          Object.assign(entry, {
            table: { file, shape: t.meta.shape, dtype: t.meta.dtype },
            metrics: { er: m.er, mred: m.mred, nmed: m.nmed, wce: m.wce, wcre: m.wcre },
          });
        }
        ctx.units.push(entry);
        sub(ctx.log)(`${d.top}: ${v.pairs.toLocaleString('en-US')} pairs (${v.mode}), 0 mismatches`);
      }
      return {
        headline:
          `${ctx.units.length} units verified against their models (Verilog in rtl/); ${ctx.units.filter((u) => u.table).length} ` +
          `tables exported to tables/`,
      };
    },
  },
  {
    name: 'characterize',
    title:
      `area, delay and power of DRUM k = ${DEMO.drumKs[0]}..${DEMO.drumKs.at(-1)} against the exact ` +
      `multiplier (Yosys + ABC on osu018, OpenSTA, simulated switching activity)`,
    async run(stage, ctx) {
      const dir = 'characterize';
      const bar = ctx.progress('characterize', 'configurations');
      const rep = await characterize({
        unit: 'drum',
        params: { width: 8 },
        sweep: [{ name: 'k', values: [...DEMO.drumKs] }],
        baseline: 'exact-mul',
        cost: { lib: 'osu018', power: 'sim', seed: DEMO.seed },
        seed: DEMO.seed,
        onProgress: bar.update,
      }).finally(() => bar.stop());
      rep.command =
        `axhw characterize drum:width=8 --sweep k=${DEMO.drumKs[0]}..${DEMO.drumKs.at(-1)} --baseline ` + `exact-mul --power sim -o ${dir}`;
      await writeCharacterizeReport(rep, join(stage, dir));
      ctx.found.characterize = rep;
      const k4 = rep.rows.find((r) => r.params.k === 4)!;
      return {
        dir,
        headline:
          `DRUM k=4: MRED ${pct(k4.metrics.mred, 1)}, ${k4.powerMw.toFixed(3)} mW (${k4.savings!.power.toFixed(1)}% ` +
          `less than exact-mul), area ${k4.savings!.area.toFixed(1)}% less`,
      };
    },
  },
  ...TRAINING_STEPS,
  {
    name: 'axtrain',
    title: 'AxTrain (--quick): bp, act and axtrain on DRUM K1..K4 and NTV storage, breast cancer and the Fashion-MNIST MLP',
    async run(stage, ctx) {
      const dir = 'axtrain';
      const result = await quickRun(
        axtrainExperiment,
        { quick: true, apps: ['breast-cancer', 'mnist-mlp'], seed: DEMO.seed },
        `--quick --apps breast-cancer,mnist-mlp --seed ${DEMO.seed}`,
        stage,
        ctx,
      );
      ctx.found.axtrain = result;
      const a = result.apps[0]!;
      const k1 = a.multipliers[0]!;
      return {
        dir,
        headline: `${a.app.name} on DRUM ${k1.setting} (k=${k1.k}): bp ${pct(k1.bp.accuracy, 1)}, axtrain ${pct(k1.axtrain.accuracy, 1)}`,
      };
    },
  },
  {
    name: 'axtrain-system',
    title:
      'AxTrain at system level (--quick, breast cancer): ApproxAnn from the bp and AxTrain networks, and each ' +
      "method's lowest compute and storage energy on the NPU within 2 points of exact hardware",
    startsAfter: 'characterize', // its multipliers' Verilator builds and characterisation
    async run(stage, ctx) {
      const dir = 'axtrain-system';
      const result = await childExperiment(dir, ['--quick', '--apps', 'breast-cancer'], stage, ctx, axtrainSystemResultSchema);
      const s = result.summary;
      const storage = SYSTEM_METHODS.map((m) => s.storageSavingPct[m]!);
      return {
        dir,
        headline:
          `energy saved against exact hardware within 2 points, compute: ` +
          SYSTEM_METHODS.map((m) => `${m} ${s.computeSavingPct[m]!.toFixed(1)}%`).join(', ') +
          '; storage: ' +
          (storage.every((x) => x === storage[0])
            ? `${storage[0]!.toFixed(1)}% each`
            : SYSTEM_METHODS.map((m, k) => `${m} ${storage[k]!.toFixed(1)}%`).join(', ')),
      };
    },
  },
  {
    name: 'framnn',
    title: 'FramNN (--quick): training on the fpmul at reduced mantissa widths, schedules and training EDP',
    async run(stage, ctx) {
      const dir = 'framnn';
      const result = await quickRun(framnnExperiment, { quick: true, seed: DEMO.seed }, `--quick --seed ${DEMO.seed}`, stage, ctx);
      const a = result.apps[0]!;
      const adaptive = a.schedules.filter((x) => x.kind === 'adaptive').at(-1);
      return {
        dir,
        headline:
          `${a.app.name}: exact ${pct(a.exactAccuracy, 1)}` +
          (adaptive
            ? `; adaptive schedule to m = ${adaptive.final}: ${(100 * adaptive.accuracyLoss).toFixed(1)} points lost, ` +
              `training EDP ${adaptive.edpRatio.fixed.toFixed(2)}x (fixed clock)`
            : ''),
      };
    },
  },
  {
    name: 'axnet',
    title: 'AXNet (--quick): fused approximator and predictor against onepass and iterative, and on the NPU RTL with the Hadamard step',
    // Needs nothing the other steps make: beside them, in a process of its own, it uses the second core once the
    // system-level step is done.
    startsAfter: 'characterize',
    async run(stage, ctx) {
      const dir = 'axnet';
      const result = await childExperiment(dir, ['--quick'], stage, ctx, axnetResultSchema);
      const g = result.summary.relativeGain;
      const npu = result.npu.map((n) => `${n.function} ${n.method} ${n.samples} samples`).join(', ');
      return {
        dir,
        headline:
          `mean AXNet gain in true invocation ${signedPct(g.vsOnepass)} vs onepass, ${signedPct(g.vsIterative)} vs iterative; ` +
          `bit-exact on the NPU: ${npu}`,
      };
    },
  },
  {
    name: 'npu',
    title:
      `compile the breast-cancer network trained with AxTrain for ${DEMO.npuMultiplier} and run it ` +
      `on the NPU RTL (${DEMO.pes} PEs): bit-exact with the integer reference, cycles, and energy ` +
      `per inference at gate level`,
    async run(stage, ctx) {
      const dir = 'npu';
      const modelDir = join(stage, 'train', 'bc-axtrain');
      const n = await npuForModel({ modelDir, mult: DEMO.npuMultiplier, sizing: { P: DEMO.pes }, log: sub(ctx.log) });
      try {
        const cmdBase = `axhw npu %s train/bc-axtrain --multiplier ${DEMO.npuMultiplier} -P ${DEMO.pes}`;
        // What `axhw npu compile` writes: the NPU's Verilog, the program and memory images, the layer map.
        const compiled = n.target.compiled;
        writeCompiled(join(stage, dir, 'compiled'), n.target, {
          model: n.q.spec.name,
          modelDir: 'train/bc-axtrain',
          npu: n.target.spec,
          inputExps: n.inputExps,
        });
        const bar = ctx.progress('NPU', 'samples');
        const run = await npuRunRecord(n, {
          command: `${cmdBase.replace('%s', 'run')} -o ${dir}/npu-run.json`,
          log: sub(ctx.log),
          onProgress: bar.update,
        }).finally(() => bar.stop());
        const r = run.record;
        const failure = npuRunFailure(r, run.mismatch);
        if (failure) throw failure;
        writeAtomic(join(stage, dir, 'npu-run.json'), JSON.stringify(r, null, 2) + '\n');
        const test = n.data.test;
        const features = test.x.length / test.n;
        sub(ctx.log)(`gate-level cost on ${DEMO.costSamples} samples`);
        const c = await npuCost(n.target, test.x.subarray(0, DEMO.costSamples * features), DEMO.costSamples, {
          lib: 'osu018',
          clockNs: MODULE_CLOCK_NS,
          log: sub(ctx.log),
        });
        const cost = npuCostRecord(n, c, `${cmdBase.replace('%s', 'cost')} --samples ${DEMO.costSamples} -o ${dir}/npu-cost.json`);
        writeAtomic(join(stage, dir, 'npu-cost.json'), JSON.stringify(cost, null, 2) + '\n');
        await writeProvenance(join(stage, dir), r.command!);
        Object.assign(ctx.found, { run: r, cost });
        return {
          dir,
          headline:
            `compiled to ${compiled.layers.length} layers (${dir}/compiled/); ${r.samples} test samples ` +
            (`bit-exact, accuracy ${pct(r.accuracyRtl!, 1)}, ${r.cyclesPerInference.model} ` +
              `cycles and ${formatEnergy(cost.energyPerInferencePj.total!)} `) +
            `per inference at ${cost.clockNs} ns` +
            memoryKindsPhrase(cost) +
            (meetsClock({ clockNs: cost.clockNs, ...cost.timing })
              ? ` (critical path ${cost.timing.delayNs.toFixed(1)} ns: met)`
              : ` (NOT MET: critical path ${cost.timing.delayNs.toFixed(1)} ns; ` +
                `${formatEnergy(cost.atAchievableClock!.energyPerInferencePj.total!)} at that clock)`),
        };
      } finally {
        n.net.dispose();
      }
    },
  },
];

/** The memory kind of a cost's total, and the total under the other kinds: `, memories ff-gated (sram 1.05 uJ, ...)`. */
function memoryKindsPhrase(cost: NpuCostRecord): string {
  const by = cost.energyPerInferenceByMemoryKind;
  if (!by || !cost.memoryKind) return '';
  const others = MEMORY_KINDS.filter((k) => k !== cost.memoryKind).map((k) => `${k} ${formatEnergy(by[k].total)}`);
  return `, memories ${cost.memoryKind === 'mixed' ? 'of several kinds' : cost.memoryKind} (${others.join(', ')})`;
}
