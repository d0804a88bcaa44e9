/** A shell word as typed: quoted only when it holds characters the shell would split or expand. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The command line that is running, as a user would type it again (recorded in results). */
export function commandLine(argv: readonly string[] = process.argv): string {
  return ['axhw', ...argv.slice(2)].map(shellWord).join(' ');
}
