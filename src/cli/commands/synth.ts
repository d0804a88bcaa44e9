import { Command } from 'commander';
import { join } from 'node:path';
import { copyFileSync, mkdirSync } from 'node:fs';
import {
  addUnitArgument,
  addControlOptions,
  addExternalOptions,
  addUnitParamOptions,
  controlSettingsFromOptions,
  designFromOptions,
} from '../options/design.js';
import { estimateCost } from '../../synth/estimate.js';
import { addCostOptions, costOptionsFrom } from '../options/cost.js';
import { formatCost } from '../format/cost-report.js';
import { withControlDefaults } from '../../gen/controls.js';
import { log, printJson } from '../format/output.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

export function synthCommand(): Command {
  const cmd = withExamples(new Command('synth'), [
    'axhw synth drum:width=8,k=4,signed',
    'axhw synth exact-mul --width 16 --clock-ns 5 -o out/synth',
    'axhw synth drum:width=16,k=6 --power sim',
  ])
    .description(
      'synthesize with Yosys + ABC onto a standard-cell library, then timing and power with OpenSTA: area, cells, critical path, power',
    )
    .option('-o, --out <dir>', 'also write the mapped netlist, report.json and report.md here')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress output');
  addUnitArgument(cmd, true);
  addCostOptions(cmd);
  addUnitParamOptions(cmd);
  addControlOptions(cmd, false);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
    if (opts.out) checkOutputDir(opts.out as string, '-o');
    const generated = await designFromOptions(unit, opts);
    const d = withControlDefaults(generated, controlSettingsFromOptions(generated, opts, false)[0]);
    const r = await estimateCost(d, { ...costOptionsFrom(opts), log: opts.json || opts.quiet ? undefined : log });
    const text = formatCost(r);
    if (opts.out) {
      const dir = opts.out as string;
      mkdirSync(dir, { recursive: true });
      copyFileSync(r.synth.netlist, join(dir, `${d.top}.netlist.v`));
      writeAtomic(join(dir, 'report.json'), JSON.stringify(r, null, 2) + '\n');
      writeAtomic(join(dir, 'report.md'), text);
    }
    if (opts.json) printJson(r);
    else process.stdout.write(text);
  });
}
