import { generateDesign } from '../gen/generate.js';
import { withControlDefaults } from '../gen/controls.js';
import { resolveUnitSpec } from '../gen/unit-spec.js';
import { estimateCost } from './estimate.js';
import { FP_PRESETS, type FpFormat } from '../models/fpmul.js';

/** One significand width's measurements on the synthesized binary32 fpmul, under a recorded operand trace. */
export interface MeasuredLevel {
  m: number;
  /** Dynamic energy per multiplication (toggles of the netlist under the trace, m held), pJ. */
  dynamicPj: number;
  leakageW: number;
  /** Critical path with m held (OpenSTA case analysis), ns. */
  delayNs: number;
}

export interface FpmulCosts {
  top: string;
  rtlHash: string;
  library: string;
  area: number;
  /** Critical path over every m (the clock of a unit that switches m at run time), ns. */
  netlistDelayNs: number;
  levels: MeasuredLevel[];
}

/**
 * How the cycle is set: `fixed` runs every level at the netlist's critical path (the unit as built: m
 * changes at run time, the clock does not); `per-level` at the level's own critical path (as if the
 * clock followed m, the paper's assumption that fewer bits also run faster).
 */
export type Clocking = 'fixed' | 'per-level';
export const CLOCKINGS: readonly Clocking[] = ['fixed', 'per-level'];

/**
 * The fpmul of a format (rne, full subnormals; one netlist, m a run-time input) at each level m: energy per multiplication from a
 * zero-delay simulation of the synthesized netlist replaying `trace` (an .npy of operand pairs; default
 * seeded uniform random operands) with m held, and the critical path with m held.
 */
export async function fpmulLevelCosts(
  levels: readonly number[],
  trace?: string,
  format: FpFormat = FP_PRESETS.binary32,
): Promise<FpmulCosts> {
  const spec = resolveUnitSpec(`fpmul:exp=${format.exp},frac=${format.frac}`);
  const base = generateDesign(spec.unit, spec.params);
  // The netlist over every m: only its area and critical path are used, so no toggle simulation.
  const whole = await estimateCost(base, { power: 'propagate' });
  const out: MeasuredLevel[] = [];
  for (const m of levels) {
    const r = await estimateCost(withControlDefaults(base, { mbits: m }), { trace, timeAtControls: true });
    out.push({ m, dynamicPj: r.power.energyPerOpPj, leakageW: r.power.leakage, delayNs: r.timing.delayNs });
  }
  return {
    top: base.top,
    rtlHash: base.rtlHash,
    library: whole.library.name,
    area: whole.synth.area,
    netlistDelayNs: whole.timing.delayNs,
    levels: out,
  };
}

/** A level's cycle and energy per multiplication (dynamic + leakage over the cycle) under a clocking. */
export function levelCost(
  costs: FpmulCosts,
  m: number,
  clock: Clocking,
): { m: number; cycleNs: number; energyPerOpPj: number; powerW: number } {
  const l = costs.levels.find((x) => x.m === m);
  if (!l) throw new Error(`no measurement of the fpmul at m = ${m}`);
  const cycleNs = clock === 'fixed' ? costs.netlistDelayNs : l.delayNs;
  const energyPerOpPj = l.dynamicPj + l.leakageW * cycleNs * 1e3;
  return { m, cycleNs, energyPerOpPj, powerW: energyPerOpPj / (cycleNs * 1e3) };
}
