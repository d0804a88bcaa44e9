import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxhwError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import { groupsOf, numbers, parseLiberty, type LibertyGroup } from './liberty.js';
import { arcEnergy, libraryEnergy } from './cell-energy.js';
import { libertyHolds } from './liberty-function.js';
import { platformDir } from '../paths.js';

/**
 * An SRAM macro as its foundry Liberty view describes it: size, area, leakage, clock-to-Q, and the energy
 * of a clock cycle by what the cycle does. The macros vendored under platforms/gf180mcu/sram (GF180MCU,
 * PROVENANCE.md there) state it as `internal_power` groups of the clock pin, each under a `when` condition
 * on the control pins; a cycle is classified by evaluating those conditions:
 *  - read: enabled (CEN low), no write (GWEN high);
 *  - write: enabled, GWEN low, every bit of the write mask WEN enabled (low);
 *  - idle: disabled (CEN high): the clock still toggles.
 * Exactly one condition must hold in each (else the file is refused). Each group holds the same energy in
 * its rise and fall tables, and the datasheet (specs/4_Power_Consumption3.csv of the same repository: "AC
 * Write 92.043 uW at 1 MHz" for the 64 x 8 macro at 1.8 V, the Liberty's write value) gives that figure per
 * access: so a cycle costs the mean of the two tables (`arcEnergy`), not their sum (which a tool adding
 * both clock edges would report: twice the datasheet).
 */
export interface SramMacro {
  cell: string;
  /** The Liberty library's name (the corner), its file and the file's sha256. */
  library: string;
  file: string;
  sha256: string;
  words: number;
  bits: number;
  /** Supply voltage of the corner, V. */
  voltage: number;
  /** um^2. */
  area: number;
  /** W. */
  leakageW: number;
  /** Energy of one clock cycle, J, by what the cycle does. */
  energy: { read: number; write: number; idle: number };
  /** Clock to Q of a read, s (the larger of rise and fall at the tables' smallest clock slew and load). */
  clockToQ: number;
}

/** The pins a cycle's kind is read from, and their values in each kind (GF180MCU's names, active low). */
const CYCLES: Record<keyof SramMacro['energy'], (pin: string) => boolean> = {
  read: (p) => p !== 'CEN',
  write: (p) => (p === 'CEN' ? false : p === 'GWEN' ? false : !/^WEN\[\d+\]$/.test(p)),
  idle: (p) => p === 'CEN' || p === 'GWEN' || /^WEN\[\d+\]$/.test(p),
};

/** Read one macro from a Liberty file. */
export function readSramMacro(file: string): SramMacro {
  const text = readFileSync(file, 'latin1');
  const lib = parseLiberty(text, file);
  const cells = groupsOf(lib, 'cell');
  const cell = cells.find((c) => groupsOf(c, 'memory').length);
  const refuse = (why: string): never => {
    throw new AxhwError(`${file}: ${why}.`, 'Give the Liberty view of a single-port SRAM macro (a cell with a memory group).');
  };
  if (!cell) return refuse('no cell with a memory() group');
  const name = cell.names[0]!;
  const memory = groupsOf(cell, 'memory')[0]!;
  const addressBits = Number(memory.simple.address_width);
  const bits = Number(memory.simple.word_width);
  if (!(addressBits > 0 && bits > 0)) refuse('its memory group lacks address_width or word_width');
  const energy = libraryEnergy(lib);
  const c = energy.cells.get(name)!;
  const clockPin = groupsOf(cell, 'pin').find((p) => p.simple.clock === 'true');
  if (!clockPin) return refuse('no clock pin (clock : true)');
  const arcs = c.pins.get(clockPin.names[0]!)!.arcs;
  const cycle = (kind: keyof SramMacro['energy']): number => {
    const holding = arcs.filter((a) => a.when !== undefined && libertyHolds(a.when, CYCLES[kind]));
    if (holding.length !== 1)
      refuse(`${holding.length} internal_power conditions of pin ${clockPin.names[0]} hold in a ${kind} cycle (one must)`);
    const arc = holding[0]!;
    // Read at the clock slew of the tables' smallest breakpoint (GF180MCU's are flat in it).
    const slew = (arc.rise ?? arc.fall)?.index[0]?.[0] ?? 0;
    return arcEnergy(arc, { slew, load: 0 });
  };
  return {
    cell: name,
    library: lib.names[0] ?? name,
    file,
    sha256: sha256(text),
    words: 2 ** addressBits,
    bits,
    voltage: energy.voltage,
    area: Number(cell.simple.area),
    leakageW: c.leakage,
    energy: { read: cycle('read'), write: cycle('write'), idle: cycle('idle') },
    clockToQ: clockToQ(lib, cell, file),
  };
}

/** The read's clock-to-Q from the output bus's rising-edge timing group. */
function clockToQ(lib: LibertyGroup, cell: LibertyGroup, file: string): number {
  const timeUnit = /^\s*1\s*ns\s*$/i.test(lib.simple.time_unit ?? '1ns') ? 1e-9 : NaN;
  if (!Number.isFinite(timeUnit)) throw new AxhwError(`${file}: time_unit ${lib.simple.time_unit} is not 1ns.`, 'Give a library in ns.');
  const q = [...groupsOf(cell, 'bus'), ...groupsOf(cell, 'pin')].find((b) => groupsOf(b, 'memory_read').length);
  const timing = q && groupsOf(q, 'timing').find((t) => t.simple.timing_type === 'rising_edge');
  if (!timing) throw new AxhwError(`${file}: no rising_edge timing on the read data output.`, 'Give the macro its clock-to-Q tables.');
  const first = (kind: string) => {
    const t = groupsOf(timing, kind)[0];
    if (!t) throw new AxhwError(`${file}: the read timing has no ${kind} table.`, 'Give the macro its clock-to-Q tables.');
    return numbers(t.complex.values![0]!, `${file} ${kind}`)[0]!;
  };
  return Math.max(first('cell_rise'), first('cell_fall')) * timeUnit;
}

/** The vendored GF180MCU macros at the typical corner and a supply (1.8, 3.3 or 5.0 V), smallest first. */
export function gf180Macros(supply: '1v80' | '3v30' | '5v00' = '1v80'): SramMacro[] {
  const dir = join(platformDir, 'gf180mcu', 'sram');
  return readdirSync(dir)
    .filter((f) => f.endsWith(`__tt_025C_${supply}.lib`))
    .map((f) => readSramMacro(join(dir, f)))
    .sort((a, b) => a.words - b.words);
}
