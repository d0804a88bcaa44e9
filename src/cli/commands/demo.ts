import { Command } from 'commander';
import { join } from 'node:path';
import { resolveUnit } from '../../gen/registry.js';
import { generateDesign } from '../../gen/generate.js';
import { writeDesign } from '../../gen/manifest.js';
import { verifyDesign } from '../../verify/verify.js';
import { tableFromRtl } from '../../lut/from-rtl.js';
import { writeTable, readTable } from '../../lut/io.js';
import { tableErrorMetrics } from '../../metrics/table-metrics.js';
import { progressBar } from '../format/progress.js';
import { fmtInt, log, printJson } from '../format/output.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { estimateCost } from '../../synth/estimate.js';
import { axtrainExperiment } from '../../experiments/axtrain/index.js';
import { runExperiment } from '../../experiments/runner.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

/** The main job on built-in defaults: gen -> verify -> lut -> error summary -> cost for an 8-bit signed DRUM. */
export function demoCommand(): Command {
  return withExamples(new Command('demo'), [
    'axhw demo',
    'axhw demo -o out/demo --json',
  ])
    .description('end-to-end run on defaults: generate DRUM (8-bit, k = 4, signed), verify it exhaustively, export its table, summarise its error, estimate its area, delay and power against the exact multiplier (osu018), and train a network for DRUM and NTV storage (AxTrain, reduced budget, breast cancer)')
    .option('-o, --out <dir>', 'output folder', 'out/demo')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { out: string; json?: boolean }) => {
      checkOutputDir(opts.out, '-o');
      const say = opts.json ? () => {} : (m: string) => process.stdout.write(m + '\n');
      const { unit, params } = resolveUnit('drum', { width: 8, k: 4, signed: true });
      const d = generateDesign(unit, params);
      const gen = writeDesign(d, opts.out);
      say(`[1/6] gen     ${gen.files.join(', ')}`);
      const bar = progressBar('verify', !opts.json);
      const report = await verifyDesign(d, { onProgress: bar.update, log: opts.json ? undefined : log }).finally(bar.stop);
      say(`[2/6] verify  ${formatVerifyReport(report).trimEnd()}`);
      if (!report.passed) {
        process.exitCode = 1;
        return;
      }
      const table = await tableFromRtl(d);
      const tablePath = join(opts.out, `${d.top}.npy`);
      writeTable(table, tablePath);
      readTable(tablePath, { unit: d.unit, params: d.params, rtlHash: d.rtlHash, requireVerified: true }); // round trip
      say(`[3/6] lut     ${tablePath} (${table.meta.shape.join(' x ')} ${table.meta.dtype}, read from the RTL, verified, reloaded)`);
      const m = tableErrorMetrics(table);
      const [cost, exactCost] = await Promise.all([estimateCost(d), estimateCost(exactDesign())]);
      const saving = (x: number, b: number) => `${((100 * (b - x)) / b).toFixed(1)}%`;
      const costSummary = {
        library: cost.library.name,
        clockNs: cost.timing.clockNs,
        drum: { area: cost.synth.area, delayNs: cost.timing.delayNs, powerMw: cost.power.total * 1e3 },
        exactMul: { area: exactCost.synth.area, delayNs: exactCost.timing.delayNs, powerMw: exactCost.power.total * 1e3 },
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
        `[4/6] error   DRUM N=8 k=4 signed over all ${fmtInt(m.pairs)} pairs: ER ${pct(m.er)}, MRED ${pct(m.mred)}, NMED ${pct(m.nmed)}, ` +
          `ME ${m.me.toFixed(2)}, WCRE ${pct(m.wcre)}, WCE ${fmtInt(m.wce)}  (summary: ${join(opts.out, 'summary.json')})`,
      );
      say(
        `[5/6] cost    ${d.top} on ${cost.library.name}: ${cost.synth.area.toFixed(0)} um^2, ${cost.timing.delayNs.toFixed(2)} ns, ${(cost.power.total * 1e3).toFixed(2)} mW at ${cost.timing.clockNs} ns by ${cost.power.method === 'propagate' ? 'propagation' : 'simulated switching'} ` +
          `(exact-mul: ${exactCost.synth.area.toFixed(0)} um^2, ${exactCost.timing.delayNs.toFixed(2)} ns, ${(exactCost.power.total * 1e3).toFixed(2)} mW; area saving ${saving(cost.synth.area, exactCost.synth.area)})`,
      );
      // Close the loop: train for this hardware (AxTrain, reduced budget) with tables read from the RTL.
      const axDir = join(opts.out, 'axtrain');
      const { result: ax } = await runExperiment(axtrainExperiment, { quick: true, apps: 'breast-cancer', seed: 1 }, { command: 'axhw demo (axhw experiment axtrain --quick --apps breast-cancer)' }, axDir);
      const a = ax.apps[0]!;
      const k1 = a.multipliers[0]!;
      const agg = a.ntv[0]!;
      say(
        `[6/6] axtrain ${a.app.name} (--quick, ${ax.backend.name}): on DRUM K1 (k=${k1.k}) accuracy bp ${pct(k1.bp.accuracy)}, axtrain ${pct(k1.axtrain.accuracy)}; ` +
          `NTV ${agg.voltageMv} mV: bp ${pct(agg.bp.mean)} +- ${pct(agg.bp.std)}, axtrain ${pct(agg.axtrain.mean)} +- ${pct(agg.axtrain.std)} (report: ${join(axDir, 'axtrain.md')})`,
      );
      if (opts.json) printJson({ ...summary, axtrain: { report: join(axDir, 'axtrain.json'), multipliers: a.multipliers, ntv: a.ntv.map((v) => ({ ...v, bp: { mean: v.bp.mean, std: v.bp.std }, act: { mean: v.act.mean, std: v.act.std }, axtrain: { mean: v.axtrain.mean, std: v.axtrain.std } })) } });
    });
}

function exactDesign() {
  const { unit, params } = resolveUnit('exact-mul', { width: 8, signed: true });
  return generateDesign(unit, params);
}
