import { commandLine } from '../format/command-line.js';
import { Command, Option } from 'commander';
import { log, printJson } from '../format/output.js';
import { addHardwareOptions, hardwareFromOptions } from '../options/training.js';
import { DATASETS } from '../../data/datasets.js';
import { MODEL_NAMES } from '../../nn/models.js';
import { DEFAULT_ACT, type ActOptions } from '../../train/act.js';
import { METHODS, type Method } from '../../train/methods.js';
import { runTrain } from '../../train/run.js';
import { risingLossNote } from '../../train/report.js';
import { OPTIMIZERS, type OptimizerName } from '../../train/optimizer.js';
import { toCount, toNonNegativeInt, toNonNegativeNumber, toPositiveNumber } from '../../util/numbers.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function trainCommand(): Command {
  const cmd = withExamples(new Command('train'), [
    'axhw train --data breast-cancer --method axtrain --multiplier drum:width=8,k=4,signed -o out/bc',
    'axhw train --data fashion-mnist --model mnist-mlp --epochs 5 --method pas --multiplier exact-mul:width=8,signed --ntv-voltage 660',
    'axhw train --data digits --model mlp:512-512-10 --method pas --multiplier fpmul:mbits=16 --backward hardware --schedule linear:4/4',
  ])
    .description(
      'train a network on a real data set, exactly or with the approximate hardware in the forward pass (tables read from the RTL)',
    )
    .addOption(new Option('--data <name>', 'data set').choices(DATASETS.map((d) => d.name)).makeOptionMandatory())
    .option('--data-path <file|dir>', 'your own file (CSV, ARFF, .rda) or MNIST-format folder instead of the fetched one')
    .option('--model <name>', `model (default: the data set's): ${MODEL_NAMES.join(', ')}`)
    .addOption(
      new Option(
        '--method <m>',
        'bp = exact back-propagation; axtrain-act = loss + lambda * sensitivity (double back-propagation, ' +
          'adaptive lambda); axtrain-pas (= pas) = forward pass on the hardware, straight-through backward; ' +
          'axtrain = act until converged, then pas',
      )
        .choices([...METHODS])
        .default('bp'),
    )
    .option('--epochs <n>', 'training epochs (axtrain: the most epochs of act)', toCount, 20)
    .option('--pas-epochs <n>', 'axtrain: epochs of pas after act (default: epochs / 4)', toCount)
    .option('--lambda <x>', `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, toNonNegativeNumber)
    .option(
      '--lambda-step <x>',
      `axtrain-act: step of the adaptive lambda rule, 0 keeps lambda fixed (default ${DEFAULT_ACT.lambdaStep})`,
      toNonNegativeNumber,
    )
    .option(
      '--error-bound <x>',
      `axtrain-act: training loss below which lambda always grows (default ${DEFAULT_ACT.errorBound})`,
      toNonNegativeNumber,
    )
    .option(
      '--converge-tol <x>',
      `axtrain: act has converged when loss and sensitivity change by less than this fraction (default ${DEFAULT_ACT.convergeTol})`,
      toNonNegativeNumber,
    )
    .option('--batch-size <n>', 'mini-batch size', toCount, 32)
    .option('--lr <x>', 'learning rate', toPositiveNumber, 1e-3)
    .addOption(new Option('--optimizer <name>', 'adam, or sgd (plain steps of -lr * gradient)').choices([...OPTIMIZERS]).default('adam'))
    .option('--seed <n>', 'seed for the split, initialisation, shuffling and bit flips', toNonNegativeInt, 1)
    .option('--limit-train <n>', 'use a seeded subset of this many training samples', toCount)
    .option('--limit-test <n>', 'use a seeded subset of this many test samples', toCount)
    .option('-o, --out <dir>', 'output folder (metrics.json, model.json, weights.bin, curve.svg)')
    .addOption(
      new Option(
        '--backward <mode>',
        'fpmul hardware: exact (FramNN: approximate forward pass only) or hardware (approximate training: ' +
          'the gradient products on the fpmul too)',
      ).choices(['exact', 'hardware']),
    )
    .option(
      '--schedule <spec>',
      "fpmul hardware, method pas: the significand width over training, ending at the multiplier's " +
        'mbits: uniform, linear:<from>[/<step>], adaptive:<from>[/<step>] (t_i = T / (p_i sum 1/p_j), ' +
        'p_i the fpmul power at level i), or <m>:<iterations>,...',
    )
    .option(
      '--activity <trace.npy>',
      'adaptive schedule: operand pairs (e.g. from --operand-trace) the level power is measured under (default uniform random)',
    )
    .option(
      '--operand-trace <file.npy>',
      'fpmul hardware: write the operand pairs the multiplier sees during training (forward products, whole dot products)',
    )
    .option('--json', 'print metrics.json to stdout')
    .option('--quiet', 'no progress output');
  addHardwareOptions(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const quiet = Boolean(opts.quiet || opts.json);
    const method = opts.method as Method;
    const out = (opts.out as string | undefined) ?? `out/train/${opts.data}-${opts.model ?? 'default'}-${method}`;
    checkOutputDir(out, '-o');
    const { metrics, files } = await runTrain({
      dataset: opts.data as string,
      dataPath: opts.dataPath as string | undefined,
      model: opts.model as string | undefined,
      method,
      epochs: opts.epochs as number,
      pasEpochs: opts.pasEpochs as number | undefined,
      act: actOptions(opts),
      batchSize: opts.batchSize as number,
      learningRate: opts.lr as number,
      optimizer: opts.optimizer as OptimizerName,
      seed: opts.seed as number,
      limitTrain: opts.limitTrain as number | undefined,
      limitTest: opts.limitTest as number | undefined,
      ...hardwareFromOptions(opts),
      backward: opts.backward as 'exact' | 'hardware' | undefined,
      schedule: opts.schedule as string | undefined,
      activity: opts.activity as string | undefined,
      operandTrace: opts.operandTrace as string | undefined,
      backend: opts.backend as 'tensorflow' | 'wasm' | 'cpu' | undefined,
      out,
      command: commandLine(),
      log: quiet ? undefined : log,
      onEpoch: quiet
        ? undefined
        : (e, total) =>
            log(
              `epoch ${e.epoch}/${total}${e.phase !== 'bp' ? ` [${e.phase}]` : ''} ` +
                ` loss ${e.loss.toFixed(4)}` +
                (e.sensitivity !== undefined ? `  S ${e.sensitivity.toPrecision(4)} (lambda ${e.lambda!.toPrecision(3)})` : '') +
                `  train ${pct(e.trainAccuracy)}  test ${pct(e.testAccuracy)}` +
                (e.testAccuracyHw !== undefined ? `  test on hardware ${pct(e.testAccuracyHw)}` : '') +
                ' ' +
                ` ${Math.round(e.samplesPerSecond)} samples/s`,
            ),
    });
    if (opts.json) return printJson(metrics);
    const lines = [
      `${metrics.model} on ${metrics.dataset.name} (${metrics.method}, backend ${metrics.backend.name}): ` +
        `exact test accuracy ${pct(metrics.testAccuracyExact)}`,
    ];
    const h = metrics.hardware;
    if (h) {
      lines.push(
        `  on ${String(h.hardware.multiplier)} (${String(h.hardware.path)} path): ${pct(h.accuracy)}; ` +
          `reference inference ${pct(h.reference.referenceAccuracy)}, same class on ${pct(h.reference.agreement)} ` +
          `of ${h.reference.samples} test samples`,
      );
      if (h.ntv) lines.push(`  with NTV flips at ${h.ntv.rate}: ${pct(h.ntv.mean)} +- ${pct(h.ntv.std)} over ${h.ntv.draws} draws`);
    }
    const f = metrics.fpmulTraining;
    if (f)
      lines.push(
        `  trained on the fpmul (${f.backward === 'hardware' ? 'forward and backward' : 'forward only'}): ` +
          f.steps.map((s) => `${s.iterations} iterations at m = ${s.m}`).join(', '),
      );
    const note = risingLossNote({ history: metrics.history, ntv: h?.ntv !== undefined });
    if (note) lines.push(`  ${note}`);
    lines.push(...[...files, ...(f?.operandTrace ? [f.operandTrace] : [])].map((x) => `  wrote ${x}`));
    process.stdout.write(lines.join('\n') + '\n');
  });
}

/** The act settings given on the command line (the rest keep their defaults). */
function actOptions(opts: Record<string, unknown>): Partial<ActOptions> {
  const act: Partial<ActOptions> = {};
  for (const key of ['lambda', 'lambdaStep', 'errorBound', 'convergeTol'] as const) {
    const v = opts[key] as number | undefined;
    if (v !== undefined) act[key] = v;
  }
  return act;
}
