import { Command } from 'commander';
import { log, printJson } from '../format/output.js';
import { withExamples } from '../format/examples.js';
import { quantisedModel } from '../../npu/from-model.js';
import { peFormat } from '../../gen/units/pe.js';
import { analyzeNetwork, type TetrisAnalysis } from '../../tetris/analyze.js';
import { DEFAULT_GROUPS, parseGroups } from '../../tetris/groups.js';
import { checkOutputFile } from '../../util/output-path.js';
import { writeAtomic } from '../../util/atomic-write.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The analysis as Markdown: the network's totals, then one row per layer. */
export function analysisTables(a: TetrisAnalysis, title: string): string {
  const t = a.total;
  const z = (form: 'twos-complement' | 'sign-magnitude', x = t.zeroBits[form]) => `${pct(x.zeroBits / x.bits)} (${pct(x.zeroBitsInNonZero / x.nonZeroBits)})`;
  return [
    `${title}: ${t.weights} weights in ${a.wordBits}-bit words, ${a.lanes} magnitude lanes`,
    '',
    `| zero weights | zero bits, two's complement (non-zero weights) | zero bits, sign-magnitude (non-zero weights) | essential bits per weight | MAC cycles per inference | zero-value skipping | ${a.groups.map((g) => `G = ${g}`).join(' | ')} | ideal |`,
    `|---:|---:|---:|---:|---:|---:|${a.groups.map(() => '---:|').join('')}---:|`,
    `| ${pct(1 - t.zeroBits['twos-complement'].nonZeroWeights / t.weights)} | ${z('twos-complement')} | ${z('sign-magnitude')} | ${(t.essentialBits / t.weights).toFixed(2)} | ${t.macCycles} | ${t.zeroValueSpeedup.toFixed(2)}x | ${t.kneading.map((k) => `${k.speedup.toFixed(2)}x`).join(' | ')} | ${t.idealSpeedup.toFixed(2)}x |`,
    '',
    `| layer | kind | fan-in x outputs | rows per inference | zero bits, two's complement | zero bits, sign-magnitude | ${a.groups.map((g) => `G = ${g}: words (speed-up)`).join(' | ')} |`,
    `|---:|---|---:|---:|---:|---:|${a.groups.map(() => '---:|').join('')}`,
    ...a.layers.map((l) => `| ${l.layer} | ${l.kind} | ${l.fanIn} x ${l.outputs} | ${l.rowsPerInference} | ${z('twos-complement', l.zeroBits['twos-complement'])} | ${z('sign-magnitude', l.zeroBits['sign-magnitude'])} | ${l.kneading.map((k) => `${k.words} (${k.speedup.toFixed(2)}x)`).join(' | ')} |`),
    '',
    'Speed-up: MAC work cycles (one per weight and input row) over SAC work cycles (one per kneaded word and row), one PE.',
    '',
  ].join('\n');
}

function analyzeCommand(): Command {
  return withExamples(new Command('analyze'), ['axhw tetris analyze out/bc', 'axhw tetris analyze out/lenet --groups 4,8,16 --json -o lenet-tetris.json'])
    .description("zero bits of a trained network's stored weights (two's complement and sign-magnitude), essential bits, and the kneading speed-up of a SAC PE over a MAC PE per group size")
    .argument('<model-dir>', 'output folder of `axhw train` (model.json + weights.bin)')
    .option('--mult <unit:params>', "the PE's multiplier whose codes the weights are stored in (an integer registry operator)", 'exact-mul:width=8,signed')
    .option('--groups <list>', 'kneading group sizes (powers of two)', parseGroups, [...DEFAULT_GROUPS])
    .option('--data-path <file|dir>', 'data file or folder, if not where training found it (calibration reads the training split)')
    .option('-o, --out <file>', 'also write the analysis as JSON to this file')
    .option('--json', 'print the analysis as JSON')
    .option('--quiet', 'no progress output')
    .action(async (modelDir: string, opts: Record<string, unknown>) => {
      if (opts.out) checkOutputFile(opts.out as string, '-o');
      const quiet = Boolean(opts.quiet || opts.json);
      const m = await quantisedModel({ modelDir, mult: opts.mult as string, dataPath: opts.dataPath as string | undefined, log: quiet ? undefined : log });
      const f = peFormat(m.child, 32);
      const a = analyzeNetwork(m.q, f, opts.groups as number[]);
      m.net.dispose();
      const result = { format: 'axhw-tetris-analysis', version: 1, model: m.q.spec.name, modelDir, mult: m.multSpec, ...a };
      if (opts.out) writeAtomic(opts.out as string, JSON.stringify(result, null, 2) + '\n');
      if (opts.json) return printJson(result);
      process.stdout.write(analysisTables(a, `${m.q.spec.name} (${modelDir}) as ${m.multSpec} codes`));
    });
}

export function tetrisCommand(): Command {
  return new Command('tetris').description('Tetris weight kneading: zero-bit analysis and kneading speed-up of trained networks (the SAC PE itself: `axhw experiment tetris`)').addCommand(analyzeCommand());
}
