import { z } from 'zod';
import { figure, table, text, type ResultDocument } from '../doc/document.js';
import { trainingCurveSpec } from './curve.js';
import { hardwareEvalSchema } from '../infer/eval-report.js';

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

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** One training run as a document: its budget, its final accuracies and its training curve. */
export function trainingDocument(m: TrainMetrics, name: string): ResultDocument {
  const h = m.hardware;
  const last = m.history[m.history.length - 1]!;
  return {
    title: `Training: ${m.model} on ${m.dataset.name}, ${m.method}${h ? ` for ${String(h.hardware.multiplier)}` : ''}`,
    command: m.command,
    provenance: {
      command: m.command,
      backend: `TensorFlow.js ${m.backend.tfjs}, ${m.backend.name} backend (quantiser: ${m.backend.quantiser})`,
      seeds: `seed ${m.seed} (split, initialisation, shuffling${h?.ntv ? ', NTV draws' : ''})`,
      parameters: { model: m.model, method: m.method, epochs: m.epochs, batch: m.batchSize, learningRate: m.learningRate, optimizer: m.optimizer, train: m.dataset.train, test: m.dataset.test },
    },
    intro: [],
    sections: [
      {
        title: 'Result',
        command: m.command,
        blocks: [
          table(
            ['data (train/test)', 'epochs', 'exact test accuracy', 'on the hardware', 'NTV storage', 'train samples/s'],
            [[`${m.dataset.train}/${m.dataset.test} (${m.dataset.split})`, m.history.length, pct(m.testAccuracyExact), h ? `${pct(h.accuracy)} (${String(h.hardware.multiplier)}, ${String(h.hardware.path)} path)` : 'n/a', h?.ntv ? `${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} at rate ${h.ntv.rate} (${h.ntv.draws} draws)` : 'n/a', Math.round(m.trainSamplesPerSecond)]],
          ),
          text(`Last epoch (${last.phase}): loss ${last.loss.toFixed(4)}, train ${pct(last.trainAccuracy)}, test ${pct(last.testAccuracy)}${last.testAccuracyHw !== undefined ? `, test on the hardware ${pct(last.testAccuracyHw)}` : ''}.`),
          figure(`curve-${name}`, 'Training curve', trainingCurveSpec(m.history, `${m.model} on ${m.dataset.name}, ${m.method}`)),
        ],
      },
    ],
  };
}
