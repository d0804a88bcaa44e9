import { AxhwError } from '../../errors.js';

/**
 * The multiplier a command was given: --multiplier, the one name every command uses for it (train,
 * eval, npu, tetris), or --mult, the name npu and tetris had, kept as a hidden alias.
 */
export function multiplierOption(opts: Record<string, unknown>): string | undefined {
  const [a, b] = [opts.multiplier as string | undefined, opts.mult as string | undefined];
  if (a !== undefined && b !== undefined && a !== b)
    throw new AxhwError(`--multiplier ${a} and --mult ${b} name two multipliers.`, 'Give --multiplier once (--mult is its old name).');
  return a ?? b;
}
