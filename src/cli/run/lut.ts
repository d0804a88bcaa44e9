import { designFromCommand } from '../options/design.js';
import { derivedTableFromRtl, tableFromRtl } from '../../lut/from-rtl.js';
import { formatOf, sidecarPath, writeTable } from '../../lut/io.js';
import { checkOutputFile } from '../../util/output-path.js';
import { getUnit } from '../../gen/registry.js';
import { progressBar } from '../format/progress.js';
import { log, printJson } from '../format/output.js';
import { AxhwError } from '../../errors.js';
import type { OptionsOf } from '../../util/options.js';
import type { lutOptions } from '../commands/lut.js';

/** `axhw lut` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runLut(
  opts: OptionsOf<ReturnType<typeof lutOptions>>,
  unit: string | undefined,
  parsedOptions: object,
): Promise<void> {
  const format = formatOf(opts.out, opts.format);
  checkOutputFile(opts.out, '-o');
  checkOutputFile(sidecarPath(opts.out), 'The sidecar');
  const { design: d, controls: settings } = await designFromCommand(unit, parsedOptions, false);
  if (settings.length !== 1)
    throw new AxhwError(`A table is read under one control setting; got ${settings.length}.`, 'Give a single value, e.g. --mbits 8.');
  const kindName = opts.table;
  const derivedKinds = d.unit === 'external' ? [] : (getUnit(d.unit).derivedTables ?? []);
  const kind = derivedKinds.find((t) => t.name === kindName);
  if (kindName !== 'pairs' && !kind) {
    throw new AxhwError(`${d.top} has no '${kindName}' table.`, `Its tables: ${['pairs', ...derivedKinds.map((t) => t.name)].join(', ')}.`);
  }
  const bar = progressBar(`lut ${d.top}`, !opts.quiet && !opts.json);
  const tableOpts = {
    verify: opts.verify !== false,
    jobs: opts.jobs,
    controls: settings[0],
    onProgress: bar.update,
    log: opts.quiet || opts.json ? undefined : log,
  };
  let table;
  try {
    table = kind ? await derivedTableFromRtl(d, kind, tableOpts) : await tableFromRtl(d, tableOpts);
  } finally {
    bar.stop();
  }
  const files = writeTable(table, opts.out, format);
  if (opts.json) printJson({ ...table.meta, written: files });
  else {
    const m = table.meta;
    const ctl = m.controls
      ? ` (${Object.entries(m.controls)
          .map(([k, v]) => `${k} = ${v}`)
          .join(', ')})`
      : '';
    process.stdout.write(
      `${m.top}${ctl}: ${m.shape[0]} x ${m.shape[1]} ${m.dtype} ${m.kind} ` +
        `table from the RTL, ${m.verified ? 'every entry verified against the model' : 'NOT verified against a model'}\n`,
    );
    for (const f of files) process.stdout.write(`  wrote ${f}\n`);
  }
}
