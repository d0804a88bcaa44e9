import { shellWord } from '../../util/shell-word.js';

export { shellWord };

/** The command line that is running, as a user would type it again (recorded in results). */
export function commandLine(argv: readonly string[] = process.argv): string {
  return commandLineOf(argv.slice(2));
}

/** An axhw command line from its words after `axhw` (a plan's command, recorded as the unsharded run's). */
export function commandLineOf(words: readonly string[]): string {
  return ['axhw', ...words].map(shellWord).join(' ');
}
