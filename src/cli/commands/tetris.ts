import { Command } from 'commander';
import { MULTIPLIER_ALIAS, multiplierOption } from '../options/multiplier.js';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { log, printJson } from '../format/output.js';
import { withExamples } from '../format/examples.js';
import { quantisedModel } from '../../target/from-model.js';
import { peFormat } from '../../gen/units/pe.js';
import { analyzeLayers, analyzeNetwork, type TetrisAnalysis } from '../../tetris/analyze.js';
import { readWeightTable } from '../../tetris/weight-table.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { generateDesign } from '../../gen/generate.js';
import { codeRange } from '../../models/pe-arith.js';
import { AxhwError } from '../../errors.js';
import { DEFAULT_GROUPS, parseGroups } from '../../tetris/groups.js';
import { checkOutputFile } from '../../util/output-path.js';
import { analysisBlocks } from '../../tetris/analysis-report.js';
import { renderBlocks } from '../../doc/markdown.js';
import { writeAtomic } from '../../util/atomic-write.js';

/** The analysis as Markdown: the network's totals, then one row per layer (the report shows the same tables). */
export function analysisTables(a: TetrisAnalysis, title: string): string {
  return (
    `${title}: ${a.total.weights} weights in ${a.wordBits}-bit ` +
    `words, ${a.lanes} magnitude lanes\n\n${renderBlocks(analysisBlocks(a))}\n`
  );
}

const TETRIS_ANALYZE_OPTIONS = {
  weights: text('--weights <file.npy>', 'or a weight table: integer codes of shape (fan-in, outputs), analysed as one dense layer'),
  multiplier: text(
    '--multiplier <unit:params>',
    "the PE's multiplier whose codes the weights are stored in (an integer registry operator) (default: exact-mul:width=8,signed)",
  ),
  ...MULTIPLIER_ALIAS,
  groups: parsed('--groups <list>', 'kneading group sizes (powers of two)', parseGroups).default([...DEFAULT_GROUPS]),
  dataPath: text('--data-path <file|dir>', 'data file or folder, if not where training found it (calibration reads the training split)'),
  out: text('-o, --out <file>', 'also write the analysis as JSON to this file'),
  json: flag('--json', 'print the analysis as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

function analyzeCommand(): Command {
  const cmd = withExamples(new Command('analyze'), [
    'axhw tetris analyze out/bc',
    'axhw tetris analyze out/lenet --groups 4,8,16 --json -o lenet-tetris.json',
    'axhw tetris analyze --weights codes.npy --multiplier exact-mul:width=8,signed',
  ])
    .description(
      "zero bits of a trained network's stored weights (two's complement and sign-magnitude), essential " +
        'bits, and the kneading speed-up of a SAC PE over a MAC PE per group size',
    )
    .argument('[model-dir]', 'output folder of `axhw train` (model.json + weights.bin)');
  return addOptions(cmd, TETRIS_ANALYZE_OPTIONS).action(async (modelDir: string | undefined, parsedOptions: object) => {
    const opts = optionValues(TETRIS_ANALYZE_OPTIONS, parsedOptions);
    if ((modelDir === undefined) === (opts.weights === undefined))
      throw new AxhwError(
        modelDir === undefined ? 'Nothing to analyse.' : 'Give a model folder or --weights, not both.',
        'Name a trained model folder (axhw train -o <dir>), or a weight table with --weights <file.npy>.',
      );
    if (opts.out) checkOutputFile(opts.out, '-o');
    const quiet = Boolean(opts.quiet || opts.json);
    let a: TetrisAnalysis;
    let source: { model: string; modelDir?: string; weights?: string; mult: string };
    const mult = multiplierOption(opts) ?? 'exact-mul:width=8,signed';
    if (modelDir !== undefined) {
      const m = await quantisedModel({ modelDir, mult, dataPath: opts.dataPath, log: quiet ? undefined : log });
      a = analyzeNetwork(m.q, peFormat(m.child, 32), opts.groups);
      m.net.dispose();
      source = { model: m.q.spec.name, modelDir, mult: m.multSpec };
    } else if (opts.weights !== undefined) {
      const spec = resolveUnitSpec(mult);
      const f = peFormat(generateDesign(spec.unit, spec.params), 32);
      a = analyzeLayers([readWeightTable(opts.weights, codeRange(f))], f, opts.groups);
      source = { model: 'weight table', weights: opts.weights, mult };
    } else throw new Error('unreachable: a model folder or --weights was checked above');
    const result = { format: 'axhw-tetris-analysis', version: 1, ...source, ...a };
    if (opts.out) writeAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
    if (opts.json) return printJson(result);
    process.stdout.write(analysisTables(a, `${source.model} (${source.modelDir ?? source.weights}) as ${source.mult} codes`));
  });
}

export function tetrisCommand(): Command {
  return new Command('tetris')
    .description(
      'Tetris weight kneading: zero-bit analysis and kneading speed-up of trained networks (the SAC PE itself: `axhw experiment tetris`)',
    )
    .addCommand(analyzeCommand());
}
