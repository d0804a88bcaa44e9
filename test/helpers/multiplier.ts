import type { ApproxMultiplier } from '../../src/multipliers/fixed-multiplier.js';

/**
 * A signed two's-complement multiplier built in the test from a product function (no RTL): the
 * quantised-network and reference tests need exact, known products, not a simulator.
 */
/** With `transform`, P(a, b) must equal ta(a) tb(b) (the caller's claim; the transform path relies on it). */
export function handMultiplier(
  width: number,
  product: (a: number, b: number) => number,
  label = 'hand',
  transform?: { a: (q: number) => number; b: (q: number) => number },
): ApproxMultiplier {
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
    ...(transform
      ? {
          transform: {
            a: Float32Array.from({ length: range }, (_, i) => transform.a(i + qmin)),
            b: Float32Array.from({ length: range }, (_, i) => transform.b(i + qmin)),
          },
        }
      : { noTransform: 'built by hand' }),
    provenance: {
      source: 'table-file',
      unit: label,
      params: {},
      top: label,
      rtlHash: label,
      verilator: 'none',
      verifiedAgainstModel: false,
    },
  };
}
