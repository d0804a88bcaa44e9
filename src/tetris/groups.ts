import { AxhwError } from '../errors.js';

/** Kneading group sizes: powers of two (the SAC PE's banks are addressed by an index's low bits). */
export const DEFAULT_GROUPS = [2, 4, 8, 16] as const;

export function isGroupSize(g: number): boolean {
  return Number.isInteger(g) && g >= 2 && g <= 64 && (g & (g - 1)) === 0;
}

/** `--groups 2,4,8,16` -> [2, 4, 8, 16], each a power of two from 2 to 64. */
export function parseGroups(v: string): number[] {
  const gs = v.split(',').map((s) => Number(s.trim()));
  if (!gs.length || !gs.every(isGroupSize))
    throw new AxhwError(`--groups ${v}: each kneading group size must be a power of two from 2 to 64.`, 'Use e.g. --groups 2,4,8,16.');
  return gs;
}

/** `g` if it is a kneading group size, else bad input naming it as given (`shown`). */
export function checkGroupSize(g: number, shown: string = String(g)): number {
  if (!isGroupSize(g))
    throw new AxhwError(`Kneading group ${shown} is not a power of two from 2 to 64.`, 'Use e.g. --groups 2,4,8,16 --cost-group 8.');
  return g;
}

/** `--cost-group 8` -> 8: one kneading group size, a power of two from 2 to 64. */
export const parseGroup = (v: string): number => checkGroupSize(Number(v.trim()), v);
