import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';

/**
 * Near-threshold-voltage SRAM weight storage (docs/methods.md, NTV storage): every stored weight bit flips independently.
 * The rate is set directly or by supply voltage; the voltages are the paper's three points.
 */
export const NTV_RATE_BY_MV: Readonly<Record<number, number>> = { 400: 0.1, 660: 0.01, 850: 0.001 };

export function ntvRate(opts: { rate?: number; voltageMv?: number }): number | undefined {
  if (opts.rate !== undefined && opts.voltageMv !== undefined)
    throw new AxhwError('Give the NTV bit-flip rate or the voltage, not both.', 'Use --ntv-rate <p> or --ntv-voltage <mV> alone.');
  if (opts.voltageMv !== undefined) {
    const r = NTV_RATE_BY_MV[opts.voltageMv];
    if (r === undefined)
      throw new AxhwError(
        `No bit-flip rate is known for ${opts.voltageMv} mV.`,
        `Use ${Object.keys(NTV_RATE_BY_MV).join(', ')} mV, or set the rate with --ntv-rate.`,
      );
    return r;
  }
  if (opts.rate !== undefined && !(opts.rate >= 0 && opts.rate <= 0.5))
    throw new AxhwError(
      `NTV bit-flip rate ${opts.rate} is outside 0..0.5.`,
      'Give --ntv-rate a probability from 0 to 0.5 (e.g. 0.01), or --ntv-voltage 400, 660 or 850.',
    );
  return opts.rate;
}

/**
 * Flip stored bits of weight codes in place. Storage word: two's complement N bits for a signed
 * multiplier; sign + N magnitude bits for an unsigned one (sign-magnitude). Flip positions are drawn by
 * geometric skips, so the cost is proportional to the number of flips. Returns the number of flipped bits.
 */
export function flipWeightBits(q: Float32Array, width: number, signed: boolean, rate: number, rng: Rng): number {
  // Mutants left alive below (ConditionalExpression,EqualityOperator): a shortcut; at rate 0 the first skip is infinite and the loop ends
  // at once
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, see above
  if (rate <= 0) return 0;
  const bitsPer = signed ? width : width + 1;
  const total = q.length * bitsPer;
  const logKeep = Math.log1p(-rate);
  let flips = 0;
  let pos = -1;
  for (;;) {
    const u = (rng.nextU32() + 1) / 4294967297; // (0, 1)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at rate 1 the general step is 1 + floor(ln u / -inf) = 1 too
    pos += rate >= 1 ? 1 : 1 + Math.floor(Math.log(u) / logKeep);
    if (pos >= total) break;
    const i = Math.floor(pos / bitsPer);
    const bit = pos - i * bitsPer;
    q[i] = flipBit(q[i]!, bit, width, signed);
    flips++;
  }
  return flips;
}

function flipBit(q: number, bit: number, width: number, signed: boolean): number {
  if (signed) {
    const side = 2 ** width;
    let code = q < 0 ? q + side : q;
    code ^= 1 << bit;
    return code >= side / 2 ? code - side : code;
  }
  // Sign-magnitude: the sign lives in the value's sign, -0 included (a zero whose sign bit is set, which
  // Float32Array keeps), so a negative code whose magnitude passes through zero stays negative.
  if (bit === width) return -q;
  const mag = Math.abs(q) ^ (1 << bit);
  return q < 0 || Object.is(q, -0) ? -mag : mag;
}
