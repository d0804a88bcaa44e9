import { multiplierOption } from '../options/multiplier.js';
import { log, printJson } from '../format/output.js';
import { peFormat } from '../../gen/units/pe.js';
import { analyzeLayers, analyzeNetwork, type TetrisAnalysis } from '../../tetris/analyze.js';
import { readWeightTable } from '../../tetris/weight-table.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { generateDesign } from '../../gen/generate.js';
import { codeRange } from '../../models/pe-arith.js';
import { AxhwError } from '../../errors.js';
import { checkOutputFile } from '../../util/output-path.js';
import { analysisBlocks } from '../../tetris/analysis-report.js';
import { renderBlocks } from '../../doc/markdown.js';
import { writeAtomic } from '../../util/atomic-write.js';
import type { OptionsOf } from '../../util/options.js';
import type { TETRIS_ANALYZE_OPTIONS } from '../commands/tetris.js';

/** `axhw tetris analyze` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runTetrisAnalyze(opts: OptionsOf<typeof TETRIS_ANALYZE_OPTIONS>, modelDir: string | undefined): Promise<void> {
  const input = whatToAnalyse(modelDir, opts.weights);
  if (opts.out) checkOutputFile(opts.out, '-o');
  const quiet = Boolean(opts.quiet || opts.json);
  let a: TetrisAnalysis;
  let source: { model: string; modelDir?: string; weights?: string; mult: string };
  const mult = multiplierOption(opts) ?? 'exact-mul:width=8,signed';
  if ('modelDir' in input) {
    // Loaded here: a network needs TensorFlow.js (about half a second to load); a weight table, and a refusal, do not.
    const { quantisedModel } = await import('../../target/from-model.js');
    const m = await quantisedModel({ modelDir: input.modelDir, mult, dataPath: opts.dataPath, log: quiet ? undefined : log });
    a = analyzeNetwork(m.q, peFormat(m.child, 32), opts.groups);
    m.net.dispose();
    source = { model: m.q.spec.name, modelDir: input.modelDir, mult: m.multSpec };
  } else {
    const spec = resolveUnitSpec(mult);
    const f = peFormat(generateDesign(spec.unit, spec.params), 32);
    a = analyzeLayers([readWeightTable(input.weights, codeRange(f))], f, opts.groups);
    source = { model: 'weight table', weights: input.weights, mult };
  }
  const result = { format: 'axhw-tetris-analysis', version: 1, ...source, ...a };
  if (opts.out) writeAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
  if (opts.json) return printJson(result);
  process.stdout.write(analysisTables(a, `${source.model} (${source.modelDir ?? source.weights}) as ${source.mult} codes`));
}

/** A trained model's folder or a weight table: exactly one of them. */
function whatToAnalyse(modelDir: string | undefined, weights: string | undefined): { modelDir: string } | { weights: string } {
  if (modelDir !== undefined && weights === undefined) return { modelDir };
  if (modelDir === undefined && weights !== undefined) return { weights };
  throw new AxhwError(
    modelDir === undefined ? 'Nothing to analyse.' : 'Give a model folder or --weights, not both.',
    'Name a trained model folder (axhw train -o <dir>), or a weight table with --weights <file.npy>.',
  );
}

/** The analysis as Markdown: the network's totals, then one row per layer (the report shows the same tables). */
export function analysisTables(a: TetrisAnalysis, title: string): string {
  return (
    `${title}: ${a.total.weights} weights in ${a.wordBits}-bit ` +
    `words, ${a.lanes} magnitude lanes\n\n${renderBlocks(analysisBlocks(a))}\n`
  );
}
