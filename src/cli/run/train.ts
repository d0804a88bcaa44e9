import { basename } from 'node:path';
import { AxhwError } from '../../errors.js';
import { commandLine } from '../format/command-line.js';
import { log, printJson } from '../format/output.js';
import { hardwareFromOptions } from '../options/training.js';
import { type ActOptions } from '../../train/act-settings.js';
import { runTrain } from '../../train/run.js';
import { risingLossNote } from '../../train/report.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { TRAIN_OPTIONS } from '../commands/train.js';
import { pct } from '../../util/quantities.js';

/** `axhw train` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runTrainCommand(opts: OptionsOf<typeof TRAIN_OPTIONS>): Promise<void> {
  const quiet = Boolean(opts.quiet || opts.json);
  const method = opts.method;
  if (!opts.data && !opts.init)
    throw new AxhwError(
      'Give the data set to train on (--data <name>), or a model folder to start from (--init <dir>).',
      'e.g. axhw train --data breast-cancer',
    );
  const out = opts.out ?? `out/train/${opts.data ?? basename(opts.init!)}-${opts.model ?? 'default'}-${method}`;
  checkOutputDir(out, '-o');
  const { metrics, files } = await runTrain({
    dataset: opts.data,
    init: opts.init,
    dataPath: opts.dataPath,
    model: opts.model,
    method,
    epochs: opts.epochs,
    pasEpochs: opts.pasEpochs,
    act: actOptions(opts),
    batchSize: opts.batchSize,
    learningRate: opts.lr,
    optimizer: opts.optimizer,
    seed: opts.seed,
    limitTrain: opts.limitTrain,
    limitTest: opts.limitTest,
    ...hardwareFromOptions(opts),
    backward: opts.backward,
    schedule: opts.schedule,
    activity: opts.activity,
    operandTrace: opts.operandTrace,
    backend: opts.backend,
    out,
    command: commandLine(),
    log: quiet ? undefined : log,
    onEpoch: quiet
      ? undefined
      : (e, total) =>
          log(
            `epoch ${e.epoch}/${total}${e.phase !== 'bp' ? ` [${e.phase}]` : ''} ` +
              ` loss ${e.loss.toFixed(4)}` +
              (e.sensitivity !== undefined ? `  S ${e.sensitivity.toPrecision(4)} (lambda ${e.lambda!.toPrecision(3)})` : '') +
              `  train ${pct(e.trainAccuracy)}  test ${pct(e.testAccuracy)}` +
              (e.testAccuracyHw !== undefined ? `  test on hardware ${pct(e.testAccuracyHw)}` : '') +
              ' ' +
              ` ${Math.round(e.samplesPerSecond)} samples/s`,
          ),
  });
  if (opts.json) return printJson(metrics);
  const lines = [
    `${metrics.model} on ${metrics.dataset.name} (${metrics.method}, backend ${metrics.backend.name}): ` +
      `exact test accuracy ${pct(metrics.testAccuracyExact)}`,
  ];
  const h = metrics.hardware;
  if (h) {
    lines.push(
      `  on ${String(h.hardware.multiplier)} (${String(h.hardware.path)} path): ${pct(h.accuracy)}; ` +
        `reference inference ${pct(h.reference.referenceAccuracy)}, same class on ${pct(h.reference.agreement)} ` +
        `of ${h.reference.samples} test samples`,
    );
    if (h.ntv) lines.push(`  with NTV flips at ${h.ntv.rate}: ${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} over ${h.ntv.draws} draws`);
  }
  const f = metrics.fpmulTraining;
  if (f)
    lines.push(
      `  trained on the fpmul (${f.backward === 'hardware' ? 'forward and backward' : 'forward only'}): ` +
        f.steps.map((s) => `${s.iterations} iterations at m = ${s.m}`).join(', '),
    );
  const note = risingLossNote({ history: metrics.history, ntv: h?.ntv !== undefined });
  if (note) lines.push(`  ${note}`);
  lines.push(...[...files, ...(f?.operandTrace ? [f.operandTrace] : [])].map((x) => `  wrote ${x}`));
  process.stdout.write(lines.join('\n') + '\n');
}

/** The act settings given on the command line (the rest keep their defaults). */
function actOptions(opts: Partial<ActOptions>): Partial<ActOptions> {
  const act: Partial<ActOptions> = {};
  for (const key of ['lambda', 'lambdaStep', 'errorBound', 'convergeTol'] as const) {
    const v = opts[key];
    if (v !== undefined) act[key] = v;
  }
  return act;
}
