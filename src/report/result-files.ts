import { listExperiments } from '../experiments/registry.js';

/**
 * The results `axhw report` reads besides the experiments' and the demo's: the files each result is
 * recognised by (a folder holds it when it holds any of them), and the `format` each file carries, in the
 * same order (none for characterize.json, recognised by its name), so that a file given by itself is
 * recognised too. Their documents: sources.ts, keyed by each result's first file. Kept apart from the
 * document builders so that the CLI's help can name the files without loading them.
 */
export const RESULT_KINDS = [
  { files: ['characterize.json'], formats: [] },
  { files: ['metrics.json'], formats: ['axhw-train-metrics'] },
  { files: ['npu-run.json', 'npu-cost.json'], formats: ['axhw-npu-run', 'axhw-npu-cost'] },
  { files: ['eval.json'], formats: ['axhw-eval'] },
  { files: ['tetris-analysis.json'], formats: ['axhw-tetris-analysis'] },
  { files: ['import.json'], formats: ['axhw-onnx-import'] },
] as const;

/** A result's first file: the key of its documents in sources.ts. */
export type ResultKey = (typeof RESULT_KINDS)[number]['files'][0];

/** Every file a result folder may hold, experiments' first, as `axhw report --help` and its errors list them. */
export const RECOGNISED_FILES = [
  ...listExperiments().map((e) => e.resultFile),
  ...RESULT_KINDS.flatMap((k) => k.files),
  'summary.json (axhw demo)',
];
