/** Human and JSON output. Results go to stdout; logs and progress go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
