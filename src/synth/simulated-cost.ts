import { readFileSync } from 'node:fs';
import type { Design } from '../gen/design.js';
import { AxhwError } from '../errors.js';
import type { CellLibrary } from './library.js';
import type { SynthResult } from './yosys.js';
import type { WorkloadOperands } from './activity.js';
import { parseLiberty, type LibertyGroup } from './liberty.js';
import { libraryEnergy, type LibraryEnergy } from './cell-energy.js';
import { readNetlist } from './netlist.js';
import { cellModelsFor } from './cell-models.js';
import { simulateToggles } from './toggle-sim.js';
import { simulateTogglesWithDelays } from './delay-sim.js';
import { simulatedPower, type SimulatedPower } from './sim-power.js';

/** Cycles of the workload the delay simulation runs (event-driven simulation is slow). */
export const DELAY_SAMPLE_CYCLES = 2000;

const parsed = new Map<string, { liberty: LibertyGroup; energy: LibraryEnergy }>();
export function libraryOf(lib: CellLibrary): { liberty: LibertyGroup; energy: LibraryEnergy } {
  let e = parsed.get(lib.hash);
  if (!e) {
    const liberty = parseLiberty(readFileSync(lib.liberty, 'latin1'), lib.liberty);
    parsed.set(lib.hash, (e = { liberty, energy: libraryEnergy(liberty) }));
  }
  return e;
}

/**
 * Power of a synthesized design from a simulation of its netlist under the workload (one operand pair per
 * clock cycle; control inputs held; clocked units clocked, reset in the set-up cycle, valid_in high):
 * zero-delay, or with the cells' delays on the first DELAY_SAMPLE_CYCLES cycles (then the zero-delay run
 * of the same cycles gives the glitch share). Per-instance figures stay out of reports; totals, toggles
 * and energy per operation go in.
 */
export async function simulateDesignPower(
  d: Design,
  s: SynthResult,
  lib: CellLibrary,
  clockNs: number,
  operands: WorkloadOperands,
  mode: 'zero-delay' | 'delay' = 'zero-delay',
): Promise<
  Omit<SimulatedPower, 'instances'> & {
    mode: 'zero-delay' | 'delay';
    build: { cached: boolean; seconds: number };
    seconds: number;
    glitchShare?: number;
  }
> {
  const clock = d.ports.clock;
  if (s.flipFlops > 0 && !clock) {
    throw new AxhwError(
      `${d.top} has ${s.flipFlops} flip-flops but no declared clock port, so its simulation cannot be clocked.`,
      'Use --power propagate for this design.',
    );
  }
  if (!lib.cells)
    throw new AxhwError(
      `No Verilog cell models are known for ${lib.liberty}.`,
      'Give them with --cells <file.v> (the models of the same library), or use --power propagate.',
    );
  const net = readNetlist(s.netlist);
  const { liberty, energy } = libraryOf(lib);
  const cellsText = readFileSync(lib.cells, 'utf8');
  const models = cellModelsFor(cellsText, new Set(net.instances.map((i) => i.cell)), lib.cells, liberty);
  const inputs = net.ports.filter((p) => p.direction === 'input' && p.name !== clock?.clk);
  const n = mode === 'delay' ? Math.min(operands.a.length, DELAY_SAMPLE_CYCLES) : operands.a.length;
  const values = new BigUint64Array(n * inputs.length);
  inputs.forEach((p, k) => {
    const control = d.ports.controls.find((c) => c.name === p.name);
    const source = p.name === d.ports.a.name ? operands.a : p.name === d.ports.b.name ? operands.b : undefined;
    // Clocked units: reset in the first cycle only (the set-up cycle, not counted), valid_in always high.
    const fixed = p.name === clock?.reset ? (c: number) => (c === 0 ? 1 : 0) : p.name === clock?.validIn ? () => 1 : undefined;
    if (!source && !control && !fixed)
      throw new AxhwError(
        `Input ${p.name} of ${d.top} is neither an operand, a control input nor a clock-domain input.`,
        'Use --power propagate for this design.',
      );
    for (let c = 0; c < n; c++) values[c * inputs.length + k] = BigInt(source ? source[c]! : fixed ? fixed(c) : control!.value);
  });
  const t0 = performance.now();
  const stim = { inputs: inputs.map((p) => p.name), cycles: n, values, clock: clock?.clk };
  const zero = await simulateToggles(net, models, stim, { liberty });
  let counted = zero;
  let glitchShare: number | undefined;
  if (mode === 'delay') {
    // The library's models as they are (UDPs, specify delays): Icarus Verilog reads them natively.
    counted = await simulateTogglesWithDelays(net, cellsText, stim, clockNs);
    const sum = (m: Map<string, number>) => [...m.values()].reduce((p, q) => p + q, 0);
    glitchShare = sum(counted.toggles) / sum(zero.toggles);
  }
  const { instances: _, ...power } = simulatedPower(net, energy, counted.toggles, counted.cycles, clockNs);
  return {
    ...power,
    mode,
    glitchShare,
    build: { cached: zero.build.cached, seconds: zero.build.seconds },
    seconds: (performance.now() - t0) / 1000,
  };
}
