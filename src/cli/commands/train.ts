import { commandLine } from '../format/command-line.js';
import { Command } from 'commander';
import { addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { log, printJson } from '../format/output.js';
import { HARDWARE_OPTIONS, hardwareFromOptions } from '../options/training.js';
import { DATASETS } from '../../data/datasets.js';
import { MODEL_NAMES } from '../../ir/model-spec.js';
import { DEFAULT_ACT, type ActOptions } from '../../train/act.js';
import { METHODS } from '../../train/methods.js';
import { runTrain } from '../../train/run.js';
import { risingLossNote } from '../../train/report.js';
import { OPTIMIZERS } from '../../train/optimizer.js';
import { toCount, toNonNegativeInt, toNonNegativeNumber, toPositiveNumber } from '../../util/numbers.js';
import { checkOutputDir } from '../../util/output-path.js';
import { withExamples } from '../format/examples.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

const TRAIN_OPTIONS = {
  data: choice(
    '--data <name>',
    'data set',
    DATASETS.map((d) => d.name),
  ).mandatory(),
  dataPath: text('--data-path <file|dir>', 'your own file (CSV, ARFF, .rda) or MNIST-format folder instead of the fetched one'),
  model: text('--model <name>', `model (default: the data set's): ${MODEL_NAMES.join(', ')}`),
  method: choice(
    '--method <m>',
    'bp = exact back-propagation; axtrain-act = loss + lambda * sensitivity (double back-propagation, ' +
      'adaptive lambda); axtrain-pas (= pas) = forward pass on the hardware, straight-through backward; ' +
      'axtrain = act until converged, then pas',
    METHODS,
  ).default('bp'),
  epochs: parsed('--epochs <n>', 'training epochs (axtrain: the most epochs of act)', toCount).default(20),
  pasEpochs: parsed('--pas-epochs <n>', 'axtrain: epochs of pas after act (default: epochs / 4)', toCount),
  lambda: parsed('--lambda <x>', `axtrain-act: starting lambda (default ${DEFAULT_ACT.lambda})`, toNonNegativeNumber),
  lambdaStep: parsed(
    '--lambda-step <x>',
    `axtrain-act: step of the adaptive lambda rule, 0 keeps lambda fixed (default ${DEFAULT_ACT.lambdaStep})`,
    toNonNegativeNumber,
  ),
  errorBound: parsed(
    '--error-bound <x>',
    `axtrain-act: training loss below which lambda always grows (default ${DEFAULT_ACT.errorBound})`,
    toNonNegativeNumber,
  ),
  convergeTol: parsed(
    '--converge-tol <x>',
    `axtrain: act has converged when loss and sensitivity change by less than this fraction (default ${DEFAULT_ACT.convergeTol})`,
    toNonNegativeNumber,
  ),
  batchSize: parsed('--batch-size <n>', 'mini-batch size', toCount).default(32),
  lr: parsed('--lr <x>', 'learning rate', toPositiveNumber).default(1e-3),
  optimizer: choice('--optimizer <name>', 'adam, or sgd (plain steps of -lr * gradient)', OPTIMIZERS).default('adam'),
  seed: parsed('--seed <n>', 'seed for the split, initialisation, shuffling and bit flips', toNonNegativeInt).default(1),
  limitTrain: parsed('--limit-train <n>', 'use a seeded subset of this many training samples', toCount),
  limitTest: parsed('--limit-test <n>', 'use a seeded subset of this many test samples', toCount),
  out: text('-o, --out <dir>', 'output folder (metrics.json, model.json, weights.bin, curve.svg)'),
  backward: choice(
    '--backward <mode>',
    'fpmul hardware: exact (FramNN: approximate forward pass only) or hardware (approximate training: ' +
      'the gradient products on the fpmul too)',
    ['exact', 'hardware'],
  ),
  schedule: text(
    '--schedule <spec>',
    "fpmul hardware, method pas: the significand width over training, ending at the multiplier's " +
      'mbits: uniform, linear:<from>[/<step>], adaptive:<from>[/<step>] (t_i = T / (p_i sum 1/p_j), ' +
      'p_i the fpmul power at level i), or <m>:<iterations>,...',
  ),
  activity: text(
    '--activity <trace.npy>',
    'adaptive schedule: operand pairs (e.g. from --operand-trace) the level power is measured under (default uniform random)',
  ),
  operandTrace: text(
    '--operand-trace <file.npy>',
    'fpmul hardware: write the operand pairs the multiplier sees during training (forward products, whole dot products)',
  ),
  json: flag('--json', 'print metrics.json to stdout'),
  quiet: flag('--quiet', 'no progress output'),
  ...HARDWARE_OPTIONS,
};

export function trainCommand(): Command {
  const cmd = withExamples(new Command('train'), [
    'axhw train --data breast-cancer --method axtrain --multiplier drum:width=8,k=4,signed -o out/bc',
    'axhw train --data fashion-mnist --model mnist-mlp --epochs 5 --method pas --multiplier exact-mul:width=8,signed --ntv-voltage 660',
    'axhw train --data digits --model mlp:512-512-10 --method pas --multiplier fpmul:mbits=16 --backward hardware --schedule linear:4/4',
  ]).description(
    'train a network on a real data set, exactly or with the approximate hardware in the forward pass (tables read from the RTL)',
  );
  addOptions(cmd, TRAIN_OPTIONS);
  return cmd.action(async (parsedOptions: object) => {
    const opts = optionValues(TRAIN_OPTIONS, parsedOptions);
    const quiet = Boolean(opts.quiet || opts.json);
    const method = opts.method;
    const out = opts.out ?? `out/train/${opts.data}-${opts.model ?? 'default'}-${method}`;
    checkOutputDir(out, '-o');
    const { metrics, files } = await runTrain({
      dataset: opts.data,
      dataPath: opts.dataPath,
      model: opts.model,
      method,
      epochs: opts.epochs,
      pasEpochs: opts.pasEpochs,
      act: actOptions(opts),
      batchSize: opts.batchSize,
      learningRate: opts.lr,
      optimizer: opts.optimizer,
      seed: opts.seed,
      limitTrain: opts.limitTrain,
      limitTest: opts.limitTest,
      ...hardwareFromOptions(opts),
      backward: opts.backward,
      schedule: opts.schedule,
      activity: opts.activity,
      operandTrace: opts.operandTrace,
      backend: opts.backend,
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
function actOptions(opts: Partial<ActOptions>): Partial<ActOptions> {
  const act: Partial<ActOptions> = {};
  for (const key of ['lambda', 'lambdaStep', 'errorBound', 'convergeTol'] as const) {
    const v = opts[key];
    if (v !== undefined) act[key] = v;
  }
  return act;
}
