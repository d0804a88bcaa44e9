import { AxhwError } from '../../errors.js';
import type { TargetFunction } from './function.js';
import { fft } from './fft.js';
import { bessel } from './bessel.js';
import { blackscholes } from './blackscholes.js';
import { jpegOn } from './jpeg.js';
import { inversek2j } from './inversek2j.js';
import { kmeans } from './kmeans.js';
import { sobelOn } from './sobel.js';

/** The AxBench target functions AXNet is evaluated on, in the paper's order. */
export const TARGET_FUNCTIONS: readonly TargetFunction[] = [fft, bessel, blackscholes, jpegOn(), inversek2j, kmeans, sobelOn()];

export function getTargetFunction(name: string): TargetFunction {
  const f = TARGET_FUNCTIONS.find((t) => t.name === name);
  if (!f) throw new AxhwError(`Unknown target function '${name}'.`, `Functions: ${TARGET_FUNCTIONS.map((t) => t.name).join(', ')}.`);
  return f;
}

export type { TargetFunction } from './function.js';
