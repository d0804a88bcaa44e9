import { commandLine } from '../format/command-line.js';
import { printJson } from '../format/output.js';
import { checkOutputDir } from '../../util/output-path.js';
import { writeReport } from '../../report/page.js';
import type { OptionsOf } from '../../util/options.js';
import type { REPORT_OPTIONS } from '../commands/report.js';

/** `axhw report` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runReport(opts: OptionsOf<typeof REPORT_OPTIONS>, dirs: string[]): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const r = await writeReport(dirs, opts.out, { title: opts.title, command: commandLine() });
  if (opts.json) return printJson(r);
  process.stdout.write(
    `wrote ${r.path}: ${r.documents} documents, ${(r.bytes / 1024).toFixed(0)} KiB (open it in a browser; it needs no server)\n`,
  );
}
