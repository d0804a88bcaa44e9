import type { Design } from '../gen/design.js';
import { resolveLibrary, type CellLibrary } from './library.js';
import { synthesize, type SynthResult } from './yosys.js';
import { timingAndPower, type TimingPower } from './sta.js';
import { workloadActivity } from './activity.js';

export interface CostOptions {
  lib?: string;
  clockNs?: number;
  /** Operand trace (.npy of pairs); default seeded uniform random operands. */
  trace?: string;
  seed?: number;
}

export interface CostReport {
  top: string;
  library: { name: string; liberty: string };
  synth: Omit<SynthResult, 'top' | 'library'>;
  timing: TimingPower;
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
  const lib: CellLibrary = resolveLibrary(opts.lib);
  const clockNs = opts.clockNs ?? 10;
  const s = await synthesize(d, lib);
  const act = workloadActivity(d.ports, { trace: opts.trace, seed: opts.seed });
  // OpenSTA 2.0.17 ignores activities set on internal pins (and its -pins option is broken), so the
  // workload is annotated on the input port bits and OpenSTA propagates it through the logic.
  const annotated = `set_power_activity -input_ports on ${act.pins.length} input bits (toggle rate and duty measured over ${act.cycles} cycles of the workload); OpenSTA propagates activity through the logic`;
  const { top } = d;
  const timing = await timingAndPower(s.netlist, top, d.ports, lib, clockNs, act.pins);
  const synth: CostReport['synth'] = { area: s.area, cells: s.cells, cellTypes: s.cellTypes, flipFlops: s.flipFlops, netlist: s.netlist, yosys: s.yosys, cached: s.cached };
  return {
    top,
    library: { name: lib.name, liberty: lib.liberty },
    synth,
    timing,
    activity: { workload: act.source, trace: act.trace, seed: act.seed, cycles: act.cycles, annotated },
    pdpPj: timing.power.total * timing.delayNs * 1000,
  };
}
