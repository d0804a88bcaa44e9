import { toCount, toNonNegativeInt } from '../../util/numbers.js';
import { flag, parsed, toNameList, type OptionsOf } from '../../util/options.js';
import { expandList } from '../../util/value-list.js';
import { AxhwError } from '../../errors.js';
import { FORMATS, formatPlan, FRAMNN_APPS } from './plan.js';

/** A list of significand widths (`4,8,12` or `4..24`), checked against the format once it is known. */
const mbitsList = (what: string) => (v: string) => {
  const list = expandList(v);
  if ('error' in list || list.some((x) => typeof x !== 'number'))
    throw new AxhwError(
      `${what} ${v}: ${'error' in list ? list.error : 'every item must be a whole number'}.`,
      `Use e.g. ${what} 4,8,12,16.`,
    );
  return [...new Set(list.filter((x) => typeof x === 'number'))].sort((a, b) => a - b);
};
const b32 = FORMATS.binary32;

/** `axhw experiment framnn`'s options, declared once: its flags, help and the run's typed options. */
export const FRAMNN_OPTIONS = {
  quick: flag(
    '--quick',
    'reduced budget (digits, small hidden layers, m = 4,8,12,16,24, finals 12,16): 5 to 7 minutes ' +
      "the first time (the fpmul's power at each m is synthesized and simulated, then cached: 296 " +
      'and 414 s measured on 2 cores), about 25 s after that; for tests and the demo',
  ),
  apps: parsed('--apps <list>', `comma list (default all): ${FRAMNN_APPS.map((a) => a.name).join(', ')}`, toNameList),
  format: parsed(
    '--format <name>',
    'fpmul format: binary32 (default), bfloat16 or binary16 (operands and every product rounded to the format)',
    formatPlan,
  ),
  mbits: parsed(
    '--mbits <list>',
    `significand widths of the accuracy sweep (binary32 default ${b32.mbits.join(',')}; the format's P is always added)`,
    mbitsList('--mbits'),
  ),
  finals: parsed('--finals <list>', `final levels N of the schedules (binary32 default ${b32.finals.join(',')})`, mbitsList('--finals')),
  epochs: parsed('--epochs <n>', "override the budget's epochs", toCount),
  seed: parsed('--seed <n>', 'seed for splits, initialisation and shuffling', toNonNegativeInt).default(1),
};
export type FramnnOptions = OptionsOf<typeof FRAMNN_OPTIONS>;
