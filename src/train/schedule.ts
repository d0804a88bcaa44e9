import type { ArithmeticPlan } from '../nn/arithmetic.js';
import { AxhwError } from '../errors.js';

/**
 * A schedule of the training arithmetic: steps of (length, arithmetic), in order, over the training that
 * runs on the hardware; the last step holds to the end. A step lasts a number of hardware epochs or of
 * iterations (mini-batches): FramNN's adaptive schedule switches mid-epoch. A schedule is data, so a run
 * can print it and write it to metrics.json.
 */
export interface ScheduleStep {
  /** Length in hardware epochs, or ... */
  epochs?: number;
  /** ... in iterations (mini-batches) of hardware training; exactly one of the two. */
  iterations?: number;
  arithmetic: ArithmeticPlan;
  /** How the step is reported (e.g. `mbits 8`). */
  label: string;
}
export type ArithmeticSchedule = readonly ScheduleStep[];

/** Rejects a schedule without steps, or a step without exactly one positive integer length. */
export function checkSchedule(schedule: ArithmeticSchedule): void {
  if (!schedule.length)
    throw new AxhwError('An arithmetic schedule needs at least one step.', 'Give at least one (length, arithmetic) step.');
  for (const s of schedule) {
    const lengths = [s.epochs, s.iterations].filter((v) => v !== undefined);
    if (lengths.length !== 1 || !Number.isInteger(lengths[0]) || lengths[0]! < 0) {
      throw new AxhwError(
        `Schedule step '${s.label}' needs exactly one length, a whole number of epochs or of iterations ` +
          `(got epochs ${s.epochs}, iterations ${s.iterations}).`,
        'Give each step epochs: N or iterations: N.',
      );
    }
  }
}

/**
 * The arithmetic of the `iteration`-th hardware iteration (0-based), an epoch being `batchesPerEpoch`
 * iterations, of a schedule that passed checkSchedule (the trainer checks once, not every batch).
 */
export function arithmeticAtIteration(schedule: ArithmeticSchedule, iteration: number, batchesPerEpoch: number): ArithmeticPlan {
  let end = 0;
  for (const s of schedule) {
    end += s.iterations ?? s.epochs! * batchesPerEpoch;
    if (iteration < end) return s.arithmetic;
  }
  return schedule.at(-1)!.arithmetic;
}

/** The arithmetic of the n-th hardware epoch (1-based) of an epoch schedule. */
export function arithmeticAtEpoch(schedule: ArithmeticSchedule, n: number): ArithmeticPlan {
  return arithmeticAtIteration(schedule, n - 1, 1);
}

/** The schedule as data: each step's length and label. */
export function describeSchedule(
  schedule: ArithmeticSchedule,
): ({ epochs: number; arithmetic: string } | { iterations: number; arithmetic: string })[] {
  return schedule.map((s) =>
    s.iterations !== undefined ? { iterations: s.iterations, arithmetic: s.label } : { epochs: s.epochs!, arithmetic: s.label },
  );
}
