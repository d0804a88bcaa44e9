import { defineExperiment } from '../experiment.js';
import { AXNET_OPTIONS } from './options.js';
import { axnetJobs } from './jobs.js';
import type { AxnetResult } from './schema.js';
import { signedPct } from '../../util/quantities.js';

/** AXNet: fused approximator/predictor against onepass and iterative on the AxBench functions. */
export const axnetExperiment = defineExperiment<AxnetResult, typeof AXNET_OPTIONS>({
  name: 'axnet',
  description:
    'AXNet: fused approximator + predictor trained end to end against onepass and iterative training ' +
    'on seven AxBench functions (invocation, prediction accuracy, error, parameters, training time), ' +
    'invocation against parameter count, all- vs one-layer fusion, and AXNet on approximate multipliers',
  examples: [
    'axhw experiment axnet --quick',
    'axhw experiment axnet --functions jpeg,sobel --multipliers drum:width=8,k=4,signed -o out/axnet',
  ],
  options: AXNET_OPTIONS,
  load: async () => {
    const [r, d, s] = await Promise.all([import('./run.js'), import('./report.js'), import('./schema.js')]);
    return {
      run: r.runAxnetExperiment,
      schema: s.axnetResultSchema,
      dataFiles: d.axnetDataFiles,
      document: d.axnetDocument,
      runPart: r.runAxnetPart,
      mergeParts: r.mergeAxnetParts,
    };
  },
  shardJobs: { unit: 'jobs (functions, sweep sizes, fusion variants, multiplier x function, the NPU)', jobs: axnetJobs },
  summary(r) {
    const s = r.summary;
    const lines = [`AXNet on ${r.functions.map((f) => f.name).join(', ')}${r.quick ? ' (--quick)' : ''}`];
    for (const f of r.functions)
      lines.push(
        `  ${f.name}: true invocation ${f.methods.map((m) => `${m.method} ${(100 * m.metrics.trueInvocation).toFixed(1)}%`).join(', ')}`,
      );
    lines.push(
      `  mean AXNet gain: ${signedPct(s.relativeGain.vsOnepass)} vs onepass, ${signedPct(s.relativeGain.vsIterative)} ` +
        `vs iterative (paper +50.7%, +30.8%); training time ${(100 * s.trainingTimeReductionVsIterative).toFixed(1)}% ` +
        `less than iterative (paper 74%)`,
    );
    return lines;
  },
});
