import { toCount, toNonNegativeInt } from '../../util/numbers.js';
import { flag, parsed, toNameList, type OptionsOf } from '../../util/options.js';
import { AXTRAIN_APPS } from '../axtrain/plan.js';

/** `axhw experiment axtrain-system`'s options, declared once: its flags, help and the run's typed options. */
export const AXTRAIN_SYSTEM_OPTIONS = {
  quick: flag('--quick', 'reduced budget: breast cancer and the Fashion-MNIST MLP, few epochs, 3 NTV draws, 2 costed inferences'),
  apps: parsed(
    '--apps <list>',
    `comma list of applications (default all; --quick: breast-cancer,mnist-mlp): ${AXTRAIN_APPS.map((a) => a.name).join(', ')}`,
    toNameList,
  ),
  draws: parsed('--draws <n>', 'NTV bit-flip draws per voltage (default 20, --quick 3)', toCount),
  samples: parsed('--samples <n>', 'inferences simulated at gate level per costed NPU (default 8, --quick 2)', toCount),
  pes: parsed('--pes <n>', 'processing elements of the NPU (default 16)', toCount),
  seed: parsed('--seed <n>', 'seed for splits, initialisation, shuffling and bit flips', toNonNegativeInt).default(1),
};
export type AxtrainSystemOptions = OptionsOf<typeof AXTRAIN_SYSTEM_OPTIONS>;
