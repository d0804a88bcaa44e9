import { join } from 'node:path';
import { copyFileSync, mkdirSync } from 'node:fs';
import { designFromCommand } from '../options/design.js';
import { estimateCost } from '../../synth/estimate.js';
import { COST_OPTIONS, costOptionsFrom } from '../options/cost.js';
import { optionValues } from '../../util/options.js';
import { formatCost } from '../format/cost-report.js';
import { withControlDefaults } from '../../gen/controls.js';
import { log, printJson } from '../format/output.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { SYNTH_OPTIONS } from '../commands/synth.js';

/** `axhw synth` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runSynth(opts: OptionsOf<typeof SYNTH_OPTIONS>, unit: string | undefined, parsedOptions: object): Promise<void> {
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
}
