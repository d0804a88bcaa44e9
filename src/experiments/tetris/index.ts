import type { Experiment } from '../experiment.js';
import { toNonNegativeInt, toCount } from '../../util/numbers.js';
import { DEFAULT_GROUPS, parseGroups } from '../../tetris/groups.js';
import { runTetrisExperiment, TETRIS_NETWORKS } from './run.js';
import { tetrisDataFiles, tetrisDocument } from './report.js';
import { tetrisResultSchema, type TetrisResult } from './schema.js';

/** Tetris (weight kneading): zero bits, kneading speed-up, the SAC PE in RTL and its cost against the MAC PE. */
export const tetrisExperiment: Experiment<TetrisResult> = {
  name: 'tetris',
  description:
    "Tetris weight kneading: zero-bit shares of trained networks' weights, kneading speed-up by " +
    "group size, the SAC PE's RTL checked on every layer, and its gate-level area, delay and energy " +
    'per inference against the MAC PE',
  examples: [
    'axhw experiment tetris --quick',
    'axhw experiment tetris --networks bc-bp,fm-mlp --groups 4,8,16 --cost-group 16 -o out/tetris',
  ],
  defaultOut: 'out/experiment/tetris',
  options: [
    {
      flags: '--quick',
      description:
        'reduced budget (short training, small subsets, one network costed): 1.5 to 3 minutes the first ' +
        'time (95 and 169 s measured on 2 cores), about 20 s with its builds cached; for tests and the ' +
        'demo',
    },
    { flags: '--networks <list>', description: `comma list (default all): ${TETRIS_NETWORKS.join(', ')}` },
    { flags: '--groups <list>', description: 'kneading group sizes analysed (powers of two, default 2,4,8,16)', parse: parseGroups },
    {
      flags: '--cost-group <n>',
      description: 'group size of the SAC PE in the RTL checks and gate-level costs (default 8)',
      parse: toCount,
    },
    { flags: '--seed <n>', description: 'seed for splits, initialisation and shuffling', parse: toNonNegativeInt, default: 1 },
  ],
  run: (opts, ctx) =>
    runTetrisExperiment({
      quick: Boolean(opts.quick),
      networks:
        typeof opts.networks === 'string'
          ? opts.networks
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      groups: (opts.groups as number[] | undefined) ?? [...DEFAULT_GROUPS],
      costGroup: (opts.costGroup as number | undefined) ?? 8,
      seed: (opts.seed as number | undefined) ?? 1,
      command: ctx.command,
      backend: ctx.backend,
      log: ctx.log,
    }),
  schema: tetrisResultSchema,
  dataFiles: tetrisDataFiles,
  document: tetrisDocument,
  resultFile: 'tetris.json',
  markdownFile: 'tetris.md',
  summary(r) {
    const lines = [`Tetris on ${r.networks.map((n) => n.name).join(', ')}${r.quick ? ' (--quick)' : ''}`];
    for (const n of r.networks) {
      const t = n.analysis.total;
      lines.push(
        `  ${n.name}: zero bits ${((100 * t.zeroBits['sign-magnitude'].zeroBits) / t.zeroBits['sign-magnitude'].bits).toFixed(1)}% ` +
          `(sign-magnitude), speed-up ${t.kneading.map((k) => `G${k.group} ${k.speedup.toFixed(2)}x`).join(' ')}; ` +
          `RTL ${n.rtlCheck.outputs} outputs equal, cycles = prediction`,
      );
    }
    for (const c of r.cost)
      lines.push(
        `  ${c.network} at gate level: MAC ${(c.mac.energyPerInferencePj.total / 1000).toFixed(1)} ` +
          `nJ, SAC ${(c.sac.energyPerInferencePj.total / 1000).toFixed(1)} nJ per inference`,
      );
    return lines;
  },
};
