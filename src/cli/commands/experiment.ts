import { Command } from 'commander';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { BACKEND_OPTIONS } from '../options/training.js';
import { listExperiments } from '../../experiments/registry.js';
import { withExamples } from '../format/examples.js';
import { SHARD_OPTIONS } from '../options/shard.js';

/** The options every experiment has: the backend, its report folder, JSON and quiet output. */
export const EXPERIMENT_OUTPUT_OPTIONS = (defaultOut: string) => ({
  ...BACKEND_OPTIONS,
  out: text('-o, --out <dir>', 'report folder').default(defaultOut),
  json: flag('--json', 'print the result JSON to stdout'),
  quiet: flag('--quiet', 'no progress output'),
});

/** `axhw experiment <name>`: one subcommand per registered paper evaluation, its flags from the registry. */
export function experimentCommand(): Command {
  const cmd = withExamples(
    new Command('experiment').description("reproduce a paper's evaluation (report folder with JSON, Markdown tables and SVG figures)"),
    listExperiments().map((e) => e.examples[0]!),
  );
  for (const exp of listExperiments()) {
    const sub = withExamples(cmd.command(exp.name).description(exp.description), exp.examples);
    // An experiment that declares its independent jobs can run one share of them (--shard i/n --parts dir).
    const outputOptions = { ...EXPERIMENT_OUTPUT_OPTIONS(exp.defaultOut), ...(exp.shardJobs ? SHARD_OPTIONS : {}) };
    addOptions(sub, exp.options);
    addOptions(sub, outputOptions).action(async (parsedOptions: object) =>
      (await import('../run/experiment.js')).runExperimentCommand(
        exp,
        optionValues(exp.options, parsedOptions),
        optionValues(outputOptions, parsedOptions),
      ),
    );
  }
  return cmd;
}
