import { DEFAULT_ACT } from '../../train/act-settings.js';
import { toCount, toNonNegativeInt, toNonNegativeNumber } from '../../util/numbers.js';
import { flag, parsed, toNameList, type OptionsOf } from '../../util/options.js';
import { AXTRAIN_APPS } from './plan.js';

/** `axhw experiment axtrain`'s options, declared once: its flags, help and the run's typed options. */
export const AXTRAIN_OPTIONS = {
  quick: flag('--quick', 'reduced budget (few epochs, small subsets, 5 draws): 48 to 86 s measured on 2 cores, for tests and the demo'),
  apps: parsed('--apps <list>', `comma list of applications (default all): ${AXTRAIN_APPS.map((a) => a.name).join(', ')}`, toNameList),
  draws: parsed('--draws <n>', 'NTV bit-flip draws per setting (default 50, --quick 5)', toCount),
  epochs: parsed('--epochs <n>', "epochs of bp and axtrain-act (default: the application's budget)", toCount),
  pasEpochs: parsed('--pas-epochs <n>', "epochs of axtrain-pas fine-tuning (default: the application's budget)", toCount),
  lambda: parsed('--lambda <x>', `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, toNonNegativeNumber),
  lambdaStep: parsed(
    '--lambda-step <x>',
    `axtrain-act: step of the adaptive rule (default ${DEFAULT_ACT.lambdaStep})`,
    toNonNegativeNumber,
  ),
  seed: parsed('--seed <n>', 'seed for splits, initialisation, shuffling and bit flips', toNonNegativeInt).default(1),
};
export type AxtrainOptions = OptionsOf<typeof AXTRAIN_OPTIONS>;
