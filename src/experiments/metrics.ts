import type { LabelledData } from '../data/table-data.js';

/** Metrics the paper reproductions share. */

/** Mean of a list (NaN when empty). */
export const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : NaN);

/** Mean softmax cross-entropy of row-major logits against the labels (log-sum-exp, stable). */
export function crossEntropy(z: Float32Array, d: LabelledData): number {
  const c = z.length / d.n;
  let sum = 0;
  for (let i = 0; i < d.n; i++) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, z[i * c + j]!);
    let e = 0;
    for (let j = 0; j < c; j++) e += Math.exp(z[i * c + j]! - max);
    sum += max + Math.log(e) - z[i * c + d.y[i]!]!;
  }
  return sum / d.n;
}

/** Output deviation: sum |z - ref| / sum |ref| over row-major outputs (0 when the reference is all zero). */
export function relativeL1(z: Float32Array, ref: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < z.length; i++) {
    num += Math.abs(z[i]! - ref[i]!);
    den += Math.abs(ref[i]!);
  }
  return den > 0 ? num / den : 0;
}

/**
 * The lowest-power candidate that meets an accuracy target (the first of equals); undefined when none
 * does. The AxTrain and FramNN evaluations choose configurations this way.
 */
export function lowestPowerChoice<T extends { accuracy: number; powerMw: number }>(candidates: T[], targetAccuracy: number): T | undefined {
  const ok = candidates.filter((c) => c.accuracy >= targetAccuracy);
  return ok.length ? ok.reduce((a, c) => (c.powerMw < a.powerMw ? c : a)) : undefined;
}
