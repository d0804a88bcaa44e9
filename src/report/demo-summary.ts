import { z } from 'zod';
import { list, table, text, type ResultDocument } from '../doc/document.js';

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
});
export type DemoSummary = z.infer<typeof demoSummarySchema>;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function demoDocument(s: DemoSummary): ResultDocument {
  return {
    title: 'The demo: from RTL to a network on the NPU',
    command: s.command,
    provenance: { command: s.command, backend: s.backend, seeds: `seed ${s.seed}`, tools: s.tools },
    intro: [text(`Ran ${s.createdAt}, ${(s.seconds / 60).toFixed(1)} minutes in all. Each step's results are in the folder named beside it, and each section below says the command that reproduces it, with paths relative to the demo folder (run it there).`)],
    sections: [
      {
        title: 'Steps',
        blocks: [table(['step', 'what', 'seconds', 'results', 'key figures'], s.steps.map((st, i) => [`${i + 1}. ${st.name}`, st.title, st.seconds.toFixed(1), st.dir ? `\`${st.dir}/\`` : '', st.headline]))],
      },
      {
        title: 'Generated and verified units',
        blocks: [
          table(
            ['unit', 'top', 'verified', 'table', 'ER', 'MRED', 'NMED', 'WCE', 'WCRE'],
            s.units.map((u) => [
              `\`${u.spec}\``,
              u.top,
              `${u.verified.passed ? 'passed' : '**FAILED**'}: ${u.verified.pairs.toLocaleString('en-US')} pairs (${u.verified.mode}), ${u.verified.mismatches} mismatches`,
              u.table ? `\`${u.table.file}\` (${u.table.shape.join(' x ')} ${u.table.dtype})` : 'n/a',
              ...(u.metrics ? [pct(u.metrics.er), pct(u.metrics.mred), pct(u.metrics.nmed), u.metrics.wce, pct(u.metrics.wcre)] : ['', '', '', '', '']),
            ]),
            'Every unit checked against its TypeScript model in Verilator; tables read from the RTL; error metrics over every operand pair of the table.',
          ),
        ],
      },
      ...(s.notRun.length ? [{ title: 'Not in this demo', blocks: [list(s.notRun)] }] : []),
    ],
  };
}
