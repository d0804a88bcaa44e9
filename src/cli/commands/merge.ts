import { Command } from 'commander';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';

/** `axhw merge`: the parts of a sharded run (--shard i/n --parts dir) back into the unsharded run's result. */
export const MERGE_OPTIONS = {
  out: text('-o, --out <dir>', 'folder of the merged result (verify: verify.json; an experiment: its report folder)').mandatory(),
  json: flag('--json', 'print the merged result as JSON'),
};

export function mergeCommand(): Command {
  const cmd = withExamples(new Command('merge'), [
    'axhw merge out/parts/verify -o out/verify-merged',
    'axhw merge out/parts/verify/part-0-of-2.json out/parts/verify/part-1-of-2.json -o out/verify-merged --json',
  ])
    .description(
      'join the parts of a sharded run (each written by --shard i/n --parts <dir>) into the result the unsharded ' +
        'command writes: every part of one plan, each once, none corrupt (else exit 2 naming the part); a merged ' +
        'verify that found mismatches exits 1',
    )
    .argument('<parts...>', 'folders holding part-<i>-of-<n>.json files, or the part files');
  return addOptions(cmd, MERGE_OPTIONS).action(async (paths: string[], parsedOptions: object) =>
    (await import('../run/merge.js')).runMerge(optionValues(MERGE_OPTIONS, parsedOptions), paths),
  );
}
