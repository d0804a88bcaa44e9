import { commandLine } from '../format/command-line.js';
import { log, printJson } from '../format/output.js';
import { runExperiment } from '../../experiments/runner.js';
import type { Experiment } from '../../experiments/experiment.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { EXPERIMENT_OUTPUT_OPTIONS } from '../commands/experiment.js';

/** `axhw experiment <name>`: run it, write its report folder, print its summary (or the result as JSON). */
export async function runExperimentCommand(
  exp: Experiment,
  opts: OptionsOf<Experiment['options']>,
  out: OptionsOf<ReturnType<typeof EXPERIMENT_OUTPUT_OPTIONS>>,
): Promise<void> {
  checkOutputDir(out.out, '-o');
  const quiet = Boolean(out.quiet || out.json);
  const ctx = { command: commandLine(), log: quiet ? undefined : log, backend: out.backend };
  const { result, files } = await runExperiment(exp, opts, ctx, out.out);
  if (out.json) return printJson(result);
  process.stdout.write([...exp.summary(result), ...files.map((f) => `  wrote ${f}`)].join('\n') + '\n');
}
