import { commandLine } from '../format/command-line.js';
import { log, printJson } from '../format/output.js';
import { hardwareFromOptions } from '../options/training.js';
import { runEval } from '../../evaluate/eval-run.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputFile } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { EVAL_OPTIONS } from '../commands/eval.js';
import { pct } from '../../util/quantities.js';

/** `axhw eval` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runEvalCommand(opts: OptionsOf<typeof EVAL_OPTIONS>): Promise<void> {
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
}
