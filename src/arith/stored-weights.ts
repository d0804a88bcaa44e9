import { roundHalfEven, scaleExponent } from './fixed-point.js';
import { identityTable, quantiseOperand } from './quantise.js';
import { flipWeightBits } from './ntv.js';
import type { Rng } from '../util/rng.js';

/**
 * The numbers a weighted layer stores on fixed-point hardware, computed here and nowhere else: the
 * training forward pass, NTV storage, the quantised network (ir/) and so the integer reference, the NPU
 * compiler and Tetris kneading all read them from these functions.
 */

/** NTV storage: every stored bit flips independently at `rate`, drawn from `rng`. */
export interface NtvStorage {
  rate: number;
  rng: Rng;
}

/** The integer codes a multiplier's weight operand takes: its range, width and sign (what storing a weight needs). */
export interface WeightCodes {
  qmin: number;
  qmax: number;
  width: number;
  signed: boolean;
}

/** The exponent of a weight matrix: the smallest at which its largest magnitude fits the codes. */
export const weightExponent = (m: Pick<WeightCodes, 'qmax'>) => (maxAbs: number) => scaleExponent(maxAbs, m.qmax);

/** Weight codes as the hardware stores them (and their exponent), with NTV flips when given. */
export function storedWeightCodes(w: Float32Array, mult: WeightCodes, ntv?: NtvStorage): { codes: Float32Array; ew: number } {
  const { out, e } = quantiseOperand(
    w,
    weightExponent(mult),
    mult.qmin,
    mult.qmax,
    () => identityTable(mult.qmin, mult.qmax),
    new Float32Array(w.length),
  );
  if (ntv) flipWeightBits(out, mult.width, mult.signed, ntv.rate, ntv.rng);
  return { codes: out, ew: e };
}

/** The bias in accumulator units at scale 2^e (e = input + weight exponent), round half to even. */
export function biasInAccumulatorUnits(b: Float32Array, e: number): Float64Array {
  const s = 2 ** e;
  const out = new Float64Array(b.length);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
  for (let j = 0; j < b.length; j++) out[j] = roundHalfEven(Math.fround(b[j]! / s));
  return out;
}
