import { Command } from 'commander';
import { join } from 'node:path';
import { resolveUnit } from '../../gen/registry.js';
import { generateDesign } from '../../gen/generate.js';
import { writeDesign, writeAtomic } from '../../gen/manifest.js';
import { verifyDesign } from '../../verify/verify.js';
import { tableFromRtl } from '../../lut/from-rtl.js';
import { writeTable, readTable } from '../../lut/io.js';
import { tableErrorMetrics } from '../../metrics/table-metrics.js';
import { progressBar } from '../progress.js';
import { fmtInt, log, printJson } from '../output.js';
import { formatVerifyReport } from './verify.js';
import { estimateCost } from '../../synth/estimate.js';

/** The main job on built-in defaults: gen -> verify -> lut -> error summary -> cost for an 8-bit signed DRUM. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('end-to-end run on defaults: generate DRUM (8-bit, k = 4, signed), verify it exhaustively, export its table, summarise its error, and estimate its area, delay and power against the exact multiplier (osu018)')
    .option('-o, --out <dir>', 'output folder', 'out/demo')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { out: string; json?: boolean }) => {
      const say = opts.json ? () => {} : (m: string) => process.stdout.write(m + '\n');
      const { unit, params } = resolveUnit('drum', { width: 8, k: 4, signed: true });
      const d = generateDesign(unit, params);
      const gen = writeDesign(d, opts.out);
      say(`[1/5] gen     ${gen.files.join(', ')}`);
      const bar = progressBar('verify', !opts.json);
      const report = await verifyDesign(d, { onProgress: bar.update, log: opts.json ? undefined : log }).finally(bar.stop);
      say(`[2/5] verify  ${formatVerifyReport(report).trimEnd()}`);
      if (!report.passed) {
        process.exitCode = 1;
        return;
      }
      const table = await tableFromRtl(d);
      const tablePath = join(opts.out, `${d.top}.npy`);
      writeTable(table, tablePath);
      readTable(tablePath, { unit: d.unit, params: d.params, rtlHash: d.rtlHash, requireVerified: true }); // round trip
      say(`[3/5] lut     ${tablePath} (${table.meta.shape.join(' x ')} ${table.meta.dtype}, read from the RTL, verified, reloaded)`);
      const m = tableErrorMetrics(table);
      const [cost, exactCost] = await Promise.all([estimateCost(d), estimateCost(exactDesign())]);
      const saving = (x: number, b: number) => `${((100 * (b - x)) / b).toFixed(1)}%`;
      const costSummary = {
        library: cost.library.name,
        clockNs: cost.timing.clockNs,
        drum: { area: cost.synth.area, delayNs: cost.timing.delayNs, powerMw: cost.timing.power.total * 1e3 },
        exactMul: { area: exactCost.synth.area, delayNs: exactCost.timing.delayNs, powerMw: exactCost.timing.power.total * 1e3 },
      };
      const summary = {
        unit: d.unit,
        params: d.params,
        top: d.top,
        verified: { pairs: report.pairs, mode: report.mode, mismatches: report.mismatches },
        table: tablePath,
        metrics: m,
        cost: costSummary,
      };
      writeAtomic(join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      say(
        `[4/5] error   DRUM N=8 k=4 signed over all ${fmtInt(m.pairs)} pairs: ER ${pct(m.er)}, MRED ${pct(m.mred)}, NMED ${pct(m.nmed)}, ` +
          `ME ${m.me.toFixed(2)}, WCRE ${pct(m.wcre)}, WCE ${fmtInt(m.wce)}  (summary: ${join(opts.out, 'summary.json')})`,
      );
      say(
        `[5/5] cost    ${d.top} on ${cost.library.name}: ${cost.synth.area.toFixed(0)} um^2, ${cost.timing.delayNs.toFixed(2)} ns, ${(cost.timing.power.total * 1e3).toFixed(2)} mW at ${cost.timing.clockNs} ns ` +
          `(exact-mul: ${exactCost.synth.area.toFixed(0)} um^2, ${exactCost.timing.delayNs.toFixed(2)} ns, ${(exactCost.timing.power.total * 1e3).toFixed(2)} mW; area saving ${saving(cost.synth.area, exactCost.synth.area)})`,
      );
      if (opts.json) printJson(summary);
    });
}

function exactDesign() {
  const { unit, params } = resolveUnit('exact-mul', { width: 8, signed: true });
  return generateDesign(unit, params);
}
