import { Command } from 'commander';
import { Opt, addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { addDesignOptions, designFromCommand } from '../options/design.js';
import { derivedTableFromRtl, tableFromRtl } from '../../lut/from-rtl.js';
import { formatOf, sidecarPath, writeTable } from '../../lut/io.js';
import { checkOutputFile } from '../../util/output-path.js';
import { getUnit, listUnits } from '../../gen/registry.js';
import { progressBar } from '../format/progress.js';
import { log, printJson } from '../format/output.js';
import { AxhwError } from '../../errors.js';
import { toJobs } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

export function lutCommand(): Command {
  const derived = listUnits().flatMap((u) => (u.derivedTables ?? []).map((t) => `${t.name} [${u.name}]: ${t.doc}`));
  const cmd = withExamples(new Command('lut'), [
    'axhw lut drum:width=8,k=4,signed -o drum8k4.npy',
    'axhw lut fpmul --preset bfloat16 --table significand --mbits 5 -o sig5.hex',
    'axhw lut --rtl my_mult.v --top my_mult -o my_mult.bin --no-verify',
  ]).description('read a lookup table out of the Verilated RTL (checked against the model when there is one) and export it');
  const LUT_OPTIONS = {
    out: text('-o, --out <file>', 'table file: .npy, .bin or .hex (a <file>.json sidecar is written beside it)').mandatory(),
    format: choice('--format <fmt>', 'table format (default: from the file extension)', ['npy', 'bin', 'hex']),
    table: text('--table <kind>', `pairs (default): every operand pair; ${derived.join('; ')}`).default('pairs'),
    verify: new Opt<boolean, true>('--no-verify', 'do not check the entries against the model'),
    jobs: parsed('--jobs <n>', 'parallel simulator processes (default: number of cores)', toJobs),
    json: flag('--json', 'print the table metadata as JSON'),
    quiet: flag('--quiet', 'no progress output'),
  };
  addOptions(cmd, LUT_OPTIONS);
  addDesignOptions(cmd, false);
  return cmd.action(async (unit: string | undefined, parsedOptions: object) => {
    const opts = optionValues(LUT_OPTIONS, parsedOptions);
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
      throw new AxhwError(
        `${d.top} has no '${kindName}' table.`,
        `Its tables: ${['pairs', ...derivedKinds.map((t) => t.name)].join(', ')}.`,
      );
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
  });
}
