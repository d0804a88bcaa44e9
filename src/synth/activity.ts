import { readFileSync, existsSync } from 'node:fs';
import type { OperatorPorts } from '../models/operator.js';
import { decodeNpy } from '../lut/npy.js';
import { checkTraceRole, TRACE_ROLE, type OperandFormat } from '../lut/trace-file.js';
import { valuesAsNumbers } from '../lut/table.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';

/**
 * Switching activity of one input port bit for OpenSTA's set_power_activity -input_ports: transitions
 * per clock cycle and the share of cycles at 1.
 */
export interface PinActivity {
  pin: string;
  activity: number;
  duty: number;
}

/** The netlist name of bit i of a port (a 1-bit port is its bare name). */
export const portBitName = (name: string, width: number, i: number): string => (width === 1 ? name : `${name}[${i}]`);

/** What the operands do, one pair per clock cycle (seeded uniform random codes, or a recorded trace), as per-bit activity. */
export interface WorkloadActivity {
  source: 'uniform' | 'trace';
  trace?: { file: string; pairs: number; used: number };
  seed?: number;
  cycles: number;
  pins: PinActivity[];
}

export const DEFAULT_CYCLES = 8192;
export const MAX_CYCLES = 1 << 20;

/** The operand pairs of the workload, one per clock cycle (codes), with where they came from. */
export interface WorkloadOperands {
  a: Uint32Array;
  b: Uint32Array;
  meta: Pick<WorkloadActivity, 'source' | 'trace' | 'seed'>;
}

export function workloadOperands(
  ports: OperatorPorts,
  workload: { trace?: string; seed?: number; cycles?: number; format?: OperandFormat },
): WorkloadOperands {
  let a: Uint32Array;
  let b: Uint32Array;
  let meta: Pick<WorkloadActivity, 'source' | 'trace' | 'seed'>;
  if (workload.trace) {
    if (workload.format) checkTraceRole(workload.trace, workload.format, '--activity');
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
  return { a, b, meta };
}

/**
 * Toggle rate and duty of every input bit under the workload. Operand bits are measured cycle by cycle;
 * control inputs are held at their values, reset low and valid_in high. The clock is left to OpenSTA's
 * clock definition (an activity set on the clock port does not change its power; checked).
 */
export function workloadActivity(ports: OperatorPorts, operands: WorkloadOperands): WorkloadActivity {
  const { a, b, meta } = operands;
  const cycles = a.length;
  const bit = (x: number, i: number) => Math.floor(x / 2 ** i) % 2;
  const pins: PinActivity[] = [];
  for (const [p, vals] of [
    [ports.a, a],
    [ports.b, b],
  ] as const) {
    for (let i = 0; i < p.width; i++) {
      let ones = 0;
      let toggles = 0;
      // Operands are 32-bit words: a shift reads bit i (a bit above them is 0); `bit` cost a power per read.
      if (i < 32) {
        let prev = (vals[0]! >>> i) & 1;
        for (let t = 0; t < cycles; t++) {
          const v = (vals[t]! >>> i) & 1;
          ones += v;
          toggles += v ^ prev;
          prev = v;
        }
      }
      pins.push({ pin: portBitName(p.name, p.width, i), activity: toggles / (cycles - 1), duty: ones / cycles });
    }
  }
  for (const c of ports.controls)
    for (let i = 0; i < c.width; i++) pins.push({ pin: portBitName(c.name, c.width, i), activity: 0, duty: bit(c.value, i) });
  if (ports.clock) {
    pins.push({ pin: ports.clock.reset, activity: 0, duty: 0 });
    pins.push({ pin: ports.clock.validIn, activity: 0, duty: 1 });
  }
  return { ...meta, cycles, pins };
}

function readTrace(ports: OperatorPorts, file: string): { a: Uint32Array; b: Uint32Array } {
  if (!existsSync(file))
    throw new AxhwError(
      `Operand trace ${file} does not exist.`,
      'Give --activity an .npy array of shape (n, 2), one operand pair (a, b) per row in the order ' +
        'the hardware sees them, or use --activity uniform.',
    );
  const npy = decodeNpy(readFileSync(file), file, TRACE_ROLE);
  if (npy.shape.length !== 2 || npy.shape[1] !== 2) {
    throw new AxhwError(
      `Operand trace ${file} has shape (${npy.shape.join(', ')}); expected (n, 2).`,
      'Store one operand pair (a, b) per row: shape (n, 2), e.g. numpy.save("trace.npy", numpy.stack([a, b], axis=1)).',
    );
  }
  const n = npy.shape[0];
  if (n < 2)
    throw new AxhwError(
      `Operand trace ${file} has ${n} pair(s); toggle rates need at least 2.`,
      'Record at least two operand pairs (more give steadier toggle rates), or use --activity uniform.',
    );
  const values = valuesAsNumbers(npy);
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < 2; c++) {
      const w = c === 0 ? ports.a.width : ports.b.width;
      const v = values[2 * r + c];
      // Values of the unit (negative for a signed unit) or raw codes 0..2^w - 1.
      const lo = ports.signed ? -(2 ** (w - 1)) : 0;
      if (!Number.isInteger(v) || v < lo || v > 2 ** w - 1) {
        throw new AxhwError(
          `Operand trace ${file}: row ${r}, ${c === 0 ? 'a' : 'b'} = ${v} does not fit the ${w}-bit operand.`,
          'Record operand values or codes of the unit being characterised.',
        );
      }
      (c === 0 ? a : b)[r] = v < 0 ? v + 2 ** w : v;
    }
  }
  return { a, b };
}
