import { Command } from 'commander';
import { join } from 'node:path';
import { copyFileSync, mkdirSync } from 'node:fs';
import { addControlOptions, addExternalOptions, addUnitParamOptions, controlSettingsFromOptions, designFromOptions } from '../design-options.js';
import { estimateCost, type CostReport } from '../../synth/estimate.js';
import { withControlDefaults } from '../../gen/controls.js';
import { DEFAULT_LIBRARY } from '../../synth/library.js';
import { writeAtomic } from '../../gen/manifest.js';
import { printJson } from '../output.js';
import { AxhwError } from '../../errors.js';

export function addCostOptions(cmd: Command): Command {
  return cmd
    .option('--lib <name|file.lib>', `cell library: ${DEFAULT_LIBRARY} (Debian qflow-tech-osu018) or any Liberty file`, DEFAULT_LIBRARY)
    .option('--clock-ns <ns>', 'clock period for timing and power (default 10)', toPositive)
    .option('--activity <uniform|trace.npy>', 'operand workload for power: uniform random (default) or an .npy of operand pairs, shape (n, 2)', 'uniform')
    .option('--seed <n>', 'seed of the uniform workload and of sampled error metrics (default 1)', (v) => Number(v));
}

function toPositive(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new AxhwError(`'${v}' is not a positive number.`);
  return n;
}

export function costOptionsFrom(opts: Record<string, unknown>) {
  return {
    lib: opts.lib as string,
    clockNs: opts.clockNs as number | undefined,
    trace: opts.activity && opts.activity !== 'uniform' ? (opts.activity as string) : undefined,
    seed: opts.seed as number | undefined,
  };
}

export function synthCommand(): Command {
  const cmd = new Command('synth')
    .description('synthesize with Yosys + ABC onto a standard-cell library, then timing and power with OpenSTA: area, cells, critical path, power')
    .argument('[unit]', 'registry unit (see `axhw units`); omit with --rtl')
    .option('-o, --out <dir>', 'also write the mapped netlist, report.json and report.md here')
    .option('--json', 'print the report as JSON');
  addCostOptions(cmd);
  addUnitParamOptions(cmd);
  addControlOptions(cmd, false);
  addExternalOptions(cmd);
  return cmd.action(async (unit: string | undefined, opts: Record<string, unknown>) => {
    const generated = await designFromOptions(unit, opts);
    const d = withControlDefaults(generated, controlSettingsFromOptions(generated, opts, false)[0]);
    const r = await estimateCost(d, costOptionsFrom(opts));
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

export function formatCost(r: CostReport): string {
  const p = r.timing.power;
  const mw = (w: number) => `${(w * 1e3).toFixed(4)} mW`;
  const types = Object.entries(r.synth.cellTypes)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return [
    `${r.top} on ${r.library.name} (${r.library.liberty})${r.synth.cached ? ' [synthesis cached]' : ''}`,
    `  area        ${r.synth.area.toFixed(1)} um^2, ${r.synth.cells} cells${r.synth.flipFlops ? ` (${r.synth.flipFlops} flip-flops)` : ''}: ${types}`,
    `  delay       ${r.timing.delayNs.toFixed(4)} ns critical path (clock ${r.timing.clockNs} ns, slack ${r.timing.slackNs.toFixed(4)} ns)`,
    `  power       ${mw(p.total)} total = ${mw(p.internal)} internal + ${mw(p.switching)} switching + ${mw(p.leakage)} leakage`,
    `  PDP         ${r.pdpPj.toFixed(4)} pJ`,
    `  workload    ${r.activity.workload}${r.activity.trace ? ` ${r.activity.trace.file} (${r.activity.trace.used} of ${r.activity.trace.pairs} pairs)` : `, seed ${r.activity.seed}`}; ${r.activity.annotated}`,
    `  netlist     ${r.synth.netlist}`,
    '',
  ].join('\n');
}
