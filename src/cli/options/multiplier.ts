import { AxhwError } from '../../errors.js';
import { text } from '../../util/options.js';

/** --multiplier, with --mult (the name npu and tetris had) kept as a hidden alias. */
export const MULTIPLIER_ALIAS = { mult: text('--mult <unit:params>', 'alias of --multiplier').hidden() };

/**
 * The multiplier a command was given: --multiplier, the one name every command uses for it (train,
 * eval, npu, tetris), or --mult, the name npu and tetris had, kept as a hidden alias.
 */
export function multiplierOption(o: { multiplier?: string; mult?: string }): string | undefined {
  const [a, b] = [o.multiplier, o.mult];
  if (a !== undefined && b !== undefined && a !== b)
    throw new AxhwError(`--multiplier ${a} and --mult ${b} name two multipliers.`, 'Give --multiplier once (--mult is its old name).');
  return a ?? b;
}
