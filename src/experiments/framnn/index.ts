import type { Experiment } from '../experiment.js';
import { toNonNegativeInt, toCount } from '../../util/numbers.js';
import { runFramnnExperiment } from './run.js';
import { framnnDataFiles, framnnDocument } from './report.js';
import { framnnResultSchema, type FramnnResult } from './schema.js';
import { checkMbits, FORMATS, formatPlan, FRAMNN_APPS } from './plan.js';
import { expandList } from '../../util/value-list.js';
import { AxhwError } from '../../errors.js';

/** A list of significand widths (`4,8,12` or `4..24`), checked against the format once it is known. */
const mbitsList = (what: string) => (v: string) => {
  const list = expandList(v);
  if ('error' in list || list.some((x) => typeof x !== 'number'))
    throw new AxhwError(
      `${what} ${v}: ${'error' in list ? list.error : 'every item must be a whole number'}.`,
      `Use e.g. ${what} 4,8,12,16.`,
    );
  return [...new Set(list as number[])].sort((a, b) => a - b);
};
const b32 = FORMATS.binary32;

/** FramNN: exact / approximate / FramNN training on the fpmul at every m, mantissa schedules and their training EDP. */
export const framnnExperiment: Experiment<FramnnResult> = {
  name: 'framnn',
  description:
    'FramNN: accuracy of exact, approx-training and framnn networks on the fpmul at m = 4..24, training-time ' +
    'vs inference-time m, uniform / linear / adaptive mantissa schedules with training EDP from ' +
    'the fpmul power measured under training operands, and inference efficiency at 1% and 2% loss',
  examples: [
    'axhw experiment framnn --quick',
    'axhw experiment framnn --apps mnist,digits --mbits 4,8,12,16,20,24 --finals 12,16 -o out/framnn',
  ],
  defaultOut: 'out/experiment/framnn',
  options: [
    {
      flags: '--quick',
      description:
        'reduced budget (digits, small hidden layers, m = 4,8,12,16,24, finals 12,16): 5 to 7 minutes ' +
        "the first time (the fpmul's power at each m is synthesized and simulated, then cached: 296 " +
        'and 414 s measured on 2 cores), about 25 s after that; for tests and the demo',
    },
    { flags: '--apps <list>', description: `comma list (default all): ${FRAMNN_APPS.map((a) => a.name).join(', ')}` },
    {
      flags: '--format <name>',
      description: 'fpmul format: binary32 (default), bfloat16 or binary16 (operands and every product rounded to the format)',
      parse: formatPlan,
    },
    {
      flags: '--mbits <list>',
      description: `significand widths of the accuracy sweep (binary32 default ${b32.mbits.join(',')}; the format's P is always added)`,
      parse: mbitsList('--mbits'),
    },
    {
      flags: '--finals <list>',
      description: `final levels N of the schedules (binary32 default ${b32.finals.join(',')})`,
      parse: mbitsList('--finals'),
    },
    { flags: '--epochs <n>', description: "override the budget's epochs", parse: toCount },
    { flags: '--seed <n>', description: 'seed for splits, initialisation and shuffling', parse: toNonNegativeInt, default: 1 },
  ],
  run: (opts, ctx) => {
    const quick = Boolean(opts.quick);
    const format = (opts.format as ReturnType<typeof formatPlan> | undefined) ?? b32;
    const mbits = [...new Set([...((opts.mbits as number[] | undefined) ?? (quick ? format.quickMbits : format.mbits)), format.P])].sort(
      (a, b) => a - b,
    );
    const finals = (opts.finals as number[] | undefined) ?? (quick ? format.quickFinals : format.finals);
    checkMbits(mbits, '--mbits', format.P);
    checkMbits(finals, '--finals', format.P);
    return runFramnnExperiment({
      format,
      quick,
      apps:
        typeof opts.apps === 'string'
          ? opts.apps
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      mbits,
      finals,
      epochs: opts.epochs as number | undefined,
      seed: (opts.seed as number | undefined) ?? 1,
      command: ctx.command,
      backend: ctx.backend,
      log: ctx.log,
    });
  },
  schema: framnnResultSchema,
  dataFiles: framnnDataFiles,
  document: framnnDocument,
  resultFile: 'framnn.json',
  markdownFile: 'framnn.md',
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
};
