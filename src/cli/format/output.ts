/** Human and JSON output. Results go to stdout; logs and progress go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

export function fmtInt(n: number): string {
  // Grouping by hand, as en-US does for integers: toLocaleString's first call loads ICU's locale data (about
  // 20 ms), which every start pays since verify's help prints a default with it.
  return Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US');
}
