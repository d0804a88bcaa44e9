import { z } from 'zod';
import { MEMORY_KIND_WORDS, TOTALS_MEMORY_KINDS } from '../synth/memory-kind.js';
import { figure, list, table, text, type Block, type ResultDocument } from '../doc/document.js';
import { formatEnergy, pct } from '../util/quantities.js';

/**
 * summary.json of `axhw demo`: what ran, how long each step took, the units it verified and the key
 * figures of every step, each with the folder that holds the step's full results.
 */
const num = z.number();
const int = z.number().int();

export const demoUnitSchema = z.strictObject({
  spec: z.string(),
  top: z.string(),
  verified: z.strictObject({ passed: z.boolean(), mode: z.string(), pairs: num, mismatches: int }),
  table: z.strictObject({ file: z.string(), shape: z.array(int), dtype: z.string() }).optional(),
  metrics: z.strictObject({ er: num, mred: num, nmed: num, wce: num, wcre: num }).optional(),
});

export const demoStepSchema = z.strictObject({
  name: z.string(),
  title: z.string(),
  seconds: num,
  /** The step's results, relative to the demo folder (a folder `axhw report` reads). */
  dir: z.string().optional(),
  /** One line of key figures. */
  headline: z.string(),
});

/** One multiplier configuration the demo ran: its error, its energy in the network's inferences, the accuracy on it. */
export const tradeoffPointSchema = z.strictObject({
  multiplier: z.string(),
  /** Mean relative error distance over every operand pair (0 for the exact multiplier). */
  mred: num,
  /** Energy of one multiplication (simulated switching, uniform random operands) x multiplications per inference on the NPU. */
  multiplierEnergyPerInferencePj: num,
  /** Test accuracy of the breast-cancer network on this multiplier (the AxTrain step): trained with bp, and with AxTrain for it. */
  accuracy: z.strictObject({ bp: num, axtrain: num.optional() }),
});

export const demoAnswerSchema = z.strictObject({
  network: z.string(),
  /** The configuration the demo runs on the NPU, with its figures there. */
  chosen: z.strictObject({
    multiplier: z.string(),
    accuracyRtl: num,
    bitExact: z.boolean(),
    energyPerInferencePj: num,
    clockNs: num,
    meetsClock: z.boolean(),
    criticalPathNs: num,
    multiplierSharePct: num,
    /** How the memories were costed (memory-kinds.ts); absent in summaries written before memory kinds. */
    memoryKind: z.enum(TOTALS_MEMORY_KINDS).optional(),
  }),
  multipliesPerInference: int,
  tradeoff: z.array(tradeoffPointSchema),
});
export type DemoAnswer = z.infer<typeof demoAnswerSchema>;

export const demoSummarySchema = z.strictObject({
  format: z.literal('axhw-demo'),
  version: z.literal(1),
  command: z.string(),
  createdAt: z.string(),
  seconds: num,
  seed: int,
  backend: z.string(),
  tools: z.record(z.string(), z.string()),
  units: z.array(demoUnitSchema),
  steps: z.array(demoStepSchema).min(1),
  /** Parts of the main job this demo does not run, and why. */
  notRun: z.array(z.string()),
  /** The answer in brief (absent in summaries written before it was added). */
  answer: demoAnswerSchema.optional(),
});
export type DemoSummary = z.infer<typeof demoSummarySchema>;

/** The page's opening: what was verified, the configuration chosen, and the trade-off the tool exists for. */
const howVerified = (mode: string) => (mode === 'exhaustive' ? 'exhaustively' : 'on corners and random pairs');

function answerBlocks(s: DemoSummary): Block[] {
  const a = s.answer;
  const verified = s.units.filter((u) => u.verified.passed);
  const lines = [
    `**Verified**: ${verified.length} of ${s.units.length} units equal their models in Verilator ` +
      `(${s.units.map((u) => `\`${u.spec}\` ${howVerified(u.verified.mode)}`).join(', ')}).`,
  ];
  if (!a) return [text(lines[0]!)];
  const c = a.chosen;
  lines.push(
    `**Chosen configuration**: the ${a.network} network trained with AxTrain for \`${c.multiplier}\`, ` +
      `run on the NPU RTL: accuracy ${pct(c.accuracyRtl)}${c.bitExact ? ', bit-exact with the integer reference' : ''}; ` +
      `${formatEnergy(c.energyPerInferencePj)} per inference at a ${c.clockNs} ns clock` +
      (c.memoryKind === 'mixed'
        ? ' with memories of several kinds '
        : c.memoryKind
          ? ` with the memories as ${MEMORY_KIND_WORDS[c.memoryKind]} `
          : ' ') +
      `(${c.meetsClock ? 'met' : '**not met**'}: critical path ${c.criticalPathNs.toFixed(1)} ns), ` +
      `of which the multipliers are ${c.multiplierSharePct.toFixed(1)}%.`,
    `**Trade-off** below: for each multiplier, the accuracy of the ${a.network} network on it (trained ` +
      (`with bp, and with AxTrain for it) against ` +
        `its multipliers' energy per inference (${a.multipliesPerInference.toLocaleString('en-US')} `) +
      `multiplications per inference on the NPU, each at the multiplier's simulated energy) and against ` +
      `its error (MRED).`,
  );
  return [list(lines), figure('tradeoff', 'Accuracy against multiplier energy per inference and multiplier error', tradeoffSpec(a))];
}

/** Two panels sharing the accuracy axis: against the multipliers' energy per inference, and against MRED. */
export function tradeoffSpec(a: DemoAnswer): object {
  // Short labels: drum:width=8,k=4,signed -> "drum k=4", exact-mul:width=8,signed -> "exact-mul".
  const label = (spec: string) =>
    spec
      .replace(/,signed/, '')
      .replace(/:width=\d+,?/, ' ')
      .trim();
  const values = a.tradeoff.flatMap((p) => [
    { multiplier: label(p.multiplier), method: 'bp', accuracy: p.accuracy.bp, nJ: p.multiplierEnergyPerInferencePj / 1e3, mred: p.mred },
    ...(p.accuracy.axtrain === undefined
      ? []
      : [
          {
            multiplier: label(p.multiplier),
            method: 'axtrain',
            accuracy: p.accuracy.axtrain,
            nJ: p.multiplierEnergyPerInferencePj / 1e3,
            mred: p.mred,
          },
        ]),
  ]);
  const panel = (field: string, title: string) => ({
    width: 380,
    height: 240,
    layer: [
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x: { field, type: 'quantitative', title, scale: { zero: false } },
          y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', axis: { format: '.1%' }, scale: { zero: false } },
          color: { field: 'method', type: 'nominal', title: 'trained with' },
          shape: { field: 'method', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', dy: -10, fontSize: 10 },
        transform: [{ filter: "datum.method === 'bp'" }],
        encoding: { x: { field, type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'multiplier' } },
      },
    ],
  });
  return {
    title: {
      text: `${a.network}: accuracy on each multiplier`,
      subtitle: "against the multipliers' energy per inference and against the multiplier's error",
    },
    data: { values },
    hconcat: [panel('nJ', 'multiplier energy per inference (nJ)'), panel('mred', 'MRED (mean relative error distance)')],
  };
}

export function demoDocument(s: DemoSummary): ResultDocument {
  return {
    title: 'The demo: from RTL to a network on the NPU',
    answer: answerBlocks(s),
    command: s.command,
    provenance: { command: s.command, backend: s.backend, seeds: `seed ${s.seed}`, tools: s.tools },
    intro: [
      text(
        `Ran ${s.createdAt}, ${(s.seconds / 60).toFixed(1)} minutes in all. Each step's results are ` +
          `in the folder named beside it, and each section below says the command that reproduces it, ` +
          `with paths relative to the demo folder (run it there).`,
      ),
    ],
    sections: [
      {
        title: 'Steps',
        blocks: [
          table(
            ['step', 'what', 'seconds', 'results', 'key figures'],
            s.steps.map((st, i) => [`${i + 1}. ${st.name}`, st.title, st.seconds.toFixed(1), st.dir ? `\`${st.dir}/\`` : '', st.headline]),
          ),
        ],
      },
      {
        title: 'Generated and verified units',
        blocks: [
          table(
            ['unit', 'top', 'verified', 'table', 'ER', 'MRED', 'NMED', 'WCE', 'WCRE'],
            s.units.map((u) => [
              `\`${u.spec}\``,
              u.top,
              `${u.verified.passed ? 'passed' : '**FAILED**'}: ${u.verified.pairs.toLocaleString('en-US')} ` +
                `pairs (${u.verified.mode}), ${u.verified.mismatches} mismatches`,
              u.table ? `\`${u.table.file}\` (${u.table.shape.join(' x ')} ${u.table.dtype})` : 'n/a',
              ...(u.metrics
                ? [pct(u.metrics.er), pct(u.metrics.mred), pct(u.metrics.nmed), u.metrics.wce, pct(u.metrics.wcre)]
                : ['', '', '', '', '']),
            ]),
            'Every unit checked against its TypeScript model in Verilator; tables read from the RTL; error ' +
              'metrics over every operand pair of the table.',
          ),
        ],
      },
      ...(s.notRun.length ? [{ title: 'Not in this demo', blocks: [list(s.notRun)] }] : []),
    ],
  };
}
