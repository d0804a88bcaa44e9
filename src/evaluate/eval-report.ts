import { z } from 'zod';
import { table, type ResultDocument } from '../doc/document.js';
import { pct } from '../util/quantities.js';

const num = z.number();

/** A network evaluated on hardware (evaluateOnHardware), as train's metrics.json and eval's JSON hold it. */
export const hardwareEvalSchema = z.looseObject({
  hardware: z.looseObject({ multiplier: z.unknown(), path: z.unknown() }),
  accuracy: num,
  reference: z.looseObject({ referenceAccuracy: num, agreement: num, samples: num }).optional(),
  ntv: z.looseObject({ rate: num, mean: num, std: num, draws: num }).optional(),
});

/** What `axhw eval -o` writes. */
export const evalResultSchema = z.looseObject({
  format: z.literal('axhw-eval'),
  version: z.literal(1),
  command: z.string().optional(),
  backend: z.looseObject({ name: z.string(), tfjs: z.string() }),
  model: z.string(),
  dataset: z.looseObject({ name: z.string(), test: z.number().int(), split: z.string() }),
  testAccuracyExact: num,
  hardware: hardwareEvalSchema.optional(),
});
export type EvalResult = z.infer<typeof evalResultSchema>;

/** An evaluation as a document: exact accuracy, on the hardware, against the integer reference, under NTV storage. */
export function evalDocument(r: EvalResult): ResultDocument {
  const h = r.hardware;
  return {
    title: `Evaluation: ${r.model} on ${r.dataset.name}${h ? ` and ${String(h.hardware.multiplier)}` : ''}`,
    command: r.command,
    provenance: {
      command: r.command,
      backend: `TensorFlow.js ${r.backend.tfjs}, ${r.backend.name} backend`,
      parameters: { model: r.model, test: r.dataset.test },
    },
    intro: [],
    sections: [
      {
        title: 'Result',
        command: r.command,
        blocks: [
          table(
            ['test samples', 'exact', 'on the hardware', 'integer reference (same class)', 'NTV storage'],
            [
              [
                `${r.dataset.test} (${r.dataset.split})`,
                pct(r.testAccuracyExact),
                h ? `${pct(h.accuracy)} (${String(h.hardware.multiplier)}, ${String(h.hardware.path)} path)` : 'n/a',
                h?.reference ? `${pct(h.reference.referenceAccuracy)} (${pct(h.reference.agreement)})` : 'n/a',
                h?.ntv ? `${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} at rate ${h.ntv.rate} (${h.ntv.draws} draws)` : 'n/a',
              ],
            ],
          ),
        ],
      },
    ],
  };
}
