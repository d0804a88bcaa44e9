import { AxhwError } from '../errors.js';

/** Option values from text, each refusing what it cannot read with a message naming the value. */
export function toInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AxhwError(`'${v}' is not an integer.`);
  return n;
}

export function toNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AxhwError(`'${v}' is not a number.`);
  return n;
}

export function positive(n: number, flag: string): number {
  if (!(n > 0)) throw new AxhwError(`${flag} must be positive (got ${n}).`);
  return n;
}

export function nonNegative(n: number, flag: string): number {
  if (!(n >= 0)) throw new AxhwError(`${flag} must be 0 or more (got ${n}).`);
  return n;
}
