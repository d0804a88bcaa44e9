import { z } from 'zod';
import { list, table, text, type ResultDocument } from '../doc/document.js';
import { pct } from '../util/quantities.js';

/** `import.json`, what `axhw import onnx` writes beside the model (validated before it is written, and by `axhw report`). */
export const importRecordSchema = z.strictObject({
  format: z.literal('axhw-onnx-import'),
  version: z.literal(1),
  command: z.string().optional(),
  source: z.strictObject({
    format: z.literal('onnx'),
    file: z.string(),
    sha256: z.string(),
    producer: z.string(),
    opset: z.number().int(),
  }),
  model: z.object({ name: z.string(), input: z.array(z.number().int()), layers: z.array(z.object({ kind: z.string() }).passthrough()) }),
  dataset: z.strictObject({ name: z.string(), test: z.number().int(), classes: z.array(z.string()), split: z.string() }),
  preprocessing: z.string(),
  notes: z.array(z.string()),
  testAccuracy: z.number(),
  qdq: z
    .strictObject({
      layers: z.array(
        z.strictObject({
          layer: z.number().int(),
          codes: z.number().int(),
          differing: z.number().int(),
          qdqScales: z.strictObject({ min: z.number(), max: z.number(), perOutput: z.boolean() }),
          axhwExponent: z.number().int(),
        }),
      ),
      axhwFormat: z.string(),
      axhwAccuracy: z.number(),
    })
    .optional(),
  files: z.array(z.string()),
});
export type ImportRecord = z.infer<typeof importRecordSchema>;

const layerText = (l: { kind: string; [k: string]: unknown }) =>
  l.kind === 'dense'
    ? `dense ${String(l.units)}${l.relu ? ' + ReLU' : ''}`
    : l.kind === 'conv2d'
      ? `conv ${String(l.filters)} @ ${String(l.kernel)}x${String(l.kernel)} ${String(l.pad)}${l.relu ? ' + ReLU' : ''}`
      : l.kind === 'maxpool'
        ? `max pool ${String(l.size)}`
        : l.kind;

export function importDocument(r: ImportRecord): ResultDocument {
  return {
    title: `ONNX import: ${r.model.name} (${r.source.file}) on ${r.dataset.name}`,
    answer: [
      text(
        `Float accuracy on the ${r.dataset.test} test samples, input preprocessed as ${r.preprocessing}: ${pct(r.testAccuracy)}. ` +
          'A low accuracy after import usually means another preprocessing than the one the network was trained with.',
      ),
    ],
    provenance: { parameters: { producer: r.source.producer, opset: r.source.opset, sha256: r.source.sha256, split: r.dataset.split } },
    intro: [
      text(`Input ${r.model.input.join(' x ')}; ${r.dataset.classes.length} classes in axhw's order: ${r.dataset.classes.join(', ')}.`),
    ],
    sections: [
      {
        title: 'Layers',
        blocks: [
          table(
            ['#', 'layer'],
            r.model.layers.map((l, i) => [i, layerText(l)]),
          ),
        ],
      },
      {
        title: 'What the import changed',
        blocks: [r.notes.length ? list(r.notes) : text('Nothing: every node maps to a layer as it is.')],
      },
      ...(r.qdq
        ? [
            {
              title: "QDQ weights against axhw's quantisation",
              blocks: [
                table(
                  ['layer', 'codes', "differing from axhw's", 'QDQ scales', "axhw's exponent"],
                  r.qdq.layers.map((l) => [
                    l.layer,
                    l.codes,
                    l.differing,
                    l.qdqScales.perOutput
                      ? `${l.qdqScales.min.toPrecision(3)} to ${l.qdqScales.max.toPrecision(3)}`
                      : l.qdqScales.min.toPrecision(3),
                    l.axhwExponent,
                  ]),
                ),
                text(
                  `axhw's codes (${r.qdq.axhwFormat}) in place of the QDQ weights: ${pct(r.qdq.axhwAccuracy)}; ` +
                    'the model keeps the QDQ weights.',
                ),
              ],
            },
          ]
        : []),
    ],
    ...(r.command ? { command: r.command } : {}),
  };
}
