import type { CellLibrary } from './library.js';
import type { ToggleSimulator } from './toggle-sim.js';
import { registerFile, type MemoryCharacterisation } from './memory-cost.js';
import { bestSramArray } from './sram-array.js';
import { gf180Macros, type SramMacro } from './sram-macro.js';
import { gf180MacrosAt } from './sram-voltage.js';
import { Rng } from '../util/rng.js';

/** What one memory costs per action (J; read and write: over an idle cycle), its leakage (W) and area (um^2). */
export interface MemoryActions {
  idleJ: number;
  readJ: number;
  writeJ: number;
  leakageW: number;
  area: number;
  source: string;
}

/** Counted accesses of a memory's instances over a run. */
export interface MemoryUse {
  instances: number;
  cycles: number;
  reads: number;
  writes: number;
}

/** The energy of `use` on a memory of `actions` at `clockNs`, J (all instances). */
export const accessEnergy = (a: MemoryActions, u: MemoryUse, clockNs: number): number =>
  u.instances * u.cycles * (a.idleJ + a.leakageW * clockNs * 1e-9) + u.reads * a.readJ + u.writes * a.writeJ;

/**
 * The deepest clock-gated file characterised whole: a deeper memory is built of banks of this many words (the
 * last one partly used), as the SRAM arrays are of macro tiles. An access enables one bank; the others are
 * not clocked (a gated file idles at no dynamic cost) and leak. The banks' output multiplexer is not costed.
 */
export const GATED_BANK_WORDS = 512;

export const gatedBank = (depth: number): { banks: number; words: number } => ({
  banks: Math.ceil(depth / GATED_BANK_WORDS),
  words: Math.min(depth, GATED_BANK_WORDS),
});

/** A gated memory of `depth` words from its bank's characterisation (`bank`: one bank of gatedBank(depth).words). */
export function gatedActions(bank: MemoryActions, depth: number): MemoryActions {
  const { banks, words } = gatedBank(depth);
  if (banks === 1) return bank;
  return {
    idleJ: banks * bank.idleJ,
    readJ: bank.readJ,
    writeJ: bank.writeJ,
    leakageW: banks * bank.leakageW,
    area: banks * bank.area,
    source: `${banks} banks of ${words} words, each ${bank.source}`,
  };
}

/** Cycles of each action workload of the gated file's characterisation. */
const ACTION_CYCLES = 400;

/** A gated file's per-action energies: three workloads (idle, reads on port 0, writes) simulated at gate level. */
export async function characteriseGatedMemory(
  width: number,
  depth: number,
  reads: number,
  lib: CellLibrary & { cells: string },
  clockNs: number,
  simulator: ToggleSimulator = 'auto',
): Promise<MemoryActions> {
  const top = `axhw_ram_gated_w${width}_d${depth}_r${reads}`;
  const f = await registerFile({ top, role: 'clock-gated register file (cost characterisation)', width, depth, reads, gated: true }, lib);
  const run = (action: 'idle' | 'read' | 'write') => {
    const rng = new Rng(7);
    return f.simulate(
      ACTION_CYCLES,
      (port, bits) => {
        const word = ((BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32())) & ((1n << BigInt(bits)) - 1n);
        if (action === 'write' && port === 'we') return 1n;
        if (action === 'write' && port === 'waddr') return BigInt(rng.nextU32() % depth);
        if (action === 'write' && port === 'wdata') return word;
        if (action === 'read' && port === 'raddr0') return BigInt(rng.nextU32() % depth);
        if (action === 'read' && port === 're0') return 1n;
        return 0n;
      },
      clockNs,
      simulator,
    );
  };
  const idle = await run('idle');
  const read = await run('read');
  const write = await run('write');
  return {
    idleJ: idle.energyPerCycle,
    readJ: read.energyPerCycle - idle.energyPerCycle,
    writeJ: write.energyPerCycle - idle.energyPerCycle,
    leakageW: idle.leakageW,
    area: f.synth.area,
    source:
      `${top}: ${f.synth.cells} cells (${f.synth.flipFlops} flip-flops), ${ACTION_CYCLES} cycles each of idle, random reads on ` +
      'port 0 and random writes, simulated at gate level',
  };
}

const macrosAt = new Map<number | undefined, { macros: SramMacro[]; extrapolated: boolean }>();
/**
 * The GF180MCU macros the SRAM kind is priced with: the 1.8 V corner, or `voltage` from the supply model of
 * sram-voltage.ts (an extrapolation outside 1.8 to 5.0 V). Read once per supply (twelve Liberty files at another one).
 */
export function sramMacros(voltage?: number): { macros: SramMacro[]; extrapolated: boolean } {
  let m = macrosAt.get(voltage);
  if (!m)
    macrosAt.set(voltage, (m = voltage === undefined ? { macros: gf180Macros('1v80'), extrapolated: false } : gf180MacrosAt(voltage)));
  return m;
}

/** The SRAM kind's per-action energies: the least-area array of the macros of sramMacros(voltage) (sram-array.ts). */
export function sramActions(width: number, depth: number, voltage?: number): MemoryActions {
  const a = bestSramArray(width, depth, sramMacros(voltage).macros);
  return {
    idleJ: a.energy.idle,
    readJ: a.energy.read - a.energy.idle,
    writeJ: a.energy.write - a.energy.idle,
    leakageW: a.leakageW,
    area: a.area,
    source:
      `${a.slices} x ${a.banks} tiles of ${a.macro.cell} (${a.macro.library}` +
      `${voltage === undefined ? '' : `, scaled to ${voltage} V by the supply model`}), read latency 1 cycle`,
  };
}

/** The ungated upper bound, as memory-cost.ts characterises it: every bit costed every cycle. */
export const ungatedEnergy = (bits: number, instances: number, cycles: number, model: MemoryCharacterisation): number =>
  instances * bits * cycles * model.energyPerBitCycle;
