import { defineExperiment } from '../experiment.js';
import type { FramnnResult } from './schema.js';
import { FRAMNN_OPTIONS } from './options.js';
import { selectApps } from './plan.js';

/** FramNN: exact / approximate / FramNN training on the fpmul at every m, mantissa schedules and their training EDP. */
export const framnnExperiment = defineExperiment<FramnnResult, typeof FRAMNN_OPTIONS>({
  name: 'framnn',
  description:
    'FramNN: accuracy of exact, approx-training and framnn networks on the fpmul at m = 4..24, training-time ' +
    'vs inference-time m, uniform / linear / adaptive mantissa schedules with training EDP from ' +
    'the fpmul power measured under training operands, and inference efficiency at 1% and 2% loss',
  examples: [
    'axhw experiment framnn --quick',
    'axhw experiment framnn --apps mnist,digits --mbits 4,8,12,16,20,24 --finals 12,16 -o out/framnn',
  ],
  options: FRAMNN_OPTIONS,
  load: async () => {
    const [r, d, s] = await Promise.all([import('./run.js'), import('./report.js'), import('./schema.js')]);
    return {
      run: r.runFramnnExperiment,
      schema: s.framnnResultSchema,
      dataFiles: d.framnnDataFiles,
      document: d.framnnDocument,
      runPart: r.runFramnnPart,
      mergeParts: r.mergeFramnnParts,
    };
  },
  shardJobs: { unit: 'applications', jobs: (o) => selectApps(o.apps, o.quick === true).map((a) => a.name) },
  summary(r) {
    const lines = [`FramNN on ${r.apps.map((a) => a.app.name).join(', ')}${r.quick ? ' (--quick)' : ''}`];
    for (const a of r.apps) {
      const at16 = a.sweep.find((s) => s.m === 16) ?? a.sweep.at(-1)!; // the paper's inference level, where the format has it
      lines.push(
        `  ${a.app.name}: exact ${(100 * a.exactAccuracy).toFixed(2)}%; ` +
          `at m = ${at16.m}: exact-trained ${(100 * at16.exact).toFixed(2)}%, ` +
          `approx-training ${(100 * at16.approxTraining).toFixed(2)}%, framnn ${(100 * at16.framnn).toFixed(2)}%`,
      );
      for (const s of a.schedules.filter((x) => x.final === Math.max(...a.schedules.map((y) => y.final))))
        lines.push(
          `    ${s.kind} to ${s.final}: loss ${(100 * s.accuracyLoss).toFixed(2)} points, EDP ${s.edpRatio.fixed.toFixed(2)}x ` +
            `(fixed clock) / ${s.edpRatio.perLevel.toFixed(2)}x (per-level clock)`,
        );
      for (const i of a.inference)
        lines.push(
          `    within ${i.lossBoundPoints} point(s): m = ${i.m}, energy ${i.energyGain.toFixed(2)}x, speed-up ${i.speedup.toFixed(2)}x`,
        );
    }
    return lines;
  },
});
