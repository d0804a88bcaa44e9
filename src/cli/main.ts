import { Command, CommanderError } from 'commander';
import { AxhwError } from '../errors.js';
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

/** Exit codes: 0 ok, 1 verification failed (RTL != model), 2 bad input or missing tool, 3 internal error. */
const program = new Command('axhw')
  .description('Approximate hardware toolchain: generate RTL, co-simulate it with Verilator, export bit-exact tables, estimate area/delay/power, train networks for the hardware')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const c of [genCommand(), verifyCommand(), lutCommand(), synthCommand(), characterizeCommand(), trainCommand(), evalCommand(), experimentCommand(), unitsCommand(), demoCommand()]) {
  c.exitOverride();
  c.showHelpAfterError('(run with --help for usage)');
  program.addCommand(c);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with code 0; parse errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof AxhwError) {
    process.stderr.write(`axhw: error: ${e.message}\n${e.fix ? `  fix: ${e.fix}\n` : ''}`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`axhw: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  }
}
