import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { AxhwError } from '../errors.js';
import { writeAtomic } from '../util/atomic-write.js';
import { sidecarPath } from './io.js';
import type { NpyRole } from './npy.js';
import type { Design } from '../gen/design.js';

/**
 * An operand trace: the pairs (a, b) one multiplier sees, one per cycle, as an .npy of shape (n, 2), with a
 * sidecar `<file>.json` saying whose operands they are. A trace drives power estimates of *that* kind
 * of multiplier: integer codes of an 8-bit signed unit mean nothing to a 32-bit float unit, so every
 * consumer checks the sidecar against the unit it costs (traces without a sidecar, e.g. made with numpy,
 * are checked only for fitting the ports).
 */
export const traceSidecarSchema = z.object({
  format: z.literal('axhw-trace'),
  version: z.literal(1),
  /** The multiplier whose ports the codes are for (a unit spec or a top module). */
  unit: z.string(),
  /** integer: two's-complement (signed) or unsigned codes; float: IEEE-style codes of exp/frac bits. */
  numbers: z.enum(['integer', 'float']),
  aWidth: z.number().int().min(1).max(32),
  bWidth: z.number().int().min(1).max(32),
  signed: z.boolean(),
  /** Float formats: exponent and fraction bits. */
  exp: z.number().int().optional(),
  frac: z.number().int().optional(),
  /** What each operand carries in the recorded computation. */
  operands: z.object({ a: z.string(), b: z.string() }),
  pairs: z.number().int().nonnegative(),
  /** The command that recorded it. */
  command: z.string().optional(),
});

export type TraceSidecar = z.infer<typeof traceSidecarSchema>;

/** The operand format a consumer costs: what a trace's sidecar must agree with. */
export interface OperandFormat {
  unit: string;
  numbers: 'integer' | 'float';
  aWidth: number;
  bWidth: number;
  signed: boolean;
  exp?: number;
  frac?: number;
}

export const TRACE_ROLE: NpyRole = {
  noun: 'operand trace',
  fix:
    'Give an .npy array of shape (n, 2) with integer dtype, one operand pair (a, b) per row (axhw ' +
    'npu run --operand-trace and axhw train --operand-trace record one), or use --activity uniform.',
};

/** The operand format of a design's ports: float codes where the unit computes on a float format. */
export function operandFormatOf(d: Design, unit = d.top): OperandFormat {
  const n = d.numbers;
  return {
    unit,
    numbers: n.kind === 'float' ? 'float' : 'integer',
    aWidth: d.ports.a.width,
    bWidth: d.ports.b.width,
    signed: d.ports.signed,
    ...(n.kind === 'float' ? { exp: n.exp, frac: n.frac } : {}),
  };
}

/** A trace file name must say what it holds: .npy, like `axhw lut`'s tables. */
export function checkTracePath(path: string, what: string): void {
  if (!/\.npy$/i.test(path))
    throw new AxhwError(
      `${what} ${path}: an operand trace is written as .npy (a NumPy array of shape (n, 2)).`,
      `Name the file *.npy, e.g. ${what} ${path.replace(/\.[^./]*$/, '')}.npy.`,
    );
}

/** Write the trace and its sidecar (the trace first; a reader never sees a sidecar without its data). */
export function writeTrace(path: string, npy: Buffer, side: TraceSidecar): string[] {
  writeAtomic(path, npy);
  writeAtomic(sidecarPath(path), JSON.stringify(traceSidecarSchema.parse(side), null, 2) + '\n');
  return [path, sidecarPath(path)];
}

const describe = (f: { numbers: string; aWidth: number; bWidth: number; signed: boolean; exp?: number; frac?: number }) =>
  f.numbers === 'float'
    ? `float codes (exp ${f.exp ?? '?'}, frac ${f.frac ?? '?'})`
    : `${f.signed ? 'signed' : 'unsigned'} ${f.aWidth} x ${f.bWidth}-bit integer codes`;

/**
 * The sidecar of a trace, checked against the operand format it is used for; undefined for a trace
 * without one. A mismatch is refused: its power figures would be for operands that unit never sees.
 */
export function checkTraceRole(file: string, want: OperandFormat, what: string): TraceSidecar | undefined {
  const side = sidecarPath(file);
  if (!existsSync(side)) return undefined;
  let parsed: TraceSidecar;
  try {
    parsed = traceSidecarSchema.parse(JSON.parse(readFileSync(side, 'utf8')));
  } catch (e) {
    throw new AxhwError(
      `${side} is not an axhw operand-trace sidecar (${(e as Error).message.split('\n')[0]}).`,
      `Record the trace again (axhw npu run --operand-trace, axhw train --operand-trace), or remove ${side} ` +
        `to use ${file} as a plain (n, 2) array.`,
    );
  }
  const same =
    parsed.numbers === want.numbers &&
    parsed.aWidth === want.aWidth &&
    parsed.bWidth === want.bWidth &&
    (parsed.numbers === 'float' ? parsed.exp === want.exp && parsed.frac === want.frac : parsed.signed === want.signed);
  if (!same) {
    throw new AxhwError(
      `${what} ${file} holds the operands of ${parsed.unit}: ${describe(parsed)}; ${want.unit} takes ${describe(want)}.`,
      `Record a trace on ${want.unit} itself (axhw npu run --operand-trace for an integer multiplier, ` +
        `axhw train --operand-trace for fpmul), or cost ${parsed.unit} with this one.`,
    );
  }
  return parsed;
}
