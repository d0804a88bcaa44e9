import { z } from 'zod';
import { figure, table, text, type ResultDocument } from '../doc/document.js';
import { trainingCurveSpec } from './curve.js';
import { hardwareEvalSchema } from '../evaluate/eval-report.js';
import { pct } from '../util/quantities.js';

/**
 * metrics.json of `axhw train`, as `axhw report` reads it back: what the training document shows is
 * stated exactly, the rest (sensitivity, fpmul schedule, NTV details) checked for its shape only.
 */
const num = z.number();
const epochSchema = z.looseObject({
  epoch: z.number().int(),
  phase: z.string(),
  loss: num,
  trainAccuracy: num,
  testAccuracy: num,
  testAccuracyHw: num.optional(),
  seconds: num,
  samplesPerSecond: num,
});

export const trainMetricsSchema = z.looseObject({
  format: z.literal('axhw-train-metrics'),
  version: z.literal(1),
  command: z.string(),
  backend: z.looseObject({ name: z.string(), tfjs: z.string(), quantiser: z.string() }),
  dataset: z.looseObject({ name: z.string(), train: z.number().int(), test: z.number().int(), split: z.string() }),
  model: z.string(),
  method: z.string(),
  seed: z.number().int(),
  epochs: z.number().int(),
  batchSize: z.number().int(),
  learningRate: num,
  optimizer: z.string(),
  history: z.array(epochSchema).min(1),
  trainSamplesPerSecond: num,
  testAccuracyExact: num,
  hardware: hardwareEvalSchema.optional(),
});
export type TrainMetrics = z.infer<typeof trainMetricsSchema>;

/**
 * Said when the training loss ended above where it started: a rising curve reads as a failed run, but on
 * the hardware the loss is that of the approximate (and, with NTV storage, freshly flipped) forward pass.
 */
export function risingLossNote(m: {
  history: readonly { phase: string; loss: number; trainAccuracy: number }[];
  ntv?: boolean;
}): string | undefined {
  const [first, last] = [m.history[0]!, m.history[m.history.length - 1]!];
  if (m.history.length < 2 || !(last.loss > first.loss)) return undefined;
  const why =
    last.phase === 'bp'
      ? 'with exact arithmetic this usually means the learning rate is too high (--lr)'
      : `the loss is measured on the ${last.phase} ` +
        `phase's forward pass on the hardware${m.ntv ? ', with NTV bit flips drawn anew for every batch' : ''}, ` +
        `so it need not fall as the network improves; the accuracies are the figures to read`;
  return (
    `note: the training loss rose from ${first.loss.toFixed(4)} (epoch 1) to ${last.loss.toFixed(4)} ` +
    `(epoch ${m.history.length}) while training accuracy went from ${pct(first.trainAccuracy)} to ${pct(last.trainAccuracy)}: ${why}.`
  );
}

/** The epochs a run made, by phase where it had several (axtrain: act, then pas), as its table counts them. */
function epochsRun(m: TrainMetrics): string {
  const phases = new Map<string, number>();
  for (const e of m.history) phases.set(e.phase, (phases.get(e.phase) ?? 0) + 1);
  const split = phases.size > 1 ? ` (${[...phases].map(([p, n]) => `${n} ${p}`).join(' + ')})` : '';
  return `${m.history.length}${split}${m.history.length === m.epochs ? '' : `, --epochs ${m.epochs}`}`;
}

/** One training run as a document: its budget, its final accuracies and its training curve. */
export function trainingDocument(m: TrainMetrics, name: string): ResultDocument {
  const h = m.hardware;
  const note = risingLossNote({ ...m, ntv: h?.ntv !== undefined });
  const last = m.history[m.history.length - 1]!;
  return {
    title: `Training: ${m.model} on ${m.dataset.name}, ${m.method}${h ? ` for ${String(h.hardware.multiplier)}` : ''}`,
    command: m.command,
    provenance: {
      command: m.command,
      backend: `TensorFlow.js ${m.backend.tfjs}, ${m.backend.name} backend (quantiser: ${m.backend.quantiser})`,
      seeds: `seed ${m.seed} (split, initialisation, shuffling${h?.ntv ? ', NTV draws' : ''})`,
      parameters: {
        model: m.model,
        method: m.method,
        epochs: epochsRun(m),
        batch: m.batchSize,
        learningRate: m.learningRate,
        optimizer: m.optimizer,
        train: m.dataset.train,
        test: m.dataset.test,
      },
    },
    intro: [],
    sections: [
      {
        title: 'Result',
        command: m.command,
        blocks: [
          table(
            ['data (train/test)', 'epochs', 'exact test accuracy', 'on the hardware', 'NTV storage', 'train samples/s'],
            [
              [
                `${m.dataset.train}/${m.dataset.test} (${m.dataset.split})`,
                m.history.length,
                pct(m.testAccuracyExact),
                h ? `${pct(h.accuracy)} (${String(h.hardware.multiplier)}, ${String(h.hardware.path)} path)` : 'n/a',
                h?.ntv ? `${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} at rate ${h.ntv.rate} (${h.ntv.draws} draws)` : 'n/a',
                Math.round(m.trainSamplesPerSecond),
              ],
            ],
          ),
          text(
            `Last epoch (${last.phase}): loss ${last.loss.toFixed(4)}, train ${pct(last.trainAccuracy)}, ` +
              `test ${pct(last.testAccuracy)}` +
              (last.testAccuracyHw !== undefined ? `, test on the hardware ${pct(last.testAccuracyHw)}.` : '.'),
          ),
          ...(note ? [text(note.replace(/^note/, 'Note'))] : []),
          figure(`curve-${name}`, 'Training curve', trainingCurveSpec(m.history, `${m.model} on ${m.dataset.name}, ${m.method}`)),
        ],
      },
    ],
  };
}
