import { Command } from 'commander';
import { toInt } from '../options/design.js';
import { log, printJson } from '../format/output.js';
import { backendOption, nonNegative, positive, toNumber } from '../options/training.js';
import { DEFAULT_ACT } from '../../train/act.js';
import { runAxtrainExperiment } from '../../experiments/axtrain/run.js';
import { writeAxtrainReport } from '../../experiments/axtrain/report.js';
import { AXTRAIN_APPS } from '../../experiments/axtrain/plan.js';

/** `axhw experiment <name>`: reproductions of the papers' evaluations, written as report folders. */
export function experimentCommand(): Command {
  const cmd = new Command('experiment').description("reproduce a paper's evaluation (report folder with JSON, Markdown tables and SVG figures)");
  cmd
    .command('axtrain')
    .description('AxTrain (ISLPED 2018) on its six applications: output error under DRUM K1..K4, accuracy under NTV storage, lowest-power configuration within 2% of exact hardware, sensitivity maps')
    .option('--quick', 'reduced budget (few epochs, small subsets, 5 draws): minutes, for tests and the demo')
    .option('--apps <list>', `comma list of applications (default all): ${AXTRAIN_APPS.map((a) => a.name).join(', ')}`)
    .option('--draws <n>', 'NTV bit-flip draws per setting (default 50, --quick 5)', toInt)
    .option('--epochs <n>', "epochs of bp and axtrain-act (default: the application's budget)", toInt)
    .option('--pas-epochs <n>', "epochs of axtrain-pas fine-tuning (default: the application's budget)", toInt)
    .option('--lambda <x>', `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, toNumber)
    .option('--lambda-step <x>', `axtrain-act: step of the adaptive rule (default ${DEFAULT_ACT.lambdaStep})`, toNumber)
    .option('--seed <n>', 'seed for splits, initialisation, shuffling and bit flips', toInt, 1)
    .addOption(backendOption())
    .option('-o, --out <dir>', 'report folder', 'out/experiment/axtrain')
    .option('--json', 'print the report JSON to stdout')
    .option('--quiet', 'no progress output')
    .action(async (opts: Record<string, unknown>) => {
      const quiet = Boolean(opts.quiet || opts.json);
      const report = await runAxtrainExperiment({
        quick: Boolean(opts.quick),
        apps: typeof opts.apps === 'string' ? opts.apps.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
        draws: opts.draws === undefined ? undefined : positive(opts.draws as number, '--draws'),
        epochs: opts.epochs === undefined ? undefined : positive(opts.epochs as number, '--epochs'),
        pasEpochs: opts.pasEpochs === undefined ? undefined : positive(opts.pasEpochs as number, '--pas-epochs'),
        act: { ...(opts.lambda !== undefined && { lambda: nonNegative(opts.lambda as number, '--lambda') }), ...(opts.lambdaStep !== undefined && { lambdaStep: nonNegative(opts.lambdaStep as number, '--lambda-step') }) },
        seed: opts.seed as number,
        backend: opts.backend as 'tensorflow' | 'wasm' | 'cpu' | undefined,
        command: `axhw ${process.argv.slice(2).join(' ')}`,
        log: quiet ? undefined : log,
      });
      const files = await writeAxtrainReport(report, opts.out as string);
      if (opts.json) return printJson(report);
      const s = report.summary;
      const lines = [
        `AxTrain on ${report.apps.map((a) => a.app.name).join(', ')}${report.quick ? ' (--quick)' : ''}, backend ${report.backend.name}`,
        `  output-error reduction vs bp, act:     ${s.outputErrorReduction.act.map((r) => `${r.setting} ${r.meanPct.toFixed(1)}%`).join('  ')}`,
        `  output-error reduction vs bp, axtrain: ${s.outputErrorReduction.axtrain.map((r) => `${r.setting} ${r.meanPct.toFixed(1)}%`).join('  ')}`,
        ...s.ntv.map((g) => `  NTV ${g.role}: axtrain ${g.meanPointsAxtrain >= 0 ? '+' : ''}${g.meanPointsAxtrain.toFixed(1)} points over bp`),
        `  multiplier power saved at <= 2 points: bp ${s.computePowerSaving.bpMeanPct.toFixed(1)}%, axtrain ${s.computePowerSaving.axtrainMeanPct.toFixed(1)}%`,
        ...files.map((f) => `  wrote ${f}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
  return cmd;
}
