import { SHARD_OPTIONS } from '../options/shard.js';
import { Command } from 'commander';
import { MULTIPLIER_ALIAS } from '../options/multiplier.js';
import { addOptions, flag, optionValues, parsed, text, texts } from '../../util/options.js';
import { toMemoryKinds } from '../options/memory-kinds.js';
import { withExamples } from '../format/examples.js';
import { toBits, toCount, toJobs, toNonNegativeInt, toPositiveNumber, toProbability } from '../../util/numbers.js';
import { MODULE_CLOCK_NS } from '../../synth/module-clock.js';
import { NEURON_MASKS_FORM } from '../../npu/neuron-masks.js';

/** The options every npu subcommand shares: the multiplier (registry or --rtl), the NPU's size, the data. */
export const NPU_OPTIONS = {
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
  approx: text(
    '--approx <unit:params>',
    'a heterogeneous NPU: the second multiplier (a registry operator of the same number format), used by the neurons ' +
      '--approx-neurons marks, on PEs of their own',
  ),
  approxNeurons: text('--approx-neurons <file.json>', `the neurons on --approx: ${NEURON_MASKS_FORM}`),
  apes: parsed('--apes <n>', 'PEs with the --approx multiplier (default: the split with the fewest MAC cycles)', toCount),
  amask: parsed(
    '--amask <bits>',
    'which PEs have the --approx multiplier, a digit per PE, PE 0 first (e.g. 0101 with -P 4: PEs 1 and 3); default: PEs 0 .. apes - 1',
    toBits,
  ),
};

export const NPU_COMPILE_OPTIONS = {
  ...NPU_OPTIONS,
  out: text('-o, --out <dir>', 'output folder').mandatory(),
  json: flag('--json', 'print the manifest as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

/** How npu run and npu cost hand over their record. */
const NPU_RESULT_OPTIONS = {
  out: text('-o, --out <file>', 'also write the results as JSON to this file'),
  json: flag('--json', 'print the results as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

export const NPU_RUN_OPTIONS = {
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
  ...NPU_RESULT_OPTIONS,
  ...SHARD_OPTIONS,
};

export const NPU_COST_OPTIONS = {
  ...NPU_OPTIONS,
  samples: parsed('--samples <n>', 'test samples in the costed run', toCount).default(4),
  lib: text('--lib <name|file.lib>', 'cell library: osu018 or a Liberty file').default('osu018'),
  cells: text('--cells <file.v>', "Verilog models of --lib's cells (default: beside the Liberty file)"),
  clockNs: parsed('--clock-ns <ns>', 'clock period: each part is mapped for it, and leakage and power are at it', toPositiveNumber).default(
    MODULE_CLOCK_NS,
  ),
  memory: parsed(
    '--memory <kind|role=kind,...>',
    'what the memories are built as, in the totals (all three kinds are reported side by side): sram (GF180MCU macros per ' +
      'access), ff-gated (register file clocked only on a write; the default), ff-ungated (clocked every cycle: the upper ' +
      'bound); one kind for all, or per role: prog, abuf (activation buffers), wmem, bmem (e.g. wmem=sram,abuf=ff-gated)',
    toMemoryKinds,
  ),
  sramVoltage: parsed(
    '--sram-voltage <V>',
    "the sram kind's supply: 1.8 (the characterized corner) or any other, from a power-law fit of the 1.8, 3.3 and " +
      '5.0 V corners (below 1.8 V an extrapolation, stated in the result)',
    toPositiveNumber,
  ),
  wholeChip: flag(
    '--whole-chip',
    'count toggles in one simulation of the whole gate-level NPU, the reference (default: each distinct module ' +
      'simulated once, on what its instances saw in an RTL run)',
  ),
  ...NPU_RESULT_OPTIONS,
  ...SHARD_OPTIONS,
};

const MODEL_DIR_ARGUMENT = ['<model-dir>', 'output folder of `axhw train` (model.json + weights.bin)'] as const;

function compileCommand(): Command {
  const cmd = withExamples(new Command('compile'), [
    'axhw npu compile out/bc --multiplier drum:width=8,k=4,signed -P 16 -o out/bc-npu',
    'axhw npu compile out/fmnist --multiplier exact-mul:width=8,signed -P 32 -o out/fm-npu --json',
    'axhw npu compile out/bc --multiplier exact-mul:width=8 --approx drum:width=8,k=2 --approx-neurons neurons.json -P 4 -o out/bc-hetero',
  ]).description(
    'compile a trained network for the NPU: Verilog, program and memory images ($readmemh) and manifest.json (layer map, cycles)',
  );
  addOptions(cmd.argument(...MODEL_DIR_ARGUMENT), NPU_COMPILE_OPTIONS);
  return cmd.action(async (modelDir: string, parsedOptions: object) =>
    (await import('../run/npu.js')).runNpuCompile(optionValues(NPU_COMPILE_OPTIONS, parsedOptions), modelDir),
  );
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
  return cmd.action(async (modelDir: string, parsedOptions: object) =>
    (await import('../run/npu.js')).runNpuRun(optionValues(NPU_RUN_OPTIONS, parsedOptions), modelDir),
  );
}

function costCommand(): Command {
  const cmd = withExamples(new Command('cost'), [
    'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --samples 8',
    'axhw npu cost out/fmnist --multiplier exact-mul:width=8,signed -P 16 --samples 1 --json -o fm-cost.json',
    'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --shard 0/2 --parts out/parts/bc-cost',
  ]).description(
    'area and energy per inference of the NPU, split into multiplier, rest of the datapath, control ' +
      'and memories: each module synthesized on its own, the gate-level NPU simulated on real test ' +
      'samples (checked bit-exact on the way) with every toggle counted',
  );
  addOptions(cmd.argument(...MODEL_DIR_ARGUMENT), NPU_COST_OPTIONS);
  return cmd.action(async (modelDir: string, parsedOptions: object) =>
    (await import('../run/npu.js')).runNpuCost(optionValues(NPU_COST_OPTIONS, parsedOptions), modelDir),
  );
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
