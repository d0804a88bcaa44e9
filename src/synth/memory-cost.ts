import { readFileSync } from 'node:fs';
import type { CellLibrary } from './library.js';
import { synthesize } from './yosys.js';
import { readNetlist } from './netlist.js';
import { cellModelsFor } from './cell-models.js';
import { simulateToggles, stimulusInputs, type ToggleSimulator } from './toggle-sim.js';
import { simulatedPower } from './sim-power.js';
import { cachedEntry } from '../util/cache-entry.js';
import { sha256 } from '../util/hash.js';
import { libraryOf } from './simulated-cost.js';
import { renderRam, type RamSpec } from '../gen/render-ram.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';

/**
 * How a memory is costed. The cell library has no SRAM macros and no sourced per-bit SRAM figures are
 * available offline, so every memory is costed as what the RTL describes: a flip-flop register file
 * (rtl-templates/ram.v.hbs), synthesized by this flow, per bit: every memory is costed from one reference
 * register file of REFERENCE_WIDTH x REFERENCE_DEPTH words with the same number of read ports. Per bit,
 * a flip-flop register file's area and energy are its flip-flops (each clocked every cycle) and its read
 * multiplexers, which grow with the depth about as the bits do; the shared address decoding is what the
 * per-bit figure spreads thinner in a larger memory. (Larger reference files take minutes to compile for
 * the gate-level simulation.)
 */
export const REFERENCE_DEPTH = 16;

/** The output pins of a memory module (rtl-templates/ram.v.hbs): one read data port per read port. */
export const memoryOutputs = (m: { reads: number }): string[] => Array.from({ length: m.reads }, (_, k) => `rdata${k}`);

export const REFERENCE_WIDTH = 8;
/** Cycles of the characterisation workload. */
const CYCLES = 1000;

export interface MemoryCharacterisation {
  width: number;
  /** The reference register file synthesized and simulated. */
  depth: number;
  reads: number;
  area: number;
  flipFlops: number;
  /** um^2 per bit. */
  areaPerBit: number;
  /** Energy per bit per clock cycle, J: dynamic under the workload below, plus leakage. */
  energyPerBitCycle: number;
  leakagePerBit: number;
  workload: string;
}

/** A register file's simulated dynamic energy per cycle (J) and leakage (W). */
export interface RegisterFilePower {
  energyPerCycle: number;
  leakageW: number;
}

/** A register file (rtl-templates/ram.v.hbs) for characterisation. */
export type RegisterFileSpec = RamSpec;

/**
 * A register file synthesized by this flow, ready to simulate at gate level: `simulate` drives `cycles` cycles
 * (the clock by itself; every other input port each cycle from `value(port, bits)`, called in port order) and
 * gives the simulated power at `clockNs`.
 */
export async function registerFile(spec: RegisterFileSpec, lib: CellLibrary & { cells: string }) {
  const text = renderRam(spec);
  const synth = await synthesize({ top: spec.top, sources: { [`${spec.top}.v`]: text } }, lib);
  const netlistText = readFileSync(synth.netlist, 'utf8');
  const net = readNetlist(synth.netlist);
  const { liberty, energy } = libraryOf(lib);
  const models = cellModelsFor(readFileSync(lib.cells, 'utf8'), new Set(net.instances.map((i) => i.cell)), lib.cells, liberty);
  const inputs = net.ports.filter((p) => p.direction === 'input' && p.name !== 'clk');
  const simulate = async (
    cycles: number,
    value: (port: string, bits: number) => bigint,
    clockNs: number,
    simulator: ToggleSimulator = 'auto',
  ): Promise<RegisterFilePower> => {
    const values = new BigUint64Array(cycles * inputs.length);
    for (let c = 0; c < cycles; c++) inputs.forEach((p, k) => (values[c * inputs.length + k] = value(p.name, p.bits.length)));
    const stim = { inputs: inputs.map((p) => p.name), cycles, values, clock: 'clk' };
    stimulusInputs(net, stim);
    // Kept by content (the netlist, the library, the stimulus, the clock, the simulator), so a cached cost
    // does not simulate its memories again.
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const key = sha256('register-file-power v1', netlistText, lib.hash, bytes, String(cycles), String(clockNs), simulator);
    const entry = await cachedEntry('register-file', spec.top, key, async () => {
      const t = await simulateToggles(net, models, stim, { liberty, simulator });
      const p = simulatedPower(net, energy, t.toggles, t.cycles, clockNs);
      return { energyPerCycle: p.energyPerCycle, leakageW: p.power.leakage };
    });
    return entry.value;
  };
  return { synth, simulate };
}

/**
 * The reference register file with `reads` read ports, synthesized and simulated at gate level
 * under an upper-bound workload: every cycle a write of a random word to a random address and a read at
 * a random address on every port (seeded). Its clock reaches every flip-flop every cycle, which dominates.
 */
export async function characteriseMemory(
  reads: number,
  lib: CellLibrary,
  clockNs: number,
  simulator: ToggleSimulator = 'auto',
): Promise<MemoryCharacterisation> {
  if (!lib.cells) throw new AxhwError(`No Verilog cell models are known for ${lib.liberty}.`, 'Give them with --cells <file.v>.');
  const d = REFERENCE_DEPTH;
  const width = REFERENCE_WIDTH;
  const f = await registerFile(
    { top: `axhw_ram_w${width}_d${d}_r${reads}`, role: 'register file (cost characterisation)', width, depth: d, reads },
    { ...lib, cells: lib.cells },
  );
  const rng = new Rng(1);
  const p = await f.simulate(
    CYCLES,
    (port, bits) => {
      // Every port reads every cycle; its read enable draws no random number, so the workload is the one
      // characterised before read enables existed.
      if (/^re\d+$/.test(port)) return 1n;
      const random = ((BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32())) & ((1n << BigInt(bits)) - 1n);
      return port === 'we' ? 1n : /addr/.test(port) ? BigInt(rng.nextU32() % d) : random;
    },
    clockNs,
    simulator,
  );
  const s = f.synth;
  const bits = width * d;
  return {
    width,
    depth: d,
    reads,
    area: s.area,
    flipFlops: s.flipFlops,
    areaPerBit: s.area / bits,
    energyPerBitCycle: (p.energyPerCycle + p.leakageW * clockNs * 1e-9) / bits,
    leakagePerBit: p.leakageW / bits,
    workload:
      `every cycle a write and ${reads} read(s) at seeded random addresses (an upper bound on a memory's ` + `activity), ${CYCLES} cycles`,
  };
}
