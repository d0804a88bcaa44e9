import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions, designFromOptions } from '../options/design.js';
import { writeDesign } from '../../gen/manifest.js';
import { printJson } from '../format/output.js';

export function genCommand(): Command {
  const cmd = new Command('gen')
    .description('generate Verilog and manifest.json (parameters, ports, content hash) for a registry unit')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--json', 'print the manifest as JSON');
  addUnitArgument(cmd, false);
  addUnitParamOptions(cmd);
  return cmd.action(async (unit: string, opts: Record<string, unknown>) => {
    const d = await designFromOptions(unit, opts);
    const { files, manifest } = writeDesign(d, opts.out as string);
    if (opts.json) printJson({ ...manifest, written: files });
    else {
      process.stdout.write(`${d.top}: ${d.ports.a.width} x ${d.ports.b.width} -> ${d.ports.y.width} bits${d.ports.signed ? ', signed' : ''}, rtl ${d.rtlHash.slice(0, 16)}\n`);
      for (const f of files) process.stdout.write(`  wrote ${f}\n`);
    }
  });
}
