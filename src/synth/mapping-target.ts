import { groupsOf, type LibertyGroup } from './liberty.js';
import { libertyHolds } from './liberty-function.js';
import { AxhwError } from '../errors.js';

/**
 * What timing-driven mapping aims at (ABC's `-D` with a constraints file, after which Yosys's ABC script
 * buffers high fan-out nets and sizes gates up and down: `buffer`, `upsize`, `dnsize`, as OpenLANE scripts
 * it). A module mapped on its own does not know what drives its inputs or what its outputs drive, so every
 * input is taken as driven by the library's smallest inverter and every output as loaded by BOUNDARY_FANOUT
 * of that inverter's inputs (the fan-out-of-4 convention; OpenLANE's default boundary load, 33.4 fF on
 * sky130, is of that order). The whole hierarchy is then timed by OpenSTA with its real loads.
 */
export interface MappingTarget {
  clockNs: number;
  drivingCell: string;
  loadFf: number;
}

export const BOUNDARY_FANOUT = 4;

/** The smallest-area inverter of a parsed library (`libraryOf(lib).liberty`) and its input capacitance in fF. */
export function smallestInverter(root: LibertyGroup, file: string): { cell: string; inputFf: number } {
  const fF = capacitanceUnitFf(root);
  let best: { cell: string; inputFf: number; area: number } | undefined;
  for (const cell of groupsOf(root, 'cell')) {
    const pins = groupsOf(cell, 'pin');
    const ins = pins.filter((p) => p.simple.direction === 'input');
    const outs = pins.filter((p) => p.simple.direction === 'output');
    if (ins.length !== 1 || outs.length !== 1) continue;
    const fn = outs[0]!.simple.function;
    if (!fn || !libertyHolds(fn, () => false) || libertyHolds(fn, () => true)) continue;
    const area = Number(cell.simple.area);
    const cap = Number(ins[0]!.simple.capacitance);
    if (!Number.isFinite(area) || !Number.isFinite(cap)) continue;
    if (!best || area < best.area) best = { cell: cell.names[0]!, inputFf: cap * fF, area };
  }
  if (!best)
    throw new AxhwError(
      `${file} has no inverter (a cell with one input, one output, function !A, an area and an input capacitance).`,
      "A module cost maps each part for its clock with the library's smallest inverter driving the part's inputs: " +
        'use a standard-cell library that has one (as every standard-cell library does).',
    );
  return { cell: best.cell, inputFf: best.inputFf };
}

function capacitanceUnitFf(root: LibertyGroup): number {
  const unit = root.complex.capacitive_load_unit?.[0];
  if (!unit) return 1000; // Liberty's default unit is 1 pF
  const scale = { ff: 1, pf: 1000 }[unit[1]!.toLowerCase().replace(/"/g, '')];
  if (scale === undefined || !Number.isFinite(Number(unit[0])))
    throw new AxhwError(`capacitive_load_unit (${unit.join(', ')}) is not one this reader knows.`, 'Use a Liberty file with pf or ff.');
  return Number(unit[0]) * scale;
}

/** The target for a clock period on a parsed library. */
export function mappingTarget(root: LibertyGroup, file: string, clockNs: number): MappingTarget {
  const inv = smallestInverter(root, file);
  return { clockNs, drivingCell: inv.cell, loadFf: Number((BOUNDARY_FANOUT * inv.inputFf).toFixed(3)) };
}

/** ABC's constraints file for a target. */
export const abcConstraints = (t: MappingTarget): string => `set_driving_cell ${t.drivingCell}\nset_load ${t.loadFf}\n`;

/** How a netlist was mapped, in words, for the records. */
export const describeMapping = (t: MappingTarget | undefined): string =>
  t
    ? `timing-driven for ${t.clockNs} ns (ABC -D ${Math.round(t.clockNs * 1000)} with buffering and gate sizing; each part's ` +
      `inputs driven by ${t.drivingCell}, its outputs loaded with ${t.loadFf} fF)`
    : "for area (ABC's default mapping, no buffering or sizing)";
