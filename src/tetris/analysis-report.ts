import { z } from 'zod';
import { table, text, type Block, type ResultDocument } from '../doc/document.js';
import type { TetrisAnalysis } from './analyze.js';
import { pct } from '../util/quantities.js';

const num = z.number();
const int = z.number().int();
const zeroBitsSchema = z.strictObject({
  weights: int,
  nonZeroWeights: int,
  bits: int,
  zeroBits: int,
  nonZeroBits: int,
  zeroBitsInNonZero: int,
});
const formsSchema = z.strictObject({ 'twos-complement': zeroBitsSchema, 'sign-magnitude': zeroBitsSchema });
const kneadingSchema = z.strictObject({ group: int, words: int, sacCycles: int, speedup: num });

const layerAnalysisSchema = z.strictObject({
  layer: int,
  kind: z.enum(['dense', 'conv2d']),
  fanIn: int,
  outputs: int,
  rowsPerInference: int,
  zeroBits: formsSchema,
  essentialBits: int,
  macCycles: int,
  kneading: z.array(kneadingSchema),
});

/** A Tetris analysis (TetrisAnalysis): the Tetris experiment's and `axhw tetris analyze`'s. */
export const analysisSchema = z.strictObject({
  wordBits: int,
  lanes: int,
  groups: z.array(int),
  layers: z.array(layerAnalysisSchema),
  total: z.strictObject({
    zeroBits: formsSchema,
    essentialBits: int,
    weights: int,
    macCycles: int,
    zeroValueSpeedup: num,
    idealSpeedup: num,
    kneading: z.array(kneadingSchema),
  }),
});

/** What `axhw tetris analyze -o` writes: the analysis and what it was made from. */
export const tetrisAnalysisSchema = analysisSchema.extend({
  format: z.literal('axhw-tetris-analysis'),
  version: z.literal(1),
  model: z.string(),
  modelDir: z.string().optional(),
  weights: z.string().optional(),
  mult: z.string(),
});
export type TetrisAnalysisRecord = z.infer<typeof tetrisAnalysisSchema>;

type Z = TetrisAnalysis['total']['zeroBits']['sign-magnitude'];
const zero = (x: Z) => `${pct(x.zeroBits / x.bits, 1)} (${pct(x.zeroBitsInNonZero / x.nonZeroBits, 1)})`;

/** The analysis as tables: the network's totals, then one row per layer (the CLI prints the same as Markdown). */
export function analysisBlocks(a: TetrisAnalysis): Block[] {
  const t = a.total;
  return [
    table(
      [
        'zero weights',
        "zero bits, two's complement (non-zero weights)",
        'zero bits, sign-magnitude (non-zero weights)',
        'essential bits per weight',
        'MAC cycles per inference',
        'zero-value skipping',
        ...a.groups.map((g) => `G = ${g}`),
        'ideal',
      ],
      [
        [
          pct(1 - t.zeroBits['twos-complement'].nonZeroWeights / t.weights, 1),
          zero(t.zeroBits['twos-complement']),
          zero(t.zeroBits['sign-magnitude']),
          (t.essentialBits / t.weights).toFixed(2),
          t.macCycles,
          `${t.zeroValueSpeedup.toFixed(2)}x`,
          ...t.kneading.map((k) => `${k.speedup.toFixed(2)}x`),
          `${t.idealSpeedup.toFixed(2)}x`,
        ],
      ],
    ),
    table(
      [
        'layer',
        'kind',
        'fan-in x outputs',
        'rows per inference',
        "zero bits, two's complement",
        'zero bits, sign-magnitude',
        ...a.groups.map((g) => `G = ${g}: words (speed-up)`),
      ],
      a.layers.map((l) => [
        l.layer,
        l.kind,
        `${l.fanIn} x ${l.outputs}`,
        l.rowsPerInference,
        zero(l.zeroBits['twos-complement']),
        zero(l.zeroBits['sign-magnitude']),
        ...l.kneading.map((k) => `${k.words} (${k.speedup.toFixed(2)}x)`),
      ]),
    ),
    text('Speed-up: MAC work cycles (one per weight and input row) over SAC work cycles (one per kneaded word and row), one PE.'),
  ];
}

export function tetrisAnalysisDocument(r: TetrisAnalysisRecord): ResultDocument {
  const source = r.modelDir ?? r.weights ?? r.model;
  return {
    title: `Tetris analysis: ${r.model} (${source}) as ${r.mult} codes`,
    provenance: { parameters: { mult: r.mult, groups: r.groups.join(', ') } },
    intro: [text(`${r.total.weights} weights in ${r.wordBits}-bit words, ${r.lanes} magnitude lanes.`)],
    sections: [{ title: 'Zero bits and kneading speed-up', blocks: analysisBlocks(r) }],
  };
}
