import type { Design } from '../gen/design.js';
import { resolveLibrary, type CellLibrary } from './library.js';
import { synthesize, type SynthResult } from './yosys.js';
import { timingAndPower, type TimingPower } from './sta.js';
import { buildStimulus, type PinActivity } from './activity.js';

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
  const stim = buildStimulus(d.ports, { trace: opts.trace, seed: opts.seed });
  // OpenSTA 2.0.17 ignores activities set on internal pins (and its -pins option is broken), so the
  // workload is annotated on the input port bits and OpenSTA propagates it through the logic.
  const pins = portActivities(stim);
  const annotated = `set_power_activity -input_ports on ${pins.length} input bits (toggle rate and duty measured over ${stim.cycles} cycles of the workload); OpenSTA propagates activity through the logic`;
  const { top } = d;
  const timing = await timingAndPower(s.netlist, top, d.ports, lib, clockNs, pins);
  const synth: CostReport['synth'] = { area: s.area, cells: s.cells, cellTypes: s.cellTypes, flipFlops: s.flipFlops, netlist: s.netlist, yosys: s.yosys, cached: s.cached };
  return {
    top,
    library: { name: lib.name, liberty: lib.liberty },
    synth,
    timing,
    activity: { workload: stim.source, trace: stim.trace, seed: stim.seed, cycles: stim.cycles, annotated },
    pdpPj: timing.power.total * timing.delayNs * 1000,
  };
}

function portActivities(stim: ReturnType<typeof buildStimulus>): PinActivity[] {
  const out: PinActivity[] = [];
  for (const [name, v] of stim.inputs) {
    let ones = 0;
    let toggles = 0;
    let prev = -1;
    for (let t = 0; t < stim.cycles; t++) {
      const bit = (v[t >>> 5] >>> (t & 31)) & 1;
      ones += bit;
      if (prev >= 0 && bit !== prev) toggles++;
      prev = bit;
    }
    out.push({ pin: `port:${name}`, activity: toggles / (stim.cycles - 1), duty: ones / stim.cycles });
  }
  return out;
}
