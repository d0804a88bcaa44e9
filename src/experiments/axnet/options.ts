import { toCount, toNonNegativeInt } from '../../util/numbers.js';
import { flag, parsed, toNameList, type OptionsOf } from '../../util/options.js';
import { getTargetFunction, TARGET_FUNCTIONS } from '../../data/axbench/index.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { FULL, QUICK } from './plan.js';

/** `axhw experiment axnet`'s options, declared once: its flags, help and the run's typed options. */
export const AXNET_OPTIONS = {
  quick: flag(
    '--quick',
    `reduced budget (${QUICK.train} training samples, ${QUICK.epochs} epochs, 2 multipliers on ` +
      `2 functions): 33 to 62 s measured on 2 cores, for tests and the demo`,
  ),
  functions: parsed('--functions <list>', `comma list (default all): ${TARGET_FUNCTIONS.map((f) => f.name).join(', ')}`, (v) => {
    const list = toNameList(v);
    list.forEach(getTargetFunction);
    return list;
  }),
  multipliers: parsed(
    '--multipliers <list>',
    `registry multipliers of the hardware runs, separated by ';' (default ${FULL.multipliers.join('; ')})`,
    (v) => {
      const list = v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
      list.forEach((s) => resolveUnitSpec(s));
      return list;
    },
  ),
  epochs: parsed('--epochs <n>', "override the budget's epochs per training phase", toCount),
  train: parsed('--train <n>', "override the budget's training samples per function", toCount),
  npuCost: parsed(
    '--npu-cost <n>',
    `test samples of the gate-level NPU energy run (default ${FULL.npu.costSamples}; ${QUICK.npu.costSamples} ` +
      `with --quick: no synthesis)`,
    toNonNegativeInt,
  ),
  seed: parsed('--seed <n>', 'seed of the generators, initialisation and shuffling', toNonNegativeInt).default(1),
};
export type AxnetOptions = OptionsOf<typeof AXNET_OPTIONS>;
