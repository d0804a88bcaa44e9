/**
 * Zero bits in stored weights (Tetris: "zero bits occupy as high as 68.9% of the weights' bits"). The share
 * depends on how a weight is stored, so both forms are counted: two's complement (a small negative weight
 * is mostly ones) and sign-magnitude (the SAC unit's form: one sign bit, the magnitude's ones are the
 * essential bits).
 */
export type WeightForm = 'twos-complement' | 'sign-magnitude';
export const WEIGHT_FORMS: readonly WeightForm[] = ['twos-complement', 'sign-magnitude'];

export interface ZeroBits {
  weights: number;
  nonZeroWeights: number;
  /** Bits of all stored words, and how many are 0. */
  bits: number;
  zeroBits: number;
  /** The same over the non-zero weights only (the bits that zero-value skipping leaves). */
  nonZeroBits: number;
  zeroBitsInNonZero: number;
}

import { popcount } from '../util/bits.js';

export { popcount };

/**
 * Zero bits of weight codes stored in `wordBits`-bit words. Sign-magnitude is a sign bit and wordBits - 1
 * magnitude bits; the one code with no such form, -2^(wordBits-1) of a two's-complement format, is counted
 * with a magnitude one bit wider (its word holds 1 + wordBits bits), so no weight is dropped.
 */
export function zeroBits(codes: ArrayLike<number>, wordBits: number, form: WeightForm): ZeroBits {
  const r: ZeroBits = { weights: codes.length, nonZeroWeights: 0, bits: 0, zeroBits: 0, nonZeroBits: 0, zeroBitsInNonZero: 0 };
  const side = 2 ** wordBits;
  for (let i = 0; i < codes.length; i++) {
    const w = codes[i]!;
    if (!Number.isInteger(w) || w < -side / 2 || w >= side / 2) throw new Error(`weight code ${w} does not fit a ${wordBits}-bit word`);
    let width: number;
    let ones: number;
    if (form === 'twos-complement') {
      width = wordBits;
      ones = popcount(w < 0 ? w + side : w);
    } else {
      const mag = Math.abs(w);
      width = Math.max(wordBits, 1 + popcountWidth(mag));
      ones = popcount(mag) + (w < 0 ? 1 : 0);
    }
    r.bits += width;
    r.zeroBits += width - ones;
    if (w !== 0) {
      r.nonZeroWeights++;
      r.nonZeroBits += width;
      r.zeroBitsInNonZero += width - ones;
    }
  }
  return r;
}

/** Bits needed to write v >= 0 (0 for 0). */
export function popcountWidth(v: number): number {
  let n = 0;
  for (let x = v; x > 0; x = Math.floor(x / 2)) n++;
  return n;
}

/** Sum of several counts (per layer -> network). */
export function addZeroBits(parts: readonly ZeroBits[]): ZeroBits {
  const r: ZeroBits = { weights: 0, nonZeroWeights: 0, bits: 0, zeroBits: 0, nonZeroBits: 0, zeroBitsInNonZero: 0 };
  for (const p of parts) for (const k of Object.keys(r) as (keyof ZeroBits)[]) r[k] += p[k];
  return r;
}
