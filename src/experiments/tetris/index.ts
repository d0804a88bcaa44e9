import { defineExperiment } from '../experiment.js';
import { selectNetworks, TETRIS_OPTIONS } from './options.js';
import type { TetrisResult } from './schema.js';

/** Tetris (weight kneading): zero bits, kneading speed-up, the SAC PE in RTL and its cost against the MAC PE. */
export const tetrisExperiment = defineExperiment<TetrisResult, typeof TETRIS_OPTIONS>({
  name: 'tetris',
  description:
    "Tetris weight kneading: zero-bit shares of trained networks' weights, kneading speed-up by " +
    "group size, the SAC PE's RTL checked on every layer, and its gate-level area, delay and energy " +
    'per inference against the MAC PE',
  examples: [
    'axhw experiment tetris --quick',
    'axhw experiment tetris --networks bc-bp,fm-mlp --groups 4,8,16 --cost-group 16 -o out/tetris',
  ],
  options: TETRIS_OPTIONS,
  load: async () => {
    const [r, d, s] = await Promise.all([import('./run.js'), import('./report.js'), import('./schema.js')]);
    return {
      run: r.runTetrisExperiment,
      schema: s.tetrisResultSchema,
      dataFiles: d.tetrisDataFiles,
      document: d.tetrisDocument,
      runPart: r.runTetrisPart,
      mergeParts: r.mergeTetrisParts,
    };
  },
  shardJobs: { unit: 'networks', jobs: (o) => selectNetworks(o.networks) },
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
});
