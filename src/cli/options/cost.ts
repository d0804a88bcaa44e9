import { Option, type Command } from 'commander';
import { POWER_METHODS, type PowerMethod } from '../../synth/simulated-cost.js';
import { DEFAULT_LIBRARY } from '../../synth/library.js';
import { toNonNegativeInt, toPositiveNumber } from '../../util/numbers.js';

/** Cell library, clock and workload flags shared by synth and characterize. */
export function addCostOptions(cmd: Command): Command {
  return cmd
    .option('--lib <name|file.lib>', `cell library: ${DEFAULT_LIBRARY} (Debian qflow-tech-osu018) or any Liberty file`, DEFAULT_LIBRARY)
    .option('--clock-ns <ns>', 'clock period for timing and power (default 10)', toPositiveNumber)
    .option(
      '--activity <uniform|trace.npy>',
      'operand workload for power: uniform random (default) or an .npy of operand pairs, shape (n, 2)',
      'uniform',
    )
    .option('--seed <n>', 'seed of the uniform workload and of sampled error metrics (default 1)', toNonNegativeInt)
    .addOption(
      new Option(
        '--power <method>',
        "sim: toggles counted in a zero-delay simulation of the netlist (Verilator) x the Liberty file's " +
          "energies; sim-delay: the same with the cells' delays (Icarus Verilog), glitches counted, on " +
          "the first 2,000 cycles; propagate: OpenSTA's propagation of the input activities",
      )
        .choices([...POWER_METHODS])
        .default('sim'),
    )
    .option(
      '--cells <file.v>',
      "Verilog models of the --lib cells, for --power sim (default: the built-in library's, or <lib>.v beside a .lib)",
    );
}

export function costOptionsFrom(opts: Record<string, unknown>) {
  return {
    lib: opts.lib as string,
    clockNs: opts.clockNs as number | undefined,
    trace: opts.activity && opts.activity !== 'uniform' ? (opts.activity as string) : undefined,
    seed: opts.seed as number | undefined,
    power: opts.power as PowerMethod | undefined,
    cells: opts.cells as string | undefined,
  };
}
