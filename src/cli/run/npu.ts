import { commandLine, commandLineOf } from '../format/command-line.js';
import { multiplierOption } from '../options/multiplier.js';
import type { OptionsOf } from '../../util/options.js';
import { log, printJson } from '../format/output.js';
import { progressBar } from '../format/progress.js';
import { npuForModel, type NpuSizing } from '../../target/from-model.js';
import { writeCompiled } from '../../npu/images.js';
import { npuCost, npuCostFromParts, npuCostPart, npuCostPartSchema, type NpuCostPart } from '../../npu/cost.js';
import { PART_INSTANCE_UNIT } from '../../synth/module-cost-parts.js';
import type { ModuleCostOptions } from '../../synth/module-cost.js';
import { parseCommandWords } from '../options/command-words.js';
import { optionValues } from '../../util/options.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  costGroupsTable,
  memoryKindsTable,
  npuCostRecord,
  npuRunFailure,
  npuRunRecord,
  type NpuCostRecord,
} from '../../target/npu-report.js';
import { markdownTable } from '../../doc/markdown.js';
import { clockWarning, energyScale, throughputPhrase, timingPhrase, pct } from '../../util/quantities.js';
import { checkOutputDir, checkOutputFile } from '../../util/output-path.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { AxhwError } from '../../errors.js';
import { checkShardOptions, plannedCommand, writeShardPart } from '../options/shard.js';
import { shardRange } from '../../shard/shard-spec.js';
import { readNeuronMasks } from '../../npu/neuron-masks.js';
import { checkTracePath, writeTrace } from '../../lut/trace-file.js';
import { operandTraceSidecar } from '../../npu/operand-trace.js';
import type { NPU_OPTIONS, NPU_COMPILE_OPTIONS, NPU_RUN_OPTIONS, NPU_COST_OPTIONS } from '../commands/npu.js';

type NpuOptions = OptionsOf<typeof NPU_OPTIONS>;

/** `axhw npu compile` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runNpuCompile(opts: OptionsOf<typeof NPU_COMPILE_OPTIONS>, modelDir: string): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const n = await modelOnNpu(modelDir, opts, Boolean(opts.quiet || opts.json));
  const t = n.target;
  const c = t.compiled;
  const files = writeCompiled(opts.out, t, {
    model: n.q.spec.name,
    modelDir,
    npu: t.spec,
    inputExps: n.inputExps,
  });
  n.net.dispose();
  if (opts.json) return printJson({ npu: t.spec, cyclesPerInference: c.cyclesPerInference, layers: c.layers, written: files });
  process.stdout.write(`${n.q.spec.name} on ${t.design.top}: ${c.layers.length} layers, ${c.cyclesPerInference} cycles per inference\n`);
  for (const l of c.layers) process.stdout.write(`  layer ${l.modelLayer} ${l.kind}: ${l.outputs} outputs, ${l.cycles} cycles\n`);
  process.stdout.write(`  wrote ${files.length} files to ${opts.out} (manifest.json lists them)\n`);
}

/** `axhw npu run` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runNpuRun(opts: OptionsOf<typeof NPU_RUN_OPTIONS>, modelDir: string): Promise<void> {
  checkShardOptions(opts, { '-o': opts.out, '--operand-trace': opts.operandTrace });
  if (opts.out) checkOutputFile(opts.out, '-o');
  if (opts.operandTrace) {
    checkOutputFile(opts.operandTrace, '--operand-trace');
    checkTracePath(opts.operandTrace, '--operand-trace');
  }
  const quiet = Boolean(opts.quiet || opts.json);
  const n = await modelOnNpu(modelDir, opts, quiet);
  const test = n.data.test;
  const samples = opts.samples ?? test.n;
  checkSamples(samples, test.n);
  if (opts.shard) return npuRunShard(n, samples, opts, quiet);
  const bar = progressBar('NPU', !quiet, 'samples');
  const {
    record: result,
    mismatch,
    operandTraceNpy,
  } = await npuRunRecord(n, {
    samples,
    ntvRate: opts.ntvRate,
    seed: opts.seed,
    jobs: opts.jobs,
    operandTraceFile: opts.operandTrace,
    command: commandLine(),
    log: quiet ? undefined : log,
    onProgress: (d, t) => bar.update(d, t),
  }).finally(() => bar.stop());
  if (operandTraceNpy && opts.operandTrace) {
    writeTrace(
      opts.operandTrace,
      Buffer.from(operandTraceNpy),
      operandTraceSidecar(n.multSpec, n.target.geo.format, result.operandTrace!.pairs, commandLine()),
    );
    if (!quiet)
      log(`wrote ${result.operandTrace!.pairs} operand pairs of ${result.operandTrace!.samples} inferences ` + `to ${opts.operandTrace}`);
  }
  const cyclesOk = result.cyclesPerInference.allEqualModel;
  const failure = npuRunFailure(result, mismatch);
  n.net.dispose();
  if (opts.out) writeAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
  if (opts.json) printJson(result);
  else if (!mismatch) {
    process.stdout.write(
      `${result.model} on ${result.top}: ${samples} samples bit-exact with the integer reference ` +
        `(${result.comparedOutputs} layer outputs compared)\n`,
    );
    process.stdout.write(
      `  accuracy from the RTL ${pct(result.accuracyRtl!)}; ${result.cyclesPerInference.model} cycles ` +
        `per inference (simulated = model: ${cyclesOk ? 'yes' : 'NO'}); ${result.inferencesPerSecond.toFixed(1)} ` +
        `inferences/s\n`,
    );
  }
  if (failure) throw failure;
}

/** `axhw npu cost` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runNpuCost(opts: OptionsOf<typeof NPU_COST_OPTIONS>, modelDir: string): Promise<void> {
  checkShardOptions(opts, { '-o': opts.out, '--whole-chip': opts.wholeChip });
  if (opts.out) checkOutputFile(opts.out, '-o');
  const quiet = Boolean(opts.quiet || opts.json);
  const { n, x, samples, options } = await costedRun(opts, modelDir, quiet);
  if (opts.shard) {
    const shard = opts.shard;
    const { units, part } = await npuCostPart(n.target, x, samples, options, shard).finally(() => n.net.dispose());
    // The merge re-reads the model and data the command names: from the folder the shards ran in.
    const payload: NpuCostShardPayload | null = part && { ...part, workDir: process.cwd() };
    const file = writeShardPart(opts.parts!, { job: 'npu cost', units, unit: PART_INSTANCE_UNIT }, shard, payload);
    const range = shardRange(units, shard);
    if (opts.json) return printJson({ part: file, shard, units, instances: range });
    process.stdout.write(
      `npu cost: shard ${shard.index}/${shard.count}: part instances ${range.first}..${range.end - 1} of ${units}` +
        `${part ? '' : ' (none)'}\n  wrote ${file}\n`,
    );
    return;
  }
  const c = await npuCost(n.target, x, samples, options).finally(() => n.net.dispose());
  const result = npuCostRecord(n, c, commandLine());
  if (opts.out) writeAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
  if (opts.json) return printJson(result);
  process.stdout.write(costTable(result));
}

/** A shard's part of npu cost as written: the toggles, and the folder its command's paths are relative to. */
export type NpuCostShardPayload = NpuCostPart & { workDir: string };

/** The NPU, the costed samples and the cost options of an npu cost command line. */
async function costedRun(opts: OptionsOf<typeof NPU_COST_OPTIONS>, modelDir: string, quiet: boolean) {
  const n = await modelOnNpu(modelDir, opts, quiet);
  const test = n.data.test;
  const samples = opts.samples;
  checkSamples(samples, test.n);
  const features = test.x.length / test.n;
  const options: ModuleCostOptions = {
    lib: opts.lib,
    cells: opts.cells,
    clockNs: opts.clockNs,
    simulation: opts.wholeChip ? 'whole-chip' : 'hierarchical',
    sramVoltage: opts.sramVoltage,
    log: quiet ? undefined : log,
  };
  return { n, x: test.x.subarray(0, samples * features), samples, options };
}

/**
 * `axhw merge` of npu cost's parts: the planned command's model, data and options read again (in the folder the
 * shards ran in), the parts' toggles summed and priced once (module-cost-parts.ts); writes <out>/npu-cost.json,
 * the unsharded `-o` file, and prints its table.
 */
export async function mergeNpuCost(command: string[], payloads: NpuCostShardPayload[], out: string, json: boolean): Promise<void> {
  const { NPU_COST_OPTIONS } = await import('../commands/npu.js');
  const { operands, values } = await parseCommandWords('npu cost', command);
  const opts = optionValues(NPU_COST_OPTIONS, values);
  const outDir = resolve(out);
  const workDir = payloads[0]!.workDir;
  if (resolve(workDir) !== process.cwd()) {
    if (!existsSync(workDir))
      throw new AxhwError(
        `The shards ran in ${workDir}, which this machine does not have; the merge reads the model and data their command names from it.`,
        'Run axhw merge where the shards ran (the folder on the shared file system).',
      );
    process.chdir(workDir);
  }
  const quiet = Boolean(opts.quiet || json);
  const { n, x, samples, options } = await costedRun(opts, operands[0]!, quiet);
  const parts = payloads.map((p) => npuCostPartSchema.parse(p));
  const c = await npuCostFromParts(n.target, x, samples, options, parts).finally(() => n.net.dispose());
  const result = npuCostRecord(n, c, commandLineOf(command));
  const file = join(outDir, 'npu-cost.json');
  writeAtomic(file, JSON.stringify(result, null, 2) + '\n');
  if (json) return printJson(result);
  process.stdout.write(costTable(result) + `\n  merged ${payloads.length} parts; wrote ${file}\n`);
}

const multiplier = (opts: NpuOptions) => {
  if (opts.top !== undefined && !opts.rtl) throw new AxhwError('--top names the module of --rtl.', 'Add --rtl <file.v>, or drop --top.');
  if (opts.rtl && !opts.top) throw new AxhwError('--rtl needs --top <module>.', 'Pass the name of your multiplier module with --top.');
  return { mult: multiplierOption(opts), rtl: opts.rtl && opts.top ? { files: opts.rtl, top: opts.top } : undefined };
};

/** The npu options that size the NPU: npu cost's also give its memories' kinds. */
type SizingOptions = NpuOptions & { memory?: NpuSizing['memory'] };

const sizing = (opts: SizingOptions): NpuSizing => ({
  P: opts.pes,
  apes: opts.apes,
  amask: opts.amask,
  acc: opts.acc,
  wdepth: opts.wdepth,
  adepth: opts.adepth,
  memory: opts.memory,
});

/** The trained model in `modelDir` on the NPU the options describe. */
const modelOnNpu = (modelDir: string, opts: SizingOptions, quiet: boolean) =>
  npuForModel({
    modelDir,
    ...multiplier(opts),
    approx: approx(opts),
    sizing: sizing(opts),
    dataPath: opts.dataPath,
    log: quiet ? undefined : log,
  });

/** A heterogeneous NPU's second multiplier and the neurons on it: both or neither. */
function approx(opts: NpuOptions): { mult: string; masks: Uint8Array[] } | undefined {
  const fix = 'Give both --approx <unit:params> and --approx-neurons <file.json> (or neither, for one multiplier).';
  if (opts.approx === undefined && opts.approxNeurons === undefined) {
    if (opts.apes !== undefined) throw new AxhwError('--apes counts the PEs of --approx, and there is no --approx.', fix);
    if (opts.amask !== undefined) throw new AxhwError('--amask marks the PEs of --approx, and there is no --approx.', fix);
    return undefined;
  }
  if (opts.approx === undefined || opts.approxNeurons === undefined)
    throw new AxhwError(
      opts.approx === undefined
        ? '--approx-neurons needs --approx, the multiplier they use.'
        : '--approx needs --approx-neurons, the neurons that use it.',
      fix,
    );
  return { mult: opts.approx, masks: readNeuronMasks(opts.approxNeurons) };
}

function checkSamples(samples: number, available: number): void {
  if (samples > available)
    throw new AxhwError(`--samples ${samples}: the test split has ${available} samples.`, `Use --samples ${available} or fewer.`);
}

/** The cost as Markdown: the clock and whether it is met, area and energy per inference by group, then by part. */
export function costTable(c: NpuCostRecord): string {
  const t = { clockNs: c.clockNs, ...c.timing };
  const warning = clockWarning(t);
  const group = costGroupsTable(c);
  const kinds = memoryKindsTable(c);
  const perSample = (n: number) => (n / c.samples).toLocaleString('en-US', { maximumFractionDigits: 1 });
  const memoryLabel = (p: NpuCostRecord['parts'][number]) => {
    const m = p.memory!;
    const use = m.accesses ? `; per inference ${perSample(m.accesses.reads)} reads, ${perSample(m.accesses.writes)} writes` : '';
    const kind = m.costed ? (m.kind ? `, ${m.kind}` : '') : ', not costed';
    return `${p.module} (${m.role}, ${m.depth} x ${m.width} bits${kind}${use})`;
  };
  const s = energyScale(Math.max(...c.parts.map((p) => p.energyJ / c.samples)) * 1e12);
  const lines = [
    `${c.model} on ${c.npu}: ${c.samples} samples bit-exact ` +
      `${c.simulation?.kind === 'hierarchical' ? 'on the RTL, each part replayed at gate level' : 'at gate level'}, ` +
      `${c.cyclesPerInference} cycles per inference, ${c.library.name}, ${timingPhrase(t)}; ${throughputPhrase(c.cyclesPerInference, t)}`,
    ...(warning ? ['', `${warning} (the last column).`] : []),
    '',
    markdownTable(group.headers, group.rows),
    '',
    ...(kinds
      ? [
          `Memories (${c.memoryKind === 'mixed' ? "each as its role's kind" : c.memoryKind} above) under each kind, ` +
            'with the same counted accesses:',
          '',
          markdownTable(kinds.headers, kinds.rows),
          '',
        ]
      : []),
    markdownTable(
      ['part', 'share', 'instances', 'area each (um^2)', 'cells each', `energy per inference at ${c.clockNs} ns (${s.unit})`],
      c.parts.map((p) => [
        p.memory ? memoryLabel(p) : p.module,
        p.group,
        p.instances,
        p.area.toFixed(0),
        p.cells,
        (((p.energyJ / c.samples) * 1e12) / s.pj).toPrecision(4),
      ]),
    ),
    '',
  ];
  return lines.join('\n');
}

/**
 * A shard of `npu run`: samples [first, end) of the run's into a part file for `axhw merge`. Like a verify shard,
 * it exits 0 when the NPU differs from the reference (its part records where); the merge fails naming it.
 */
async function npuRunShard(
  n: Awaited<ReturnType<typeof modelOnNpu>>,
  samples: number,
  opts: OptionsOf<typeof NPU_RUN_OPTIONS>,
  quiet: boolean,
): Promise<void> {
  const shard = opts.shard!;
  const range = shardRange(samples, shard);
  const bar = progressBar('NPU', !quiet, 'samples');
  // A shard without samples (more shards than samples) runs nothing; the merge leaves it out.
  const run =
    range.end > range.first
      ? await npuRunRecord(n, {
          samples,
          range,
          ntvRate: opts.ntvRate,
          seed: opts.seed,
          jobs: opts.jobs,
          command: commandLineOf(plannedCommand()),
          log: quiet ? undefined : log,
          onProgress: (d, t) => bar.update(d, t),
        }).finally(() => bar.stop())
      : (bar.stop(), undefined);
  n.net.dispose();
  const file = writeShardPart(opts.parts!, { job: 'npu run', units: samples, unit: 'test samples' }, shard, run?.part ?? null);
  if (opts.json) return printJson(run?.part ?? null);
  const r = run?.record;
  process.stdout.write(
    `npu run: shard ${shard.index}/${shard.count}: samples ${range.first}..${range.end - 1} of ${samples}` +
      (r ? `, ${r.bitExact ? 'bit-exact' : `NOT bit-exact (sample ${r.mismatch!.sample})`}` : ' (none)') +
      `\n  wrote ${file}\n`,
  );
}
