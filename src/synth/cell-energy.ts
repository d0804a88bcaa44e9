import { AxhwError } from '../errors.js';
import { groupsOf, numbers, type LibertyGroup } from './liberty.js';

/**
 * What a cell library says a toggle costs, read from a Liberty file (the reader is `liberty.ts`):
 * per output pin, the internal energy of a rise and of a fall (`internal_power` tables over the input
 * transition and the output load, one arc per related input pin), per input pin its capacitance and any
 * passive internal energy, and per cell its leakage power. All quantities in SI units (J, F, W, s, V).
 */
export type TableVariable = 'load' | 'slew';

export interface PowerTable {
  /** What index_1 (and index_2) measure, from the table's template. */
  variables: TableVariable[];
  /** Breakpoints in SI units (F for load, s for slew), one list per variable. */
  index: number[][];
  /** Row-major over index_1 x index_2: energies in J (power tables) or times in s (transition tables). */
  values: number[];
}

/** A timing arc's output transition times (s) over the input transition and the output load. */
export interface TransitionArc {
  relatedPin?: string;
  rise?: PowerTable;
  fall?: PowerTable;
}

export interface PowerArc {
  /** The input pin whose transition this arc describes (absent: the pin's own, passive energy). */
  relatedPin?: string;
  /** The state the energy applies in (a Liberty function of the cell's pins, e.g. a macro's `!CEN & GWEN`). */
  when?: string;
  rise?: PowerTable;
  fall?: PowerTable;
}

export interface PinEnergy {
  name: string;
  direction: 'input' | 'output' | 'inout' | 'internal';
  /** Input capacitance in F (0 for outputs that declare none). */
  capacitance: number;
  arcs: PowerArc[];
  /** Output pins: transition-time tables of the timing arcs (for the slews the power tables are read at). */
  transitions: TransitionArc[];
}

export interface CellEnergy {
  name: string;
  area: number;
  /** Leakage power in W. */
  leakage: number;
  pins: Map<string, PinEnergy>;
}

export interface LibraryEnergy {
  name: string;
  /** Supply voltage in V (nom_voltage, or the default operating conditions' voltage). */
  voltage: number;
  cells: Map<string, CellEnergy>;
}

const PREFIX: Record<string, number> = { f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3 };

/** "1nW", "10ps", "1V" -> the SI multiplier of one unit. */
function unitScale(text: string | undefined, base: string, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const m = new RegExp(`^\\s*([\\d.]+)\\s*([fpnumk]?)${base}\\s*$`, 'i').exec(text);
  if (!m) throw new AxhwError(`Liberty ${what} '${text}' is not a number and unit of ${base}.`, `Write it as e.g. "1n${base}".`);
  return Number(m[1]) * PREFIX[m[2]!.toLowerCase()]!;
}

function variableOf(v: string | undefined, where: string): TableVariable {
  if (v === 'total_output_net_capacitance') return 'load';
  if (v === 'input_transition_time' || v === 'input_net_transition') return 'slew';
  throw new AxhwError(
    `${where}: power table variable '${v ?? '(none)'}' is not supported (input_transition_time or total_output_net_capacitance).`,
    'Use a library whose internal_power tables are indexed by input transition and output load.',
  );
}

/** Read every cell's energy data from a parsed Liberty library. */
export function libraryEnergy(lib: LibertyGroup): LibraryEnergy {
  const [capN, capU] = lib.complex.capacitive_load_unit?.[0] ?? ['1', 'pf'];
  const capUnit = Number(capN) * (PREFIX[capU!.toLowerCase().replace(/f$/, '')] ?? NaN);
  if (!Number.isFinite(capUnit)) throw new AxhwError(`Liberty capacitive_load_unit (${capN}, ${capU}) is not understood.`, 'Use ff or pf.');
  const voltUnit = unitScale(lib.simple.voltage_unit, 'V', 1, 'voltage_unit');
  const timeUnit = unitScale(lib.simple.time_unit, 's', 1e-9, 'time_unit');
  const leakUnit = unitScale(lib.simple.leakage_power_unit, 'W', 1e-9, 'leakage_power_unit');
  const conditions = groupsOf(lib, 'operating_conditions').find((g) => g.names[0] === lib.simple.default_operating_conditions);
  const voltage = Number(conditions?.simple.voltage ?? lib.simple.nom_voltage) * voltUnit;
  if (!(voltage > 0))
    throw new AxhwError(`Liberty library ${lib.names[0]} states no supply voltage (nom_voltage).`, 'Add nom_voltage to the library.');
  // Internal energy is in capacitive_load_unit x voltage_unit^2 (Liberty reference, internal_power).
  const energyUnit = capUnit * voltUnit * voltUnit;
  const templates = new Map([...groupsOf(lib, 'power_lut_template'), ...groupsOf(lib, 'lu_table_template')].map((t) => [t.names[0]!, t]));
  const scaleOf = (v: TableVariable) => (v === 'load' ? capUnit : timeUnit);

  const table = (g: LibertyGroup, where: string, unit = energyUnit): PowerTable => {
    const tpl = templates.get(g.names[0] ?? '');
    if (g.names[0] === 'scalar') return { variables: [], index: [], values: numbers(g.complex.values![0]!, where).map((e) => e * unit) };
    if (!tpl)
      throw new AxhwError(
        `${where}: power table template '${g.names[0] ?? '(none)'}' is not defined.`,
        'Define it with power_lut_template in the library.',
      );
    const variables = ['variable_1', 'variable_2'].filter((v) => tpl.simple[v]).map((v) => variableOf(tpl.simple[v], where));
    const index = variables.map((v, k) => {
      const key = `index_${k + 1}`;
      const list = g.complex[key]?.[0] ?? tpl.complex[key]?.[0];
      if (!list) throw new AxhwError(`${where}: ${key} is missing.`, 'Give the table or its template its breakpoints.');
      return numbers(list, where).map((x) => x * scaleOf(v));
    });
    const values = numbers(g.complex.values?.[0] ?? [], where).map((e) => e * unit);
    const size = index.reduce((a, i) => a * i.length, 1);
    if (values.length !== size)
      throw new AxhwError(
        `${where}: ${values.length} values for a ${index.map((i) => i.length).join(' x ')} table.`,
        'Check the table in the Liberty file.',
      );
    return { variables, index, values };
  };

  const cells = new Map<string, CellEnergy>();
  for (const c of groupsOf(lib, 'cell')) {
    const name = c.names[0]!;
    const pins = new Map<string, PinEnergy>();
    // A macro's buses (a memory's address, data and mask) are read as pins named by the bus.
    for (const p of [...groupsOf(c, 'pin'), ...groupsOf(c, 'bus')]) {
      const where = `cell ${name} pin ${p.names[0]}`;
      const arcs = groupsOf(p, 'internal_power').map((ip) => ({
        relatedPin: ip.simple.related_pin,
        ...(ip.simple.when !== undefined ? { when: ip.simple.when } : {}),
        rise: groupsOf(ip, 'rise_power').map((t) => table(t, `${where} rise_power`))[0],
        fall: groupsOf(ip, 'fall_power').map((t) => table(t, `${where} fall_power`))[0],
      }));
      const transitions = groupsOf(p, 'timing').map((tg) => ({
        relatedPin: tg.simple.related_pin,
        rise: groupsOf(tg, 'rise_transition').map((t) => table(t, `${where} rise_transition`, timeUnit))[0],
        fall: groupsOf(tg, 'fall_transition').map((t) => table(t, `${where} fall_transition`, timeUnit))[0],
      }));
      for (const pinName of p.names) {
        pins.set(pinName, {
          name: pinName,
          direction: (p.simple.direction ?? 'input') as PinEnergy['direction'],
          capacitance: Number(p.simple.capacitance ?? 0) * capUnit,
          arcs,
          transitions,
        });
      }
    }
    cells.set(name, { name, area: Number(c.simple.area ?? 0), leakage: Number(c.simple.cell_leakage_power ?? 0) * leakUnit, pins });
  }
  return { name: lib.names[0] ?? '(unnamed)', voltage, cells };
}

/** Piecewise-linear along one axis, extrapolating with the end segments (as OpenSTA and the Liberty spec do). */
function segment(index: number[], x: number): { i: number; t: number } {
  if (index.length === 1) return { i: 0, t: 0 };
  let i = 0;
  while (i < index.length - 2 && x > index[i + 1]!) i++;
  return { i, t: (x - index[i]!) / (index[i + 1]! - index[i]!) };
}

/** A table's energy (J) at an input transition (s) and output load (F): bilinear, linear beyond the edges. */
export function tableEnergy(t: PowerTable, at: { slew: number; load: number }): number {
  if (t.variables.length === 0) return t.values[0]!;
  const x = at[t.variables[0]!];
  const a = segment(t.index[0]!, x);
  const cols = t.variables.length === 2 ? t.index[1]!.length : 1;
  const row = (r: number) => {
    if (t.variables.length === 1) return t.values[r]!;
    const b = segment(t.index[1]!, at[t.variables[1]!]);
    const v0 = t.values[r * cols + b.i]!;
    const v1 = cols > 1 ? t.values[r * cols + b.i + 1]! : v0;
    return v0 + b.t * (v1 - v0);
  };
  const r0 = row(a.i);
  const r1 = t.index[0]!.length > 1 ? row(a.i + 1) : r0;
  return r0 + a.t * (r1 - r0);
}

/**
 * Internal energy (J) of one transition through an arc, rise or fall: rises and falls alternate, so a
 * transition costs the mean of the two tables (a missing table counts 0).
 */
export function arcEnergy(arc: PowerArc, at: { slew: number; load: number }): number {
  return ((arc.rise ? tableEnergy(arc.rise, at) : 0) + (arc.fall ? tableEnergy(arc.fall, at) : 0)) / 2;
}

/** Energy (J) drawn from the supply to charge a load C (F) once: C V^2 / 2 per transition on average. */
export function switchingEnergy(load: number, voltage: number): number {
  return 0.5 * load * voltage * voltage;
}
