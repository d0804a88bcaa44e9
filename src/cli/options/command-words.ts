import { AxhwError } from '../../errors.js';
import { buildProgram } from '../program.js';

/**
 * A planned command's operands and option values, read as the command itself reads them (commander's own
 * parse, no action run). `axhw plan` checks the command this way (a typo fails once, not in every shard), and
 * a merge that re-reads the command's inputs (npu cost) gets its options this way.
 */
export async function parseCommandWords(job: string, words: readonly string[]): Promise<{ operands: string[]; values: object }> {
  const program = await buildProgram(words[0]);
  let cmd = program.commands.find((c) => c.name() === words[0])!;
  let rest = words.slice(1);
  if (cmd.commands.length > 0) {
    cmd = cmd.commands.find((c) => c.name() === rest[0])!;
    rest = rest.slice(1);
  }
  const { operands, unknown } = cmd.parseOptions(rest);
  const bad = unknown.find((w) => w.startsWith('-'));
  if (bad)
    throw new AxhwError(`'${bad}' is not an option of axhw ${job}.`, `Check the command after --: \`axhw ${job} -h\` lists its options.`);
  return { operands: [...operands, ...unknown], values: cmd.opts() };
}
