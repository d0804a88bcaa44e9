import { AxhwError } from '../../errors.js';
import { text, parsed, type OptionsOf } from '../../util/options.js';
import { toShardSpec } from '../../shard/shard-spec.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withoutShardFlags, writePart, type Plan } from '../../shard/part.js';
import type { ShardSpec } from '../../shard/shard-spec.js';

/** `--shard i/n --parts <dir>`: run one part of a long job and write it as a part file for `axhw merge` (docs/scale-out.md). */
export const SHARD_OPTIONS = {
  shard: parsed(
    '--shard <i/n>',
    'run part i of n (i from 0, as SLURM_ARRAY_TASK_ID) and write it to --parts; `axhw merge` joins the parts (docs/scale-out.md)',
    toShardSpec,
  ),
  parts: text('--parts <dir>', 'folder for the part file of --shard (the parts of one job may share it)'),
};
export type ShardOptions = OptionsOf<typeof SHARD_OPTIONS>;

/** Per sharded command, the options a shard refuses: they write the whole result, which only the merge has. */
export const SHARD_CONFLICTS: Record<string, string[]> = {
  verify: ['--report'],
  'npu run': ['-o', '--out', '--operand-trace'],
  'npu cost': ['-o', '--out', '--whole-chip'],
};

/** --shard and --parts go together; the folder must be writable before any work starts. */
export function checkShardOptions(o: Partial<ShardOptions>, conflicts: Record<string, unknown> = {}): void {
  if (o.shard && !o.parts)
    throw new AxhwError('--shard needs --parts <dir>: the folder the part file goes to.', 'Add --parts <dir> (e.g. --parts out/parts).');
  if (o.parts && !o.shard)
    throw new AxhwError('--parts is only for a sharded run.', 'Add --shard i/n (e.g. --shard 0/4), or drop --parts to run the whole job.');
  if (!o.shard) return;
  for (const [flag, value] of Object.entries(conflicts))
    if (value !== undefined && value !== false)
      throw new AxhwError(
        `${flag} does not go with --shard: a shard writes only its part file.`,
        `Drop ${flag}; \`axhw merge <parts dir> -o <dir>\` writes the whole result once every part is done.`,
      );
  checkOutputDir(o.parts!, '--parts');
}

/** This process's command line as a plan records it: without the shard flags, the line the unsharded run would be. */
export const plannedCommand = (): string[] => withoutShardFlags(process.argv.slice(2));

/** A shard's part file, its plan's command this process's own (plannedCommand); returns the file. */
export function writeShardPart(dir: string, plan: Omit<Plan, 'command'>, shard: ShardSpec, payload: unknown): string {
  return writePart(dir, { ...plan, command: plannedCommand() }, shard, payload);
}
