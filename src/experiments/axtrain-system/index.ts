import { defineExperiment } from '../experiment.js';
import { AXTRAIN_SYSTEM_OPTIONS } from './options.js';
import { systemApps } from './plan.js';
import type { AxtrainSystemResult } from './schema.js';
import { pctWords } from '../../util/quantities.js';

/** AxTrain at system level (ISLPED 2018, Figures 8 and 9): ApproxAnn per neuron, and each method's lowest power on the NPU. */
export const axtrainSystemExperiment = defineExperiment<AxtrainSystemResult, typeof AXTRAIN_SYSTEM_OPTIONS>({
  name: 'axtrain-system',
  description:
    "AxTrain at system level (the paper's Figures 8 and 9): ApproxAnn's approximate neurons from bp and AxTrain networks, and " +
    'the lowest-power configuration within 2 points of exact hardware per method, its compute and storage energy on the NPU',
  examples: [
    'axhw experiment axtrain-system --quick --apps breast-cancer',
    'axhw experiment axtrain-system --quick',
    'axhw experiment axtrain-system --apps breast-cancer,ionosphere --samples 4 -o out/axtrain-system',
  ],
  options: AXTRAIN_SYSTEM_OPTIONS,
  shardJobs: { unit: 'applications', jobs: (o) => systemApps(o).map((a) => a.name) },
  load: async () => {
    const [r, d, s] = await Promise.all([import('./run.js'), import('./report.js'), import('./schema.js')]);
    return {
      run: r.runAxtrainSystemExperiment,
      schema: s.axtrainSystemResultSchema,
      dataFiles: d.axtrainSystemDataFiles,
      document: d.axtrainSystemDocument,
      runPart: r.runAxtrainSystemPart,
      mergeParts: r.mergeAxtrainSystemParts,
    };
  },
  summary(r) {
    const s = r.summary;
    const line = (what: string, v: Record<string, number>) =>
      `  ${what}: ` +
      Object.entries(v)
        .map(([m, x]) => `${m} ${x.toFixed(1)}%`)
        .join(', ');
    return [
      `AxTrain at system level on ${r.apps.map((a) => a.app.name).join(', ')}${r.quick ? ' (--quick)' : ''}, NPU P = ${r.pes}`,
      line('compute energy saved', s.computeSavingPct),
      line('storage energy saved', s.storageSavingPct),
      `  axtrain vs ApproxAnn-bp, compute: ${pctWords(s.axtrainVsApproxannComputePct, 'less', 'more')} (paper 25.7% less)`,
      `  ApproxAnn from AxTrain vs from bp, approximate neurons: ` +
        Object.entries(s.approxannMoreApproxPct)
          .map(([k, v]) => `${k} ${v === null ? 'n/a' : pctWords(v, 'more', 'fewer')}`)
          .join(', ') +
        ' (paper K1 25.5%, K2 23.3% more)',
    ];
  },
});
