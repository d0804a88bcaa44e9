import { defineExperiment } from '../experiment.js';
import { AXTRAIN_OPTIONS } from './options.js';
import { selectApps } from './plan.js';
import type { AxtrainResult } from './schema.js';

/** AxTrain (ISLPED 2018): the paper's evaluation on its six applications. */
export const axtrainExperiment = defineExperiment<AxtrainResult, typeof AXTRAIN_OPTIONS>({
  name: 'axtrain',
  description:
    'AxTrain (ISLPED 2018) on its six applications: output error under DRUM K1..K4, accuracy under ' +
    'NTV storage, lowest-power configuration within 2% of exact hardware, sensitivity maps',
  examples: ['axhw experiment axtrain --quick', 'axhw experiment axtrain --apps breast-cancer,ionosphere --draws 20 -o out/axtrain-small'],
  options: AXTRAIN_OPTIONS,
  load: async () => {
    const [r, d, s] = await Promise.all([import('./run.js'), import('./report.js'), import('./schema.js')]);
    return {
      run: r.runAxtrainExperiment,
      schema: s.axtrainResultSchema,
      dataFiles: d.axtrainDataFiles,
      document: d.axtrainDocument,
      runPart: r.runAxtrainPart,
      mergeParts: r.mergeAxtrainParts,
    };
  },
  shardJobs: { unit: 'applications', jobs: (o) => selectApps(o.apps).map((a) => a.name) },
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
});
