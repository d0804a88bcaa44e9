import { AxhwError } from '../errors.js';
import { gf180Macros, type SramMacro } from './sram-macro.js';

/**
 * A macro's storage energy and leakage as a function of its supply, fitted on its characterized corners
 * (the same process corner and temperature at several supplies: GF180MCU tt 25 C at 1.8, 3.3 and 5.0 V):
 * each quantity q(V) = q(V0) (V / V0)^k, k the least-squares slope of log q over log V. Dynamic energy
 * goes as C V^2 with a capacitance that itself varies with the supply, so k is measured, not assumed 2;
 * leakage follows the same form as a summary of its corners. Outside the characterized supplies the model
 * is an extrapolation (the GF180MCU macros are specified from 1.62 V; near-threshold supplies such as the
 * AxTrain experiment's are far below): `extrapolated` says so for every answer.
 */
export interface PowerLaw {
  /** The reference supply and the quantity there (the corner nearest the supplies asked for: the lowest). */
  v0: number;
  q0: number;
  k: number;
  /** The model's relative error at each fitted corner. */
  residuals: { voltage: number; relative: number }[];
}

export interface SramVoltageModel {
  cell: string;
  corners: number[];
  read: PowerLaw;
  write: PowerLaw;
  idle: PowerLaw;
  leakage: PowerLaw;
}

function fit(points: { v: number; q: number }[]): PowerLaw {
  const xs = points.map((p) => Math.log(p.v));
  const ys = points.map((p) => Math.log(p.q));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const k = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  // Through the lowest corner's fitted value (the least-squares line, evaluated there).
  const low = points.reduce((a, p) => (p.v < a.v ? p : a));
  const q0 = Math.exp(my + k * (Math.log(low.v) - mx));
  const law = { v0: low.v, q0, k, residuals: [] as PowerLaw['residuals'] };
  law.residuals = points.map((p) => ({ voltage: p.v, relative: powerLaw(law, p.v) / p.q - 1 }));
  return law;
}

export const powerLaw = (l: Pick<PowerLaw, 'v0' | 'q0' | 'k'>, v: number): number => l.q0 * (v / l.v0) ** l.k;

/** The model of one macro from its readings at several supplies (the same cell). */
export function sramVoltageModel(corners: readonly SramMacro[]): SramVoltageModel {
  const cell = corners[0]?.cell;
  if (corners.length < 2 || corners.some((c) => c.cell !== cell) || new Set(corners.map((c) => c.voltage)).size !== corners.length)
    throw new AxhwError(
      `A supply-voltage model needs one macro at two or more supplies; got ` +
        `${corners.map((c) => `${c.cell} at ${c.voltage} V`).join(', ')}.`,
      'Give the same macro at different supplies (its Liberty views at one process corner).',
    );
  const of = (q: (m: SramMacro) => number) => fit(corners.map((m) => ({ v: m.voltage, q: q(m) })));
  return {
    cell: cell!,
    corners: corners.map((c) => c.voltage).sort((a, b) => a - b),
    read: of((m) => m.energy.read),
    write: of((m) => m.energy.write),
    idle: of((m) => m.energy.idle),
    leakage: of((m) => m.leakageW),
  };
}

/** The model's read and write energy (J) and leakage (W) at a supply, and whether that is outside the corners. */
export function sramAtVoltage(
  model: SramVoltageModel,
  voltage: number,
): { voltage: number; read: number; write: number; leakageW: number; extrapolated: boolean } {
  if (!(voltage > 0)) throw new AxhwError(`Supply ${voltage} V is not a voltage.`, 'Give a positive supply in volts.');
  return {
    voltage,
    read: powerLaw(model.read, voltage),
    write: powerLaw(model.write, voltage),
    leakageW: powerLaw(model.leakage, voltage),
    extrapolated: voltage < model.corners[0]! || voltage > model.corners.at(-1)!,
  };
}

/**
 * The vendored GF180MCU macros (tt) at any supply: each size's energies (read, write, idle) and leakage from
 * its power-law model over the 1.8, 3.3 and 5.0 V corners; area and clock-to-Q as at 1.8 V (the delay at a
 * lower supply is longer and not modelled). `extrapolated`: the supply is outside the corners.
 */
export function gf180MacrosAt(voltage: number): { macros: SramMacro[]; extrapolated: boolean } {
  const [low, mid, high] = (['1v80', '3v30', '5v00'] as const).map((s) => gf180Macros(s));
  let extrapolated = false;
  const macros = low!.map((m, i) => {
    const model = sramVoltageModel([m, mid![i]!, high![i]!]);
    const at = sramAtVoltage(model, voltage);
    extrapolated = at.extrapolated;
    return {
      ...m,
      voltage,
      leakageW: at.leakageW,
      energy: { read: at.read, write: at.write, idle: powerLaw(model.idle, voltage) },
    };
  });
  return { macros, extrapolated };
}
