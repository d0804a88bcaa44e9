import { operandFormatOf } from '../lut/trace-file.js';
import type { Design } from '../gen/design.js';
import { resolveLibrary, type CellLibrary } from './library.js';
import { synthesize, type SynthResult } from './yosys.js';
import { timingAndPower, type TimingPower } from './sta.js';
import { portBitName, workloadActivity, workloadOperands } from './activity.js';
import { simulateDesignPower } from './simulated-cost.js';
import type { PowerMethod } from './power-methods.js';

export interface CostOptions {
  lib?: string;
  clockNs?: number;
  /** Operand trace (.npy of pairs); default seeded uniform random operands. */
  trace?: string;
  seed?: number;
  /**
   * How power is estimated. Default `sim`: toggles counted in a zero-delay simulation of the netlist,
   * validated against OpenSTA where its propagation is exact, and free of the propagation's inversions
   * (docs/synthesis-and-power.md); `propagate` is faster (no simulation model to build).
   */
  power?: PowerMethod;
  /** Verilog models of the library's cells, for --power sim with a user's --lib. */
  cells?: string;
  /** Progress: one line as each step (synthesis, timing, simulation) starts. */
  log?: (m: string) => void;
  /**
   * Time the design with its control inputs held at their values (OpenSTA case analysis): the critical
   * path of the setting (e.g. fpmul at m bits), not of the netlist over every setting.
   */
  timeAtControls?: boolean;
}

/** The power a report states, by the method that produced it. */
export interface PowerEstimate {
  method: PowerMethod;
  /** W at the clock. */
  internal: number;
  switching: number;
  leakage: number;
  total: number;
  /** Dynamic energy per operation (one operand pair per cycle), pJ. */
  energyPerOpPj: number;
  /** --power sim: what was simulated. */
  simulation?: {
    mode: 'zero-delay' | 'delay';
    cycles: number;
    toggles: { internal: number; inputs: number };
    /** sim-delay: all toggles with delays / zero-delay toggles on the same cycles (1 = no glitches). */
    glitchShare?: number;
    seconds: number;
    buildCached: boolean;
  };
}

export interface CostReport {
  top: string;
  library: { name: string; liberty: string };
  synth: Omit<SynthResult, 'top' | 'library'>;
  timing: TimingPower;
  /** The power used for PDP and comparisons (timing.power is always OpenSTA's propagation). */
  power: PowerEstimate;
  activity: {
    workload: 'uniform' | 'trace';
    trace?: { file: string; pairs: number; used: number };
    seed?: number;
    cycles: number;
    /** How OpenSTA was told: which pins were annotated. */
    annotated: string;
  };
  /** Power-delay product, pJ (W x ns x 1000). */
  pdpPj: number;
}

/** Area (Yosys + ABC), delay and power (OpenSTA) of a design on a cell library under a workload. */
export async function estimateCost(d: Design, opts: CostOptions = {}): Promise<CostReport> {
  const lib: CellLibrary = resolveLibrary(opts.lib, opts.cells);
  const clockNs = opts.clockNs ?? 10;
  const log = opts.log ?? (() => {});
  log(`synthesizing ${d.top} with Yosys + ABC on ${lib.name} (cached by content; a 16-bit multiplier takes about a minute the first time)`);
  const s = await synthesize(d, lib);
  // One operand sequence: OpenSTA gets its per-bit activity, the simulation the sequence itself.
  const operands = workloadOperands(d.ports, { trace: opts.trace, seed: opts.seed, format: operandFormatOf(d) });
  const act = workloadActivity(d.ports, operands);
  // OpenSTA 2.0.17 ignores activities set on internal pins (and its -pins option is broken), so the
  // workload is annotated on the input port bits and OpenSTA propagates it through the logic.
  const annotated =
    `set_power_activity -input_ports on ${act.pins.length} input bits (toggle rate and duty measured ` +
    `over ${act.cycles} cycles of the workload); OpenSTA propagates activity through the logic`;
  const { top } = d;
  const constants = opts.timeAtControls
    ? d.ports.controls.flatMap((c) =>
        Array.from({ length: c.width }, (_, i) => ({ pin: portBitName(c.name, c.width, i), value: ((c.value >> i) & 1) as 0 | 1 })),
      )
    : [];
  log(`timing and power with OpenSTA at a ${clockNs} ns clock`);
  const timing = await timingAndPower(s.netlist, top, d.ports, lib, clockNs, act.pins, constants);
  const method = opts.power ?? 'sim';
  let power: PowerEstimate;
  if (method === 'sim' || method === 'sim-delay') {
    log(
      `simulating the netlist under ${operands.a.length} ` +
        `operand pairs (${method === 'sim' ? 'zero delay' : "Icarus Verilog, the cells' delays"}) ` +
        `and counting toggles`,
    );
    const sim = await simulateDesignPower(d, s, lib, clockNs, operands, method === 'sim' ? 'zero-delay' : 'delay');
    power = {
      method,
      ...sim.power,
      energyPerOpPj: sim.energyPerCycle * 1e12,
      simulation: {
        mode: sim.mode,
        cycles: sim.cycles,
        toggles: sim.toggles,
        ...(sim.glitchShare !== undefined ? { glitchShare: sim.glitchShare } : {}),
        seconds: sim.seconds,
        buildCached: sim.build.cached,
      },
    };
  } else {
    const p = timing.power;
    power = { method, ...p, energyPerOpPj: (p.internal + p.switching) * clockNs * 1e3 };
  }
  const synth: CostReport['synth'] = {
    area: s.area,
    cells: s.cells,
    cellTypes: s.cellTypes,
    flipFlops: s.flipFlops,
    netlist: s.netlist,
    yosys: s.yosys,
    cached: s.cached,
  };
  return {
    top,
    library: { name: lib.name, liberty: lib.liberty },
    synth,
    timing,
    power,
    activity: { workload: act.source, trace: act.trace, seed: act.seed, cycles: act.cycles, annotated },
    pdpPj: power.total * timing.delayNs * 1000,
  };
}
