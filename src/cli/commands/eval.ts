import { Command } from 'commander';
import { commandLine } from '../format/command-line.js';
import { log, printJson } from '../format/output.js';
import { HARDWARE_OPTIONS, hardwareFromOptions } from '../options/training.js';
import { addOptions, flag, optionValues, parsed, text } from '../../util/options.js';
import { runEval } from '../../evaluate/eval-run.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { toNonNegativeInt } from '../../util/numbers.js';
import { checkOutputFile } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

const EVAL_OPTIONS = {
  modelDir: text('--model-dir <dir>', 'output folder of `axhw train` (model.json + weights.bin)').mandatory(),
  dataPath: text('--data-path <file|dir>', 'data file or folder, if not where training found it'),
  seed: parsed('--seed <n>', 'seed of the NTV bit-flip draws', toNonNegativeInt).default(1),
  out: text('-o, --out <file>', 'also write the results as JSON to this file'),
  json: flag('--json', 'print the results as JSON'),
  quiet: flag('--quiet', 'no progress output'),
  ...HARDWARE_OPTIONS,
};

export function evalCommand(): Command {
  const cmd = withExamples(new Command('eval'), [
    'axhw eval --model-dir out/bc --multiplier drum:width=8,k=3,signed',
    'axhw eval --model-dir out/bc --multiplier drum:width=8,k=4,signed --ntv-voltage 660 --ntv-draws 20 -o eval.json',
  ]).description('evaluate a trained model exactly and on approximate hardware (integer reference check, NTV bit-flip draws)');
  return addOptions(cmd, EVAL_OPTIONS).action(async (parsedOptions: object) => {
    const opts = optionValues(EVAL_OPTIONS, parsedOptions);
    if (opts.out) checkOutputFile(opts.out, '-o');
    const r = await runEval({
      modelDir: opts.modelDir,
      dataPath: opts.dataPath,
      seed: opts.seed,
      ...hardwareFromOptions(opts),
      backend: opts.backend,
      command: commandLine(),
      log: opts.quiet || opts.json ? undefined : log,
    });
    if (opts.out) writeAtomic(opts.out, JSON.stringify(r, null, 2) + '\n');
    if (opts.json) return printJson(r);
    const lines = [
      `${r.model} on ${r.dataset.name} (${r.dataset.test} test samples, backend ${r.backend.name}): exact ${pct(r.testAccuracyExact)}`,
    ];
    const h = r.hardware;
    if (h) {
      lines.push(
        `  on ${String(h.hardware.multiplier)} (${String(h.hardware.path)} path): ${pct(h.accuracy)}; ` +
          `reference inference ${pct(h.reference.referenceAccuracy)}, same class on ${pct(h.reference.agreement)}`,
      );
      if (h.ntv) lines.push(`  with NTV flips at ${h.ntv.rate}: ${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} over ${h.ntv.draws} draws`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  });
}
