import type { ArithmeticPlan } from '../nn/arithmetic.js';

/**
 * A schedule of the training arithmetic: steps of (epochs, arithmetic), in order, for the epochs that
 * train on the hardware; the last step holds to the end. A schedule is data, so a run can print it and
 * write it to metrics.json (FramNN's uniform, linear and adaptive mantissa schedules are such lists).
 */
export interface ScheduleStep {
  epochs: number;
  arithmetic: ArithmeticPlan;
  /** How the step is reported (e.g. `mbits 8`). */
  label: string;
}
export type ArithmeticSchedule = readonly ScheduleStep[];

/** The arithmetic of the n-th hardware epoch (1-based). */
export function arithmeticAtEpoch(schedule: ArithmeticSchedule, n: number): ArithmeticPlan {
  if (!schedule.length) throw new Error('an arithmetic schedule needs at least one step');
  let end = 0;
  for (const s of schedule) {
    end += s.epochs;
    if (n <= end) return s.arithmetic;
  }
  return schedule.at(-1)!.arithmetic;
}

/** The schedule as data: each step's epochs and label. */
export function describeSchedule(schedule: ArithmeticSchedule): { epochs: number; arithmetic: string }[] {
  return schedule.map((s) => ({ epochs: s.epochs, arithmetic: s.label }));
}
