import { Command } from 'commander';
import { axhwVersion } from '../paths.js';
import { checkCacheDir } from '../util/cache-entry.js';
import { genCommand } from './commands/gen.js';
import { verifyCommand } from './commands/verify.js';
import { lutCommand } from './commands/lut.js';
import { unitsCommand } from './commands/units.js';
import { demoCommand } from './commands/demo.js';
import { synthCommand } from './commands/synth.js';
import { characterizeCommand } from './commands/characterize.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { experimentCommand } from './commands/experiment.js';
import { npuCommand } from './commands/npu.js';
import { tetrisCommand } from './commands/tetris.js';
import { reportCommand } from './commands/report.js';

/**
 * The axhw command tree, without parsing anything: main.ts runs it; tests walk it (every option and
 * command that a fix hint names must exist here).
 * Exit codes: 0 ok, 1 verification failed (RTL != model), 2 bad input or missing tool, 3 internal error.
 */
export function buildProgram(): Command {
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
  for (const c of [
    genCommand(),
    verifyCommand(),
    lutCommand(),
    synthCommand(),
    characterizeCommand(),
    trainCommand(),
    evalCommand(),
    npuCommand(),
    tetrisCommand(),
    experimentCommand(),
    reportCommand(),
    unitsCommand(),
    demoCommand(),
  ]) {
    configure(c);
    program.addCommand(c);
  }
  return program;
}
