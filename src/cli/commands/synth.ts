import { Command } from 'commander';
import { addDesignOptions } from '../options/design.js';
import { COST_OPTIONS } from '../options/cost.js';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';

export const SYNTH_OPTIONS = {
  out: text('-o, --out <dir>', 'also write the mapped netlist, report.json and report.md here'),
  json: flag('--json', 'print the report as JSON'),
  quiet: flag('--quiet', 'no progress output'),
};

export function synthCommand(): Command {
  const cmd = withExamples(new Command('synth'), [
    'axhw synth drum:width=8,k=4,signed',
    'axhw synth exact-mul --width 16 --clock-ns 5 -o out/synth',
    'axhw synth drum:width=16,k=6 --power sim',
  ]).description(
    'synthesize with Yosys + ABC onto a standard-cell library, then timing and power with OpenSTA: area, cells, critical path, power',
  );
  addOptions(cmd, SYNTH_OPTIONS);
  addOptions(cmd, COST_OPTIONS);
  addDesignOptions(cmd, false);
  return cmd.action(async (unit: string | undefined, parsedOptions: object) =>
    (await import('../run/synth.js')).runSynth(optionValues(SYNTH_OPTIONS, parsedOptions), unit, parsedOptions),
  );
}
