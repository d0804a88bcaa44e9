import { Command } from 'commander';
import { join } from 'node:path';
import { copyFileSync, mkdirSync } from 'node:fs';
import { addDesignOptions, designFromCommand } from '../options/design.js';
import { estimateCost } from '../../synth/estimate.js';
import { COST_OPTIONS, costOptionsFrom } from '../options/cost.js';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { formatCost } from '../format/cost-report.js';
import { withControlDefaults } from '../../gen/controls.js';
import { log, printJson } from '../format/output.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

const SYNTH_OPTIONS = {
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
  return cmd.action(async (unit: string | undefined, parsedOptions: object) => {
    const opts = optionValues(SYNTH_OPTIONS, parsedOptions);
    if (opts.out) checkOutputDir(opts.out, '-o');
    const { design: generated, controls } = await designFromCommand(unit, parsedOptions, false);
    const d = withControlDefaults(generated, controls[0]);
    const cost = costOptionsFrom(optionValues(COST_OPTIONS, parsedOptions));
    const r = await estimateCost(d, { ...cost, log: opts.json || opts.quiet ? undefined : log });
    const text = formatCost(r);
    if (opts.out) {
      const dir = opts.out;
      mkdirSync(dir, { recursive: true });
      copyFileSync(r.synth.netlist, join(dir, `${d.top}.netlist.v`));
      writeAtomic(join(dir, 'report.json'), JSON.stringify(r, null, 2) + '\n');
      writeAtomic(join(dir, 'report.md'), text);
    }
    if (opts.json) printJson(r);
    else process.stdout.write(text);
  });
}
