import { AxhwError } from '../errors.js';
import { arcEnergy, switchingEnergy, tableEnergy, type CellEnergy, type LibraryEnergy, type PinEnergy } from './cell-energy.js';
import type { Netlist } from './netlist.js';

/**
 * Power of a netlist from counted toggles and the Liberty file (docs/synthesis-and-power.md, power from simulated switching activity):
 *
 * - every toggle of a cell's output net costs the cell's internal energy of that transition (rise and
 *   fall alternate, so each toggle counts the mean of the two), with the arcs of the cell's inputs
 *   weighted by how often each input toggled, read at the input's slew and the net's load;
 * - plus the switching energy C V^2 / 2 of the net, C = the sum of the input-pin capacitances the net
 *   drives (no wire capacitance: the netlist has no placement; OpenSTA without parasitics does the same);
 * - every toggle of a cell input with a passive internal-power table costs that table's energy;
 * - leakage is the sum of the cells' leakage powers.
 *
 * Slews: input ports switch ideally (0 s, OpenSTA's default without set_input_transition); a cell output's
 * slew is the mean of its arcs' rise and fall transition tables at their inputs' slews and its load,
 * taken in topological order. Nets driven by input ports carry no internal or switching energy of this
 * circuit (their driver is outside), as in OpenSTA's per-instance accounting.
 */
export interface SimulatedPower {
  cycles: number;
  clockNs: number;
  /** Energy over the run, J. */
  energy: { internal: number; switching: number; total: number };
  /** Average power at the clock, W (leakage included in total). */
  power: { internal: number; switching: number; leakage: number; total: number };
  /** Dynamic energy per cycle (= per operation for a combinational unit), J. */
  energyPerCycle: number;
  /** Toggles of the nets the cells drive, and of the input ports. */
  toggles: { internal: number; inputs: number };
  /** Per cell instance: its output toggles and energies over the run (J). */
  instances: { name: string; cell: string; toggles: number; internal: number; switching: number }[];
}

const OUTPUT = (p: PinEnergy | undefined) => p?.direction === 'output';

export function simulatedPower(
  net: Netlist,
  lib: LibraryEnergy,
  toggles: Map<string, number>,
  cycles: number,
  clockNs: number,
): SimulatedPower {
  if (!(cycles > 0)) throw new AxhwError('Simulated power needs at least one counted cycle.', 'Simulate at least 2 vectors.');
  const cellOf = (name: string): CellEnergy => {
    const c = lib.cells.get(name);
    if (!c)
      throw new AxhwError(
        `Cell ${name} of the netlist is not in the Liberty library ${lib.name}.`,
        'Give the Liberty file the netlist was mapped to with --lib.',
      );
    return c;
  };
  // Loads: every input pin a net drives.
  const load = new Map<string, number>();
  const driver = new Map<string, { inst: number; pin: PinEnergy }>();
  net.instances.forEach((inst, k) => {
    const cell = cellOf(inst.cell);
    for (const [pinName, bit] of Object.entries(inst.pins)) {
      const pin = cell.pins.get(pinName);
      if (!pin)
        throw new AxhwError(
          `Cell ${inst.cell} has no pin ${pinName} in ${lib.name}.`,
          'Give the Liberty file the netlist was mapped to with --lib.',
        );
      if (OUTPUT(pin)) driver.set(bit, { inst: k, pin });
      else load.set(bit, (load.get(bit) ?? 0) + pin.capacitance);
    }
  });
  // An assign makes two names one net: its load is both names' loads, its driver the right side's.
  const alias = new Map(net.assigns.map(([l, r]) => [l, r]));
  const root = (bit: string) => {
    let b = bit;
    for (let k = 0; k < 64 && alias.has(b); k++) b = alias.get(b)!;
    return b;
  };
  const loads = new Map<string, number>();
  for (const [b, c] of load) loads.set(root(b), (loads.get(root(b)) ?? 0) + c);

  // Slews in topological order of the drivers (combinational netlists: a DAG).
  const slew = new Map<string, number>();
  const slewOf = (bit: string, depth = 0): number => {
    const b = root(bit);
    if (slew.has(b)) return slew.get(b)!;
    if (depth > 10_000)
      throw new AxhwError(
        `${net.top} has a combinational loop through net ${b}.`,
        'Simulated power covers acyclic combinational netlists.',
      );
    const d = driver.get(b);
    let v = 0;
    if (d) {
      const inst = net.instances[d.inst]!;
      const arcs = d.pin.transitions.filter((a) => a.relatedPin && inst.pins[a.relatedPin] !== undefined);
      const at = (rel: string) => ({ slew: slewOf(inst.pins[rel]!, depth + 1), load: loads.get(b) ?? 0 });
      const vals = arcs.flatMap((a) => [a.rise, a.fall].filter((t) => t !== undefined).map((t) => tableEnergy(t!, at(a.relatedPin!))));
      v = vals.length ? Math.max(0, vals.reduce((p, q) => p + q, 0) / vals.length) : 0;
    }
    slew.set(b, v);
    return v;
  };

  let internal = 0;
  let switching = 0;
  let internalToggles = 0;
  const perInstance: SimulatedPower['instances'] = [];
  net.instances.forEach((inst) => {
    const cell = cellOf(inst.cell);
    const before = { internal, switching, toggles: internalToggles };
    for (const [pinName, bit] of Object.entries(inst.pins)) {
      const pin = cell.pins.get(pinName)!;
      const t = toggles.get(bit) ?? 0;
      if (t === 0) continue;
      if (OUTPUT(pin)) {
        const b = root(bit);
        const c = loads.get(b) ?? 0;
        // Arcs weighted by their input's toggles (all equal when no input toggled).
        const arcs = pin.arcs.filter((a) => a.relatedPin === undefined || inst.pins[a.relatedPin] !== undefined);
        const weights = arcs.map((a) => (a.relatedPin ? (toggles.get(inst.pins[a.relatedPin]!) ?? 0) : 0));
        const wsum = weights.reduce((p, q) => p + q, 0);
        let e = 0;
        arcs.forEach((a, k) => {
          const at = { slew: a.relatedPin ? slewOf(inst.pins[a.relatedPin]!) : 0, load: c };
          e += arcEnergy(a, at) * (wsum > 0 ? weights[k]! / wsum : 1 / arcs.length);
        });
        internal += t * e;
        switching += t * switchingEnergy(c, lib.voltage);
        internalToggles += t;
      } else {
        // Passive energy of an input pin (tables without a related pin).
        const passive = pin.arcs.filter((a) => a.relatedPin === undefined);
        if (passive.length) {
          const at = { slew: slewOf(bit), load: 0 };
          internal += t * passive.reduce((s, a) => s + arcEnergy(a, at), 0);
        }
      }
    }
    perInstance.push({
      name: inst.name,
      cell: inst.cell,
      toggles: internalToggles - before.toggles,
      internal: internal - before.internal,
      switching: switching - before.switching,
    });
  });
  const seconds = cycles * clockNs * 1e-9;
  const leakage = net.instances.reduce((s, i) => s + cellOf(i.cell).leakage, 0);
  const inputBits = net.ports.filter((p) => p.direction === 'input').flatMap((p) => p.bits);
  return {
    cycles,
    clockNs,
    energy: { internal, switching, total: internal + switching },
    power: { internal: internal / seconds, switching: switching / seconds, leakage, total: (internal + switching) / seconds + leakage },
    energyPerCycle: (internal + switching) / cycles,
    toggles: { internal: internalToggles, inputs: inputBits.reduce((s, b) => s + (toggles.get(b) ?? 0), 0) },
    instances: perInstance,
  };
}
