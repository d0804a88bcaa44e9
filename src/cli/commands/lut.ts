import { Command, Option } from 'commander';
import { addExternalOptions, addUnitParamOptions, designFromOptions, toInt } from '../design-options.js';
import { tableFromRtl } from '../../lut/from-rtl.js';
import { formatOf, writeTable } from '../../lut/io.js';
import { progressBar } from '../progress.js';
import { log, printJson } from '../output.js';

export function lutCommand(): Command {
  const cmd = new Command('lut')
    .description('read the complete lookup table out of the Verilated RTL (checked against the model when there is one) and export it')
    .argument('[unit]', 'registry unit (see `axhw units`); omit with --rtl')
    .requiredOption('-o, --out <file>', 'table file: .npy, .bin or .hex (a <file>.json sidecar is written beside it)')
    .addOption(new Option('--format <fmt>', 'table format (default: from the file extension)').choices(['npy', 'bin', 'hex']))
    .option('--no-verify', 'do not check the entries against the model')
    .option('--jobs <n>', 'parallel simulator processes (default: number of cores)', toInt)
    .option('--json', 'print the table metadata as JSON')
    .option('--quiet', 'no progress output');
  addUnitParamOptions(cmd);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
    const format = formatOf(opts.out as string, opts.format as string | undefined);
    const d = await designFromOptions(unit, opts);
    const bar = progressBar(`lut ${d.top}`, !opts.quiet && !opts.json);
    let table;
    try {
      table = await tableFromRtl(d, { verify: opts.verify !== false, jobs: opts.jobs as number | undefined, onProgress: bar.update, log: opts.quiet || opts.json ? undefined : log });
    } finally {
      bar.stop();
    }
    const files = writeTable(table, opts.out as string, format);
    if (opts.json) printJson({ ...table.meta, written: files });
    else {
      const m = table.meta;
      process.stdout.write(`${m.top}: ${m.shape[0]} x ${m.shape[1]} ${m.dtype} table from the RTL, ${m.verified ? 'every entry verified against the model' : 'NOT verified against a model'}\n`);
      for (const f of files) process.stdout.write(`  wrote ${f}\n`);
    }
  });
}
