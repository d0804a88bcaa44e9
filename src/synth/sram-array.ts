import { AxhwError } from '../errors.js';
import type { SramMacro } from './sram-macro.js';

/**
 * A memory of any width x depth built from SRAM macro tiles: the width in slices of the macro's word
 * (ceil(width / bits), the last one partly used), the depth in banks of its words (ceil(depth / words)).
 * Every tile shares the clock; an access enables the slices of one bank (the address's high bits select it)
 * and leaves the other banks disabled, so per access:
 *   read  = slices x (E_read  + (banks - 1) E_idle),
 *   write = slices x (E_write + (banks - 1) E_idle),
 *   idle  = slices x banks x E_idle,
 * leakage and area are the tiles' sums. The read data is registered in the macro: one cycle of latency,
 * the clock-to-Q of the macro. Not costed here: the banks' output multiplexer and the bank decoding (a few
 * gates per bit, in the logic's library), which grow with the banks.
 */
export interface SramArray {
  width: number;
  depth: number;
  macro: { cell: string; words: number; bits: number; voltage: number; library: string };
  slices: number;
  banks: number;
  tiles: number;
  /** Energy of one cycle of the whole memory by what it does, J. */
  energy: { read: number; write: number; idle: number };
  leakageW: number;
  /** um^2, the tiles' (no multiplexer). */
  area: number;
  /** Cycles from the address to the data (synchronous read), and the data's clock-to-Q, s. */
  readLatencyCycles: 1;
  clockToQ: number;
}

/** The array of `width` x `depth` on one macro. */
export function sramArray(width: number, depth: number, m: SramMacro): SramArray {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(depth) && depth > 0))
    throw new AxhwError(`A memory of ${width} x ${depth} bits is not a memory.`, 'Give a positive whole width and depth.');
  const slices = Math.ceil(width / m.bits);
  const banks = Math.ceil(depth / m.words);
  const others = (banks - 1) * m.energy.idle;
  return {
    width,
    depth,
    macro: { cell: m.cell, words: m.words, bits: m.bits, voltage: m.voltage, library: m.library },
    slices,
    banks,
    tiles: slices * banks,
    energy: {
      read: slices * (m.energy.read + others),
      write: slices * (m.energy.write + others),
      idle: slices * banks * m.energy.idle,
    },
    leakageW: slices * banks * m.leakageW,
    area: slices * banks * m.area,
    readLatencyCycles: 1,
    clockToQ: m.clockToQ,
  };
}

/**
 * The array on the macro with the least area (the tightest fit of the depth: the smallest macro that holds
 * it in one bank, or the largest in banks), ties broken by read energy. A cheaper read is to be had from
 * more banks of smaller macros (one enabled per access), at several times the area and with the banks'
 * multiplexer, which is not costed here: so the choice does not go that way.
 */
export function bestSramArray(width: number, depth: number, macros: readonly SramMacro[]): SramArray {
  if (!macros.length) throw new AxhwError('No SRAM macros to build a memory from.', 'Give at least one macro.');
  return macros
    .map((m) => sramArray(width, depth, m))
    .reduce((best, a) => (a.area < best.area || (a.area === best.area && a.energy.read < best.energy.read) ? a : best));
}
