import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions, designFromOptions, unitFlags } from '../options/design.js';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { writeDesign } from '../../gen/manifest.js';
import { printJson } from '../format/output.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

const GEN_OPTIONS = {
  out: text('-o, --out <dir>', 'output folder').mandatory(),
  json: flag('--json', 'print the manifest as JSON'),
};

export function genCommand(): Command {
  const cmd = withExamples(new Command('gen'), [
    'axhw gen drum:width=8,k=4,signed -o out/drum',
    'axhw gen fpmul --preset bfloat16 -o out/fpmul',
  ]).description('generate Verilog and manifest.json (parameters, ports, content hash) for a registry unit');
  addOptions(cmd, GEN_OPTIONS);
  addUnitArgument(cmd, false);
  addUnitParamOptions(cmd);
  return cmd.action(async (unit: string, parsedOptions: object) => {
    const opts = optionValues(GEN_OPTIONS, parsedOptions);
    checkOutputDir(opts.out, '-o');
    const d = await designFromOptions(unit, {}, unitFlags(parsedOptions));
    const { files, manifest } = writeDesign(d, opts.out);
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
