import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions, designFromOptions } from '../options/design.js';
import { writeDesign } from '../../gen/manifest.js';
import { printJson } from '../format/output.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

export function genCommand(): Command {
  const cmd = withExamples(new Command('gen'), [
    'axhw gen drum:width=8,k=4,signed -o out/drum',
    'axhw gen fpmul --preset bfloat16 -o out/fpmul',
  ])
    .description('generate Verilog and manifest.json (parameters, ports, content hash) for a registry unit')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--json', 'print the manifest as JSON');
  addUnitArgument(cmd, false);
  addUnitParamOptions(cmd);
  return cmd.action(async (unit: string, opts: Record<string, unknown>) => {
    checkOutputDir(opts.out as string, '-o');
    const d = await designFromOptions(unit, opts);
    const { files, manifest } = writeDesign(d, opts.out as string);
    if (opts.json) printJson({ ...manifest, written: files });
    else {
      process.stdout.write(
        `${d.top}: ${d.ports.a.width} x ${d.ports.b.width} -> ${d.ports.y.width} bits${d.ports.signed ? ', signed' : ''}, ` +
          `rtl ${d.rtlHash.slice(0, 16)}\n`,
      );
      for (const f of files) process.stdout.write(`  wrote ${f}\n`);
    }
  });
}
