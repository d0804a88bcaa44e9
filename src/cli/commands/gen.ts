import { Command } from 'commander';
import { addUnitArgument, addUnitParamOptions } from '../options/design.js';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';

export const GEN_OPTIONS = {
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
  return cmd.action(async (unit: string, parsedOptions: object) =>
    (await import('../run/gen.js')).runGen(optionValues(GEN_OPTIONS, parsedOptions), unit, parsedOptions),
  );
}
