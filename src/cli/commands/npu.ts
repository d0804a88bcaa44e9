import { commandLine } from '../format/command-line.js';
import { Command } from 'commander';
import { MULTIPLIER_ALIAS, multiplierOption } from '../options/multiplier.js';
import { addOptions, flag, optionValues, parsed, text, texts, type OptionsOf } from '../../util/options.js';
import { log, printJson } from '../format/output.js';
import { progressBar } from '../format/progress.js';
import { withExamples } from '../format/examples.js';
import { npuForModel, type NpuSizing } from '../../target/from-model.js';
import { writeCompiled } from '../../npu/images.js';
import { toCount, toJobs, toNonNegativeInt, toPositiveNumber, toProbability } from '../../util/numbers.js';
import { npuCost } from '../../npu/cost.js';
import { costGroupsTable, npuCostRecord, npuRunFailure, npuRunRecord, type NpuCostRecord } from '../../target/npu-report.js';
import { markdownTable } from '../../doc/markdown.js';
import { clockWarning, energyScale, timingPhrase } from '../../util/quantities.js';
import { checkOutputDir, checkOutputFile } from '../../util/output-path.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { AxhwError } from '../../errors.js';
import { checkTracePath, writeTrace } from '../../lut/trace-file.js';
import { operandTraceSidecar } from '../../npu/operand-trace.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The options every npu subcommand shares: the multiplier (registry or --rtl), the NPU's size, the data. */
const NPU_OPTIONS = {
  multiplier: text(
    '--multiplier <unit:params>',
    "the PEs' multiplier, a registry operator: e.g. drum:width=8,k=4,signed or exact-mul:width=8,signed",
  ),
  ...MULTIPLIER_ALIAS,
  rtl: texts('--rtl <files...>', "or your own combinational multiplier's Verilog (its table is read from the RTL)"),
  top: text('--top <module>', 'top module of --rtl'),
  pes: parsed('-P, --pes <n>', 'processing elements (1..64)', toCount).default(16),
  acc: parsed('--acc <bits>', 'accumulator width (default: 32, or what exact sums need if more)', toCount),
  wdepth: parsed('--wdepth <n>', 'weight words per PE (default: what the network needs)', toCount),
  adepth: parsed('--adepth <n>', 'words per activation buffer (default: what the network needs)', toCount),
  dataPath: text('--data-path <file|dir>', 'data file or folder, if not where training found it'),
};
type NpuOptions = OptionsOf<typeof NPU_OPTIONS>;

const NPU_COMPILE_OPTIONS = {
  ...NPU_OPTIONS,
  out: text('-o, --out <dir>', 'output folder').mandatory(),
  json: flag('--json', 'print the manifest as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

const NPU_RUN_OPTIONS = {
  ...NPU_OPTIONS,
  samples: parsed('--samples <n>', 'test samples to run (default: the whole test split)', toCount),
  ntvRate: parsed(
    '--ntv-rate <p>',
    'NTV weight storage: one seeded draw of stored-bit flips, loaded through the fault port',
    toProbability,
  ),
  seed: parsed('--seed <n>', 'seed of the NTV draw', toNonNegativeInt).default(1),
  jobs: parsed('--jobs <n>', 'parallel simulator processes', toJobs).default(2),
  operandTrace: text(
    '--operand-trace <file.npy>',
    "also write the operand pairs one PE's multiplier sees in these inferences (for axhw synth --power sim --activity)",
  ),
  out: text('-o, --out <file>', 'also write the results as JSON to this file'),
  json: flag('--json', 'print the results as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

const NPU_COST_OPTIONS = {
  ...NPU_OPTIONS,
  samples: parsed('--samples <n>', 'test samples in the costed run', toCount).default(4),
  lib: text('--lib <name|file.lib>', 'cell library: osu018 or a Liberty file').default('osu018'),
  cells: text('--cells <file.v>', "Verilog models of --lib's cells (default: beside the Liberty file)"),
  clockNs: parsed('--clock-ns <ns>', 'clock period for leakage and power figures', toPositiveNumber).default(10),
  out: text('-o, --out <file>', 'also write the results as JSON to this file'),
  json: flag('--json', 'print the results as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

const MODEL_DIR_ARGUMENT = ['<model-dir>', 'output folder of `axhw train` (model.json + weights.bin)'] as const;

const multiplier = (opts: NpuOptions) => {
  if (opts.top !== undefined && !opts.rtl) throw new AxhwError('--top names the module of --rtl.', 'Add --rtl <file.v>, or drop --top.');
  if (opts.rtl && !opts.top) throw new AxhwError('--rtl needs --top <module>.', 'Pass the name of your multiplier module with --top.');
  return { mult: multiplierOption(opts), rtl: opts.rtl && opts.top ? { files: opts.rtl, top: opts.top } : undefined };
};

const sizing = (opts: NpuOptions): NpuSizing => ({ P: opts.pes, acc: opts.acc, wdepth: opts.wdepth, adepth: opts.adepth });

/** The trained model in `modelDir` on the NPU the options describe. */
const modelOnNpu = (modelDir: string, opts: NpuOptions, quiet: boolean) =>
  npuForModel({ modelDir, ...multiplier(opts), sizing: sizing(opts), dataPath: opts.dataPath, log: quiet ? undefined : log });

function checkSamples(samples: number, available: number): void {
  if (samples > available)
    throw new AxhwError(`--samples ${samples}: the test split has ${available} samples.`, `Use --samples ${available} or fewer.`);
}

function compileCommand(): Command {
  const cmd = withExamples(new Command('compile'), [
    'axhw npu compile out/bc --multiplier drum:width=8,k=4,signed -P 16 -o out/bc-npu',
    'axhw npu compile out/fmnist --multiplier exact-mul:width=8,signed -P 32 -o out/fm-npu --json',
  ]).description(
    'compile a trained network for the NPU: Verilog, program and memory images ($readmemh) and manifest.json (layer map, cycles)',
  );
  addOptions(cmd.argument(...MODEL_DIR_ARGUMENT), NPU_COMPILE_OPTIONS);
  return cmd.action(async (modelDir: string, parsedOptions: object) => {
    const opts = optionValues(NPU_COMPILE_OPTIONS, parsedOptions);
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
  });
}

function runCommand(): Command {
  const cmd = withExamples(new Command('run'), [
    'axhw npu run out/bc --multiplier drum:width=8,k=4,signed',
    'axhw npu run out/fmnist --multiplier exact-mul:width=8,signed -P 16 --samples 1000 --json',
    'axhw npu run out/bc --multiplier exact-mul:width=8,signed --ntv-rate 0.01 --seed 3 --operand-trace bc-ops.npy',
  ]).description(
    'stream test samples through the Verilated NPU and compare every layer of every sample with ' +
      'the integer reference; accuracy and cycles from the RTL (exit 1 at the first difference)',
  );
  addOptions(cmd.argument(...MODEL_DIR_ARGUMENT), NPU_RUN_OPTIONS);
  return cmd.action(async (modelDir: string, parsedOptions: object) => {
    const opts = optionValues(NPU_RUN_OPTIONS, parsedOptions);
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
  });
}

function costCommand(): Command {
  const cmd = withExamples(new Command('cost'), [
    'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --samples 8',
    'axhw npu cost out/fmnist --multiplier exact-mul:width=8,signed -P 16 --samples 1 --json -o fm-cost.json',
  ]).description(
    'area and energy per inference of the NPU, split into multiplier, rest of the datapath, control ' +
      'and memories: each module synthesized on its own, the gate-level NPU simulated on real test ' +
      'samples (checked bit-exact on the way) with every toggle counted',
  );
  addOptions(cmd.argument(...MODEL_DIR_ARGUMENT), NPU_COST_OPTIONS);
  return cmd.action(async (modelDir: string, parsedOptions: object) => {
    const opts = optionValues(NPU_COST_OPTIONS, parsedOptions);
    if (opts.out) checkOutputFile(opts.out, '-o');
    const quiet = Boolean(opts.quiet || opts.json);
    const n = await modelOnNpu(modelDir, opts, quiet);
    const test = n.data.test;
    const samples = opts.samples;
    checkSamples(samples, test.n);
    const features = test.x.length / test.n;
    const c = await npuCost(n.target, test.x.subarray(0, samples * features), samples, {
      lib: opts.lib,
      cells: opts.cells,
      clockNs: opts.clockNs,
      log: quiet ? undefined : log,
    });
    n.net.dispose();
    const result = npuCostRecord(n, c, commandLine());
    if (opts.out) writeAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
    if (opts.json) return printJson(result);
    process.stdout.write(costTable(result));
  });
}

/** The cost as Markdown: the clock and whether it is met, area and energy per inference by group, then by part. */
export function costTable(c: NpuCostRecord): string {
  const t = { clockNs: c.clockNs, ...c.timing };
  const warning = clockWarning(t);
  const group = costGroupsTable(c);
  const s = energyScale(Math.max(...c.parts.map((p) => p.energyJ / c.samples)) * 1e12);
  const lines = [
    `${c.model} on ${c.npu}: ${c.samples} samples bit-exact at gate level, ${c.cyclesPerInference} ` +
      `cycles per inference, ${c.library.name}, ${timingPhrase(t)}`,
    ...(warning ? ['', `${warning} (the last column).`] : []),
    '',
    markdownTable(group.headers, group.rows),
    '',
    markdownTable(
      ['part', 'share', 'instances', 'area each (um^2)', 'cells each', `energy per inference at ${c.clockNs} ns (${s.unit})`],
      c.parts.map((p) => [
        p.memory
          ? `${p.module} (${p.memory.role}, ${p.memory.depth} x ${p.memory.width} bits${p.memory.costed ? '' : ', not costed'})`
          : p.module,
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

export function npuCommand(): Command {
  return new Command('npu')
    .description(
      'run trained networks on the generated NPU: compile to program + memory images, co-simulate bit-exact against the integer reference',
    )
    .addCommand(compileCommand())
    .addCommand(runCommand())
    .addCommand(costCommand());
}
