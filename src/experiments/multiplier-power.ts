import { characterize } from '../characterize/characterize.js';

export interface MultiplierPower {
  library: string;
  clockNs: number;
  workload: string;
  exact: { unit: string; powerMw: number; area: number; delayNs: number };
  drum: { k: number; powerMw: number; area: number; delayNs: number; savingPct: number }[];
}

/**
 * Power of DRUM settings and of the exact multiplier at the same width and signedness, from our own
 * characterization (Yosys + ABC on the standard-cell library, power from a simulation of each netlist under
 * seeded uniform random operands), not from the paper. Synthesis results are cached by content hash.
 */
export async function multiplierPower(ks: number[], width: number, signed: boolean): Promise<MultiplierPower> {
  const rep = await characterize({
    unit: 'drum',
    params: { width, signed },
    sweep: [{ name: 'k', values: ks }],
    baseline: 'exact-mul',
    cost: {},
    samples: 20000,
    seed: 1,
  });
  const b = rep.baseline!;
  return {
    library: rep.library.name,
    clockNs: rep.clockNs,
    workload:
      `${rep.activity.workload} operands, ${rep.activity.cycles} cycles, power by ` +
      (rep.baseline!.power.method === 'propagate' ? "OpenSTA's propagation" : `${rep.baseline!.power.simulation!.mode} simulation`),
    exact: { unit: b.top, powerMw: b.powerMw, area: b.area, delayNs: b.delayNs },
    drum: rep.rows.map((r) => ({
      k: Number(r.params.k),
      powerMw: r.powerMw,
      area: r.area,
      delayNs: r.delayNs,
      savingPct: r.savings!.power,
    })),
  };
}
