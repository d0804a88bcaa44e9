import { AxhwError } from '../errors.js';

/**
 * FramNN's schedules of the fpmul's significand width m over training (paper section IV), as data:
 * a list of (iterations, m), deepest level first. With L levels m_1 < ... < m_L (m_L the final level)
 * and T iterations in all:
 * - `uniform`: all T iterations at the final level;
 * - `linear`: T / L iterations at each level, deepest first (the step-by-step schedule);
 * - `adaptive`: the closed form t_i = T / (p_i * sum_j 1/p_j), p_i the fpmul's power at level i, which
 *   makes p_i t_i the same at every level (the paper's Lagrange condition).
 * Fractional iterations are rounded by largest remainder, so the steps always sum to T.
 */
export type ScheduleKind = 'uniform' | 'linear' | 'adaptive';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['uniform', 'linear', 'adaptive'];

export interface MantissaStep {
  m: number;
  iterations: number;
}

/** Levels from `from` to `final` in steps of `step` (final always included), deepest first. */
export function mantissaLevels(from: number, final: number, step: number): number[] {
  if (!Number.isInteger(from) || !Number.isInteger(final) || !Number.isInteger(step) || step < 1 || from < 1 || from > final) {
    throw new AxhwError(
      `Mantissa levels from ${from} to ${final} in steps of ${step} are not a range.`,
      'Give whole numbers with 1 <= from <= final and step >= 1.',
    );
  }
  const out: number[] = [];
  for (let m = from; m < final; m += step) out.push(m);
  out.push(final);
  return out;
}

/** The closed form t_i = T / (p_i sum_j 1/p_j), unrounded. */
export function adaptiveShares(power: readonly number[], total: number): number[] {
  if (!power.length || power.some((p) => !(p > 0) || !Number.isFinite(p)))
    throw new AxhwError(
      `Adaptive schedule: every level needs a positive power (got ${power.join(', ')}).`,
      "Measure each level's power first.",
    );
  const inv = power.reduce((s, p) => s + 1 / p, 0);
  return power.map((p) => total / (p * inv));
}

/** Whole numbers summing to round(sum of shares): floors, then one more for the largest remainders (earlier first on ties). */
export function roundShares(shares: readonly number[]): number[] {
  const total = Math.round(shares.reduce((s, x) => s + x, 0));
  const out = shares.map(Math.floor);
  // Array.prototype.sort is stable, so equal remainders stay in level order.
  const order = shares.map((x, i) => ({ r: x - Math.floor(x), i })).sort((p, q) => q.r - p.r);
  for (let k = 0, left = total - out.reduce((s, x) => s + x, 0); k < left; k++) out[order[k % order.length]!.i]!++;
  return out;
}

/** A schedule of `kind` over `levels` (deepest first, the last the final level) for `total` iterations. */
export function mantissaSchedule(kind: ScheduleKind, levels: readonly number[], total: number, power?: readonly number[]): MantissaStep[] {
  if (!levels.length) throw new AxhwError('A mantissa schedule needs at least one level.', 'Give the final level at least.');
  if (!Number.isInteger(total) || total < 1)
    throw new AxhwError(`A schedule needs a positive whole number of iterations (got ${total}).`, 'Train at least one iteration.');
  for (let i = 1; i < levels.length; i++)
    if (!(levels[i]! > levels[i - 1]!))
      throw new AxhwError(
        `Mantissa levels must rise from the deepest to the final level (got ${levels.join(', ')}).`,
        'List the levels deepest (fewest bits) first.',
      );
  const final = levels.at(-1)!;
  if (kind === 'uniform') return [{ m: final, iterations: total }];
  let shares: number[];
  if (kind === 'linear') shares = levels.map(() => total / levels.length);
  else {
    if (!power || power.length !== levels.length)
      throw new AxhwError(
        `The adaptive schedule needs the power of each of the ${levels.length} levels.`,
        "Measure the fpmul's power at every level.",
      );
    shares = adaptiveShares(power, total);
  }
  return roundShares(shares).map((iterations, i) => ({ m: levels[i]!, iterations }));
}

/** A schedule as `axhw train --schedule` writes it: a kind over levels from `from` in steps of `step`, or explicit steps. */
export type ScheduleSpec = { kind: ScheduleKind; from: number; step: number } | { kind: 'explicit'; steps: MantissaStep[] };

const SCHEDULE_FIX =
  'Use --schedule uniform, linear:<from>[/<step>], adaptive:<from>[/<step>] (levels from <from> ' +
  "to the multiplier's mbits), or explicit steps <m>:<iterations>,... (e.g. 4:300,8:200,16:100; " +
  'the last level holds to the end).';

export function parseScheduleSpec(text: string): ScheduleSpec {
  const t = text.trim();
  if (t === 'uniform') return { kind: 'uniform', from: 0, step: 1 };
  const k = /^(linear|adaptive):(\d+)(?:\/(\d+))?$/.exec(t);
  if (k) {
    const step = k[3] === undefined ? 4 : Number(k[3]);
    if (step < 1) throw new AxhwError(`--schedule ${text}: the step between levels must be at least 1.`, SCHEDULE_FIX);
    return { kind: k[1] as ScheduleKind, from: Number(k[2]), step };
  }
  const parts = t.split(',').map((p) => /^(\d+):(\d+)$/.exec(p.trim()));
  if (!t || parts.some((p) => !p)) throw new AxhwError(`--schedule ${text} is not a schedule.`, SCHEDULE_FIX);
  const steps = parts.map((p) => ({ m: Number(p![1]), iterations: Number(p![2]) }));
  if (steps.some((s) => s.m < 1 || s.m > 24))
    throw new AxhwError(`--schedule ${text}: every m must be 1..24 (binary32 significand bits).`, SCHEDULE_FIX);
  return { kind: 'explicit', steps };
}
