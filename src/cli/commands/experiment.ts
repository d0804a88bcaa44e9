import { commandLine } from '../format/command-line.js';
import { Command, Option } from 'commander';
import { log, printJson } from '../format/output.js';
import { backendOption } from '../options/training.js';
import { listExperiments } from '../../experiments/registry.js';
import { runExperiment } from '../../experiments/runner.js';
import type { BackendName } from '../../nn/backend.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

/** `axhw experiment <name>`: one subcommand per registered paper evaluation, its flags from the registry. */
export function experimentCommand(): Command {
  const cmd = withExamples(
    new Command('experiment').description("reproduce a paper's evaluation (report folder with JSON, Markdown tables and SVG figures)"),
    listExperiments().map((e) => e.examples[0]!),
  );
  for (const exp of listExperiments()) {
    const sub = withExamples(cmd.command(exp.name).description(exp.description), exp.examples);
    for (const o of exp.options) {
      const opt = new Option(o.flags, o.description);
      if (o.parse) opt.argParser(o.parse);
      if (o.default !== undefined) opt.default(o.default);
      sub.addOption(opt);
    }
    sub
      .addOption(backendOption())
      .option('-o, --out <dir>', 'report folder', exp.defaultOut)
      .option('--json', 'print the result JSON to stdout')
      .option('--quiet', 'no progress output')
      .action(async (opts: Record<string, unknown>) => {
        checkOutputDir(opts.out as string, '-o');
        const quiet = Boolean(opts.quiet || opts.json);
        const ctx = { command: commandLine(), log: quiet ? undefined : log, backend: opts.backend as BackendName | undefined };
        const { result, files } = await runExperiment(exp, opts, ctx, opts.out as string);
        if (opts.json) return printJson(result);
        process.stdout.write([...exp.summary(result), ...files.map((f) => `  wrote ${f}`)].join('\n') + '\n');
      });
  }
  return cmd;
}
