import { shellWord } from '../../util/shell-word.js';

export { shellWord };

/** The command line that is running, as a user would type it again (recorded in results). */
export function commandLine(argv: readonly string[] = process.argv): string {
  return ['axhw', ...argv.slice(2)].map(shellWord).join(' ');
}
