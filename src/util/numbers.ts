import { InvalidArgumentError } from 'commander';
import { cpus } from 'node:os';

/**
 * Numeric option values from text: one place that decides what a number is. Each parser throws
 * commander's InvalidArgumentError, so the message names the option and the value
 * ("option '--vectors <n>' argument '-3' is invalid. ...") and the CLI exits with 2.
 *
 * Integers are plain decimal digits: '0x10', '1e3', '8.0', '' and ' 8' are refused, since a count or a
 * seed written any other way is more likely a slip than a wish. Reals take decimal or exponent form
 * ('1e-3'), never hex, Infinity or NaN.
 */
const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function integer(v: string): number {
  if (!INTEGER.test(v)) throw new InvalidArgumentError(`It must be a whole number in decimal digits (e.g. 8).`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`It is too large (at most ${Number.MAX_SAFE_INTEGER}).`);
  return n;
}

function real(v: string): number {
  if (!REAL.test(v)) throw new InvalidArgumentError(`It must be a decimal number (e.g. 0.01 or 1e-3).`);
  return Number(v);
}

/** Any whole number (seeds). */
export const toInt = (v: string): number => integer(v);

/** A parser that also requires `ok` of its number, refusing with `must` otherwise. */
const within =
  (parse: (v: string) => number, ok: (n: number) => boolean, must: string) =>
  (v: string): number => {
    const n = parse(v);
    if (!ok(n)) throw new InvalidArgumentError(`It must be ${must}.`);
    return n;
  };

/** A count of things: 1 or more (vectors, jobs, epochs, draws, samples). */
export const toCount = within(integer, (n) => n >= 1, '1 or more');

/** A whole number of 0 or more. */
export const toNonNegativeInt = within(integer, (n) => n >= 0, '0 or more');

/** Any finite real. */
export const toNumber = (v: string): number => real(v);

/** A real above 0 (learning rate, clock period). */
export const toPositiveNumber = within(real, (n) => n > 0, 'above 0');

/** A real of 0 or more (lambda, tolerances). */
export const toNonNegativeNumber = within(real, (n) => n >= 0, '0 or more');

/** A probability, 0 to 1. */
export const toProbability = within(real, (n) => n >= 0 && n <= 1, 'a probability between 0 and 1');

/** Parallel processes: 1 or more; more than the machine's cores is allowed but said once, on stderr. */
export function toJobs(v: string): number {
  const n = toCount(v);
  const cores = cpus().length;
  if (n > cores)
    process.stderr.write(
      `axhw: warning: --jobs ${n} is more than this machine's ${cores} cores; processes will share them (slower, not faster).\n`,
    );
  return n;
}

/** A mask: one digit 0 or 1 per element, element 0 first (which PEs carry a multiplier). */
export function toBits(v: string): string {
  if (!/^[01]+$/.test(v)) throw new InvalidArgumentError('It must be a string of 0s and 1s, one digit per PE, PE 0 first (e.g. 0101).');
  return v;
}
