import { log, printJson } from '../format/output.js';
import { progressBar } from '../format/progress.js';
import { commandLine } from '../format/command-line.js';
import { checkOutputDir } from '../../util/output-path.js';
import { runDemo } from '../../demo/run.js';
import type { OptionsOf } from '../../util/options.js';
import type { DEMO_OPTIONS } from '../commands/demo.js';

/** `axhw demo` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runDemoCommand(opts: OptionsOf<typeof DEMO_OPTIONS>): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const say = opts.json ? undefined : log;
  const r = await runDemo({
    out: opts.out,
    command: commandLine(),
    backend: opts.backend,
    log: say,
    progress: (label, unit) => progressBar(`      ${label}`, !opts.json, unit),
  });
  if (opts.json) return printJson(r.summary);
  process.stdout.write(
    `demo done in ${(r.summary.seconds / 60).toFixed(1)} minutes: ${r.index} (${(r.bytes / 1024).toFixed(0)} ` +
      `KiB; open it in a browser, no server needed) and ${r.index.replace(/index\.html$/, 'summary.json')}\n`,
  );
}
