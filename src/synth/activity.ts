import { readFileSync, existsSync } from 'node:fs';
import type { OperatorPorts } from '../models/operator.js';
import { decodeNpy } from '../lut/npy.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';

/**
 * Switching activity of one pin for OpenSTA's set_power_activity: transitions per clock cycle and the
 * share of cycles at 1. `port:<name>` addresses an input port bit, `<instance>/<pin>` a cell pin.
 */
export interface PinActivity {
  pin: string;
  activity: number;
  duty: number;
}

/** What the operands do, one pair per clock cycle: seeded uniform random codes, or a recorded trace. */
export interface WorkloadStimulus {
  cycles: number;
  /** Input bit name (e.g. a[3], rst) -> its value in each cycle, packed 32 cycles per word. */
  inputs: Map<string, Int32Array>;
  source: 'uniform' | 'trace';
  trace?: { file: string; pairs: number; used: number };
  seed?: number;
}

export const DEFAULT_CYCLES = 8192;
export const MAX_CYCLES = 1 << 20;

/**
 * Input bits per cycle. Operands come from the workload; control inputs are held at their values,
 * reset low, valid_in high and the clock (handled by OpenSTA's clock definition) low.
 */
export function buildStimulus(ports: OperatorPorts, workload: { trace?: string; seed?: number; cycles?: number }): WorkloadStimulus {
  let a: Uint32Array;
  let b: Uint32Array;
  let meta: Pick<WorkloadStimulus, 'source' | 'trace' | 'seed'>;
  if (workload.trace) {
    const t = readTrace(ports, workload.trace);
    const used = Math.min(t.a.length, MAX_CYCLES);
    a = t.a.subarray(0, used);
    b = t.b.subarray(0, used);
    meta = { source: 'trace', trace: { file: workload.trace, pairs: t.a.length, used } };
  } else {
    const cycles = workload.cycles ?? DEFAULT_CYCLES;
    const seed = workload.seed ?? 1;
    const rng = new Rng(seed);
    a = new Uint32Array(cycles);
    b = new Uint32Array(cycles);
    for (let i = 0; i < cycles; i++) {
      a[i] = rng.nextBits(ports.a.width);
      b[i] = rng.nextBits(ports.b.width);
    }
    meta = { source: 'uniform', seed };
  }
  const cycles = a.length;
  const W = Math.ceil(cycles / 32);
  const inputs = new Map<string, Int32Array>();
  const pack = (name: string, bitOf: (t: number) => number) => {
    const v = new Int32Array(W);
    for (let t = 0; t < cycles; t++) if (bitOf(t)) v[t >>> 5] |= 1 << (t & 31);
    inputs.set(name, v);
  };
  const bit = (x: number, i: number) => Math.floor(x / 2 ** i) % 2;
  for (const [p, vals] of [[ports.a, a], [ports.b, b]] as const) {
    for (let i = 0; i < p.width; i++) pack(p.width === 1 ? p.name : `${p.name}[${i}]`, (t) => bit(vals[t], i));
  }
  for (const c of ports.controls) for (let i = 0; i < c.width; i++) pack(c.width === 1 ? c.name : `${c.name}[${i}]`, () => bit(c.value, i));
  if (ports.clock) {
    pack(ports.clock.clk, () => 0);
    pack(ports.clock.reset, () => 0);
    pack(ports.clock.validIn, () => 1);
  }
  return { ...meta, cycles, inputs };
}

function readTrace(ports: OperatorPorts, file: string): { a: Uint32Array; b: Uint32Array } {
  if (!existsSync(file)) throw new AxhwError(`Operand trace ${file} does not exist.`, 'Pass an .npy array of shape (n, 2): one operand pair (a, b) per row, in the order the hardware sees them.');
  const npy = decodeNpy(readFileSync(file), file);
  if (npy.shape.length !== 2 || npy.shape[1] !== 2) {
    throw new AxhwError(`Operand trace ${file} has shape (${npy.shape.join(', ')}); expected (n, 2).`, 'Store one operand pair (a, b) per row.');
  }
  const n = npy.shape[0];
  if (n < 2) throw new AxhwError(`Operand trace ${file} has ${n} pair(s); toggle rates need at least 2.`);
  const { signed, bytes } = npy.dtype;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < 2; c++) {
      const w = c === 0 ? ports.a.width : ports.b.width;
      const o = (2 * r + c) * bytes;
      const v = bytes === 8 ? Number(signed ? npy.data.readBigInt64LE(o) : npy.data.readBigUInt64LE(o)) : signed ? npy.data.readIntLE(o, bytes) : npy.data.readUIntLE(o, bytes);
      const lo = ports.signed ? -(2 ** (w - 1)) : 0;
      const hi = ports.signed ? 2 ** (w - 1) - 1 : 2 ** w - 1;
      // Codes (unsigned up to 2^w - 1) are accepted for signed units too.
      if (!Number.isInteger(v) || v < lo || v > 2 ** w - 1 || (v > hi && v < 0)) {
        throw new AxhwError(`Operand trace ${file}: row ${r}, ${c === 0 ? 'a' : 'b'} = ${v} does not fit the ${w}-bit operand.`, 'Record operand values or codes of the unit being characterised.');
      }
      (c === 0 ? a : b)[r] = v < 0 ? v + 2 ** w : v;
    }
  }
  return { a, b };
}
