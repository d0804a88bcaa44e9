import { getTargetFunction, TARGET_FUNCTIONS } from '../../data/axbench/index.js';
import { FULL, QUICK } from './plan.js';

/**
 * The run's independent jobs, in the order their results appear: each function's three methods, each size of the
 * parameter sweep, each fusion variant, each multiplier on each hardware function, then the NPU runs. `--shard`
 * runs a contiguous share of them; the summary over the functions is made when the parts are merged.
 */
export function axnetJobs(o: { quick?: boolean; functions?: string[]; multipliers?: string[] }): string[] {
  const plan = o.quick === true ? QUICK : FULL;
  const fns = o.functions ?? TARGET_FUNCTIONS.map((f) => f.name);
  fns.forEach(getTargetFunction);
  const hwFns = plan.hardwareFunctions === 'all' ? fns : plan.hardwareFunctions;
  const fusion = plan.fusionFunctions.flatMap((name) =>
    ['all', ...getTargetFunction(name).approximatorHidden.map((_, i) => String(i + 1))].map((c) => fusionJob(name, c)),
  );
  return [
    ...fns.map(functionJob),
    ...plan.sweepWidths.map(sizeJob),
    ...fusion,
    ...(o.multipliers ?? plan.multipliers).flatMap((m) => hwFns.map((f) => hardwareJob(m, f))),
    NPU_JOB,
  ];
}

export const functionJob = (fn: string) => `function ${fn}`;
export const sizeJob = (width: number) => `size ${width}`;
export const fusionJob = (fn: string, connect: string) => `fusion ${fn} ${connect}`;
export const hardwareJob = (multiplier: string, fn: string) => `hardware ${multiplier} ${fn}`;
export const NPU_JOB = 'npu';
