import type { Command } from 'commander';

/** Real invocations shown at the end of a command's --help (a test checks their flags exist). */
export function withExamples(cmd: Command, examples: string[]): Command {
  cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  (cmd as Command & { examples?: string[] }).examples = examples;
  return cmd;
}

export function examplesOf(cmd: Command): string[] {
  return (cmd as Command & { examples?: string[] }).examples ?? [];
}
