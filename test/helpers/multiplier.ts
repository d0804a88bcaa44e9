import type { ApproxMultiplier } from '../../src/arith/fixed-multiplier.js';

/**
 * A signed two's-complement multiplier built in the test from a product function (no RTL): the
 * quantised-network and reference tests need exact, known products, not a simulator.
 */
export function handMultiplier(width: number, product: (a: number, b: number) => number, label = 'hand'): ApproxMultiplier {
  const qmin = -(2 ** (width - 1));
  const qmax = 2 ** (width - 1) - 1;
  const range = qmax - qmin + 1;
  const products = new Float64Array(range * range);
  for (let a = qmin; a <= qmax; a++) for (let b = qmin; b <= qmax; b++) products[(a - qmin) * range + (b - qmin)] = product(a, b);
  return {
    label,
    width,
    signed: true,
    qmin,
    qmax,
    products,
    noTransform: 'built by hand',
    provenance: { source: 'table-file', unit: label, params: {}, top: label, rtlHash: label, verilator: 'none', verifiedAgainstModel: false },
  };
}
