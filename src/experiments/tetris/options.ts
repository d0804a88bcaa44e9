import { AxhwError } from '../../errors.js';
import { toNonNegativeInt } from '../../util/numbers.js';
import { flag, parsed, toNameList, type OptionsOf } from '../../util/options.js';
import { parseGroup, parseGroups } from '../../tetris/groups.js';

/** The networks the experiment trains and analyses (run.ts has their plans). */
export const TETRIS_NETWORKS = ['bc-bp', 'bc-axtrain', 'bc-ntv', 'fm-mlp', 'lenet'] as const;

/** The networks a run covers, in result order (TETRIS_NETWORKS'): --networks, else all; an unknown name is bad input. */
export function selectNetworks(names: string[] | undefined): string[] {
  const unknown = (names ?? []).filter((n) => !(TETRIS_NETWORKS as readonly string[]).includes(n));
  if (unknown.length) throw new AxhwError(`Unknown network(s): ${unknown.join(', ')}.`, `Networks: ${TETRIS_NETWORKS.join(', ')}.`);
  return TETRIS_NETWORKS.filter((n) => !names?.length || names.includes(n));
}

/** `axhw experiment tetris`'s options, declared once: its flags, help and the run's typed options. */
export const TETRIS_OPTIONS = {
  quick: flag(
    '--quick',
    'reduced budget (short training, small subsets, one network costed): 1.5 to 3 minutes the first ' +
      'time (95 and 169 s measured on 2 cores), about 20 s with its builds cached; for tests and the ' +
      'demo',
  ),
  // Checked as the command line is read: a refusal comes before the experiment's modules load.
  networks: parsed('--networks <list>', `comma list (default all): ${TETRIS_NETWORKS.join(', ')}`, (v) => {
    const names = toNameList(v);
    selectNetworks(names);
    return names;
  }),
  groups: parsed('--groups <list>', 'kneading group sizes analysed (powers of two, default 2,4,8,16)', parseGroups),
  costGroup: parsed('--cost-group <n>', 'group size of the SAC PE in the RTL checks and gate-level costs (default 8)', parseGroup),
  seed: parsed('--seed <n>', 'seed for splits, initialisation and shuffling', toNonNegativeInt).default(1),
};
export type TetrisOptions = OptionsOf<typeof TETRIS_OPTIONS>;
