import { POWER_METHODS } from '../../synth/power-methods.js';
import { DEFAULT_LIBRARY } from '../../synth/library.js';
import { toNonNegativeInt, toPositiveNumber } from '../../util/numbers.js';
import { choice, parsed, text, type OptionsOf } from '../../util/options.js';

/** Cell library, clock and workload flags shared by synth and characterize. */
export const COST_OPTIONS = {
  lib: text('--lib <name|file.lib>', `cell library: ${DEFAULT_LIBRARY} (Debian qflow-tech-osu018) or any Liberty file`).default(
    DEFAULT_LIBRARY,
  ),
  clockNs: parsed('--clock-ns <ns>', 'clock period for timing and power (default 10)', toPositiveNumber),
  activity: text(
    '--activity <uniform|trace.npy>',
    'operand workload for power: uniform random (default) or an .npy of operand pairs, shape (n, 2)',
  ).default('uniform'),
  seed: parsed('--seed <n>', 'seed of the uniform workload and of sampled error metrics (default 1)', toNonNegativeInt),
  power: choice(
    '--power <method>',
    "sim: toggles counted in a zero-delay simulation of the netlist (Verilator) x the Liberty file's " +
      "energies; sim-delay: the same with the cells' delays (Icarus Verilog), glitches counted, on " +
      "the first 2,000 cycles; propagate: OpenSTA's propagation of the input activities",
    POWER_METHODS,
  ).default('sim'),
  cells: text(
    '--cells <file.v>',
    "Verilog models of the --lib cells, for --power sim (default: the built-in library's, or <lib>.v beside a .lib)",
  ),
};

export function costOptionsFrom(o: OptionsOf<typeof COST_OPTIONS>) {
  return {
    lib: o.lib,
    clockNs: o.clockNs,
    trace: o.activity && o.activity !== 'uniform' ? o.activity : undefined,
    seed: o.seed,
    power: o.power,
    cells: o.cells,
  };
}
