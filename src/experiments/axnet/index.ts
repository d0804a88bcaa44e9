import type { Experiment } from '../experiment.js';
import { toCount, toNonNegativeInt } from '../../util/numbers.js';
import { getTargetFunction, TARGET_FUNCTIONS } from '../../data/axbench/index.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { runAxnetExperiment } from './run.js';
import { axnetDataFiles, axnetDocument } from './report.js';
import { axnetResultSchema, type AxnetResult } from './schema.js';
import { FULL, QUICK } from './plan.js';

const names = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** AXNet: fused approximator/predictor against onepass and iterative on the AxBench functions. */
export const axnetExperiment: Experiment<AxnetResult> = {
  name: 'axnet',
  description:
    'AXNet: fused approximator + predictor trained end to end against onepass and iterative training ' +
    'on seven AxBench functions (invocation, prediction accuracy, error, parameters, training time), ' +
    'invocation against parameter count, all- vs one-layer fusion, and AXNet on approximate multipliers',
  examples: [
    'axhw experiment axnet --quick',
    'axhw experiment axnet --functions jpeg,sobel --multipliers drum:width=8,k=4,signed -o out/axnet',
  ],
  defaultOut: 'out/experiment/axnet',
  options: [
    {
      flags: '--quick',
      description:
        `reduced budget (${QUICK.train} training samples, ${QUICK.epochs} epochs, 2 multipliers on ` +
        `2 functions): 33 to 62 s measured on 2 cores, for tests and the demo`,
    },
    {
      flags: '--functions <list>',
      description: `comma list (default all): ${TARGET_FUNCTIONS.map((f) => f.name).join(', ')}`,
      parse: (v: string) => {
        const list = names(v);
        list.forEach(getTargetFunction);
        return list;
      },
    },
    {
      flags: '--multipliers <list>',
      description: `registry multipliers of the hardware runs, separated by ';' (default ${FULL.multipliers.join('; ')})`,
      parse: (v: string) => {
        const list = v
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean);
        list.forEach((s) => resolveUnitSpec(s));
        return list;
      },
    },
    { flags: '--epochs <n>', description: "override the budget's epochs per training phase", parse: toCount },
    { flags: '--train <n>', description: "override the budget's training samples per function", parse: toCount },
    {
      flags: '--npu-cost <n>',
      description:
        `test samples of the gate-level NPU energy run (default ${FULL.npu.costSamples}; ${QUICK.npu.costSamples} ` +
        `with --quick: no synthesis)`,
      parse: toNonNegativeInt,
    },
    { flags: '--seed <n>', description: 'seed of the generators, initialisation and shuffling', parse: toNonNegativeInt, default: 1 },
  ],
  run: (opts, ctx) =>
    runAxnetExperiment({
      quick: Boolean(opts.quick),
      functions: opts.functions as string[] | undefined,
      multipliers: opts.multipliers as string[] | undefined,
      epochs: opts.epochs as number | undefined,
      train: opts.train as number | undefined,
      npuCost: opts.npuCost as number | undefined,
      seed: (opts.seed as number | undefined) ?? 1,
      command: ctx.command,
      backend: ctx.backend,
      log: ctx.log,
    }),
  schema: axnetResultSchema,
  dataFiles: axnetDataFiles,
  document: axnetDocument,
  resultFile: 'axnet.json',
  markdownFile: 'axnet.md',
  summary(r) {
    const s = r.summary;
    const lines = [`AXNet on ${r.functions.map((f) => f.name).join(', ')}${r.quick ? ' (--quick)' : ''}`];
    for (const f of r.functions)
      lines.push(
        `  ${f.name}: true invocation ${f.methods.map((m) => `${m.method} ${(100 * m.metrics.trueInvocation).toFixed(1)}%`).join(', ')}`,
      );
    const g = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);
    lines.push(
      `  mean AXNet gain: ${g(s.relativeGain.vsOnepass)} vs onepass, ${g(s.relativeGain.vsIterative)} ` +
        `vs iterative (paper +50.7%, +30.8%); training time ${(100 * s.trainingTimeReductionVsIterative).toFixed(1)}% ` +
        `less than iterative (paper 74%)`,
    );
    return lines;
  },
};
