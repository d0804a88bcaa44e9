import type { Experiment } from '../experiment.js';
import { DEFAULT_ACT } from '../../train/act.js';
import { toCount, toNonNegativeInt, toNonNegativeNumber } from '../../util/numbers.js';
import { AXTRAIN_APPS } from './plan.js';
import { runAxtrainExperiment } from './run.js';
import { axtrainDataFiles, axtrainDocument } from './report.js';
import { axtrainResultSchema, type AxtrainResult } from './schema.js';

/** AxTrain (ISLPED 2018): the paper's evaluation on its six applications. */
export const axtrainExperiment: Experiment<AxtrainResult> = {
  name: 'axtrain',
  description:
    'AxTrain (ISLPED 2018) on its six applications: output error under DRUM K1..K4, accuracy under ' +
    'NTV storage, lowest-power configuration within 2% of exact hardware, sensitivity maps',
  examples: ['axhw experiment axtrain --quick', 'axhw experiment axtrain --apps breast-cancer,ionosphere --draws 20 -o out/axtrain-small'],
  defaultOut: 'out/experiment/axtrain',
  options: [
    {
      flags: '--quick',
      description: 'reduced budget (few epochs, small subsets, 5 draws): 48 to 86 s measured on 2 cores, for tests and the demo',
    },
    { flags: '--apps <list>', description: `comma list of applications (default all): ${AXTRAIN_APPS.map((a) => a.name).join(', ')}` },
    { flags: '--draws <n>', description: 'NTV bit-flip draws per setting (default 50, --quick 5)', parse: toCount },
    { flags: '--epochs <n>', description: "epochs of bp and axtrain-act (default: the application's budget)", parse: toCount },
    { flags: '--pas-epochs <n>', description: "epochs of axtrain-pas fine-tuning (default: the application's budget)", parse: toCount },
    { flags: '--lambda <x>', description: `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, parse: toNonNegativeNumber },
    {
      flags: '--lambda-step <x>',
      description: `axtrain-act: step of the adaptive rule (default ${DEFAULT_ACT.lambdaStep})`,
      parse: toNonNegativeNumber,
    },
    { flags: '--seed <n>', description: 'seed for splits, initialisation, shuffling and bit flips', parse: toNonNegativeInt, default: 1 },
  ],
  run: (opts, ctx) =>
    runAxtrainExperiment({
      quick: Boolean(opts.quick),
      apps:
        typeof opts.apps === 'string'
          ? opts.apps
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      draws: opts.draws as number | undefined,
      epochs: opts.epochs as number | undefined,
      pasEpochs: opts.pasEpochs as number | undefined,
      act: {
        ...(opts.lambda !== undefined && { lambda: opts.lambda as number }),
        ...(opts.lambdaStep !== undefined && { lambdaStep: opts.lambdaStep as number }),
      },
      seed: (opts.seed as number | undefined) ?? 1,
      backend: ctx.backend,
      command: ctx.command,
      log: ctx.log,
    }),
  schema: axtrainResultSchema,
  dataFiles: axtrainDataFiles,
  document: axtrainDocument,
  resultFile: 'axtrain.json',
  markdownFile: 'axtrain.md',
  summary(r) {
    const s = r.summary;
    return [
      `AxTrain on ${r.apps.map((a) => a.app.name).join(', ')}${r.quick ? ' (--quick)' : ''}, backend ${r.backend.name}`,
      `  output-error reduction vs bp, act:    ` +
        ` ${s.outputErrorReduction.act.map((x) => `${x.setting} ${x.meanPct.toFixed(1)}%`).join('  ')}`,
      `  output-error reduction vs bp, axtrain: ` +
        s.outputErrorReduction.axtrain.map((x) => `${x.setting} ${x.meanPct.toFixed(1)}%`).join('  '),
      ...s.ntv.map(
        (g) => `  NTV ${g.role}: axtrain ${g.meanPointsAxtrain >= 0 ? '+' : ''}${g.meanPointsAxtrain.toFixed(1)} points over bp`,
      ),
      `  multiplier power saved at <= 2 points: bp ${s.computePowerSaving.bpMeanPct.toFixed(1)}%, ` +
        `axtrain ${s.computePowerSaving.axtrainMeanPct.toFixed(1)}%`,
    ];
  },
};
