import { Command } from 'commander';
import { axhwVersion } from '../paths.js';
import { checkCacheDir } from '../util/cache-entry.js';

/**
 * The commands in the order `axhw --help` lists them, each loaded on demand: a run imports only the
 * command it runs (its options, its runner behind it), so `axhw units` does not load the experiments,
 * the data sets or TensorFlow.js.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  gen: async () => (await import('./commands/gen.js')).genCommand(),
  verify: async () => (await import('./commands/verify.js')).verifyCommand(),
  lut: async () => (await import('./commands/lut.js')).lutCommand(),
  synth: async () => (await import('./commands/synth.js')).synthCommand(),
  characterize: async () => (await import('./commands/characterize.js')).characterizeCommand(),
  train: async () => (await import('./commands/train.js')).trainCommand(),
  eval: async () => (await import('./commands/eval.js')).evalCommand(),
  npu: async () => (await import('./commands/npu.js')).npuCommand(),
  tetris: async () => (await import('./commands/tetris.js')).tetrisCommand(),
  import: async () => (await import('./commands/import.js')).importCommand(),
  export: async () => (await import('./commands/export.js')).exportCommand(),
  experiment: async () => (await import('./commands/experiment.js')).experimentCommand(),
  report: async () => (await import('./commands/report.js')).reportCommand(),
  merge: async () => (await import('./commands/merge.js')).mergeCommand(),
  plan: async () => (await import('./commands/plan.js')).planCommand(),
  units: async () => (await import('./commands/units.js')).unitsCommand(),
  demo: async () => (await import('./commands/demo.js')).demoCommand(),
};

/** The command a command line runs, when its first word names one (help, options and typos load them all). */
export function commandOf(argv: readonly string[]): string | undefined {
  const first = argv[2];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/**
 * The axhw command tree, without parsing anything: main.ts runs it with `only` the command it runs; tests
 * walk the whole tree (every option and command that a fix hint names must exist here).
 * Exit codes: 0 ok, 1 verification failed (RTL != model), 2 bad input or missing tool, 3 internal error.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('axhw')
    .description(
      'Approximate hardware toolchain: generate RTL, co-simulate it with Verilator, export bit-exact ' +
        'tables, estimate area/delay/power, train networks for the hardware',
    )
    .version(axhwVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // Every command that builds or synthesises needs the build cache: check it before any work starts.
  program.hook('preAction', (_program, action) => {
    if (!['gen', 'units'].includes(action.name())) checkCacheDir();
  });

  // Subcommands too (npu run, experiment axtrain): a bad option value is bad input, exit 2.
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.showHelpAfterError('(run with --help for usage)');
    cmd.commands.forEach(configure);
  };
  const names = only !== undefined ? [only] : Object.keys(COMMANDS);
  for (const c of await Promise.all(names.map((n) => COMMANDS[n]!()))) {
    configure(c);
    program.addCommand(c);
  }
  return program;
}
