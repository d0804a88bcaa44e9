import { tabulate, uniform, type TargetFunction } from './function.js';

/** ln Gamma(z) for z >= 0.5 (Lanczos, g = 7, 9 terms: about 15 significant digits); J_nu needs z = nu + 1 >= 1. */
export function lnGamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Bessel function of the first kind J_nu(x), nu >= 0, 0 <= x <= 20, from its power series
 * sum_k (-1)^k (x/2)^(2k+nu) / (k! Gamma(k+nu+1)), summed until the terms no longer change the sum.
 */
export function besselJ(nu: number, x: number): number {
  if (x === 0) return nu === 0 ? 1 : 0;
  const h = x / 2;
  let term = Math.exp(nu * Math.log(h) - lnGamma(nu + 1));
  let sum = term;
  // Stryker disable next-line EqualityOperator: a stopping rule; terms past convergence underflow and add nothing
  for (let k = 1; k < 200; k++) {
    term *= (-h * h) / (k * (k + nu));
    sum += term;
    // Stryker disable next-line all: a stopping rule; summing more terms (they shrink as (x/2)^2k / k!^2) gives the same double
    if (k > h && Math.abs(term) < 1e-17 * Math.max(1, Math.abs(sum))) break;
  }
  return sum;
}

const NU_MAX = 4;
const X_MAX = 10;
const [J_MIN, J_MAX] = [-0.5, 1];

export const bessel: TargetFunction = {
  name: 'bessel',
  doc: 'Bessel function of the first kind J_nu(x) of two inputs, order nu and argument x',
  inputs: 2,
  outputs: 1,
  inputRanges: `nu uniform in [0, ${NU_MAX}], x uniform in [0, ${X_MAX}]; scaled to nu/${NU_MAX}, x/${X_MAX}`,
  outputScaling: `(J - (${J_MIN})) / ${J_MAX - J_MIN} (J_nu(x) lies in [-0.41, 1] on this domain)`,
  errorBound: 0.02,
  approximatorHidden: [8, 8],
  predictorHidden: 8,
  generate: (n, seed) =>
    tabulate(n, 2, 1, seed, (rng, x, y) => {
      const [nu, v] = [uniform(rng) * NU_MAX, uniform(rng) * X_MAX];
      x[0] = nu / NU_MAX;
      x[1] = v / X_MAX;
      y[0] = (besselJ(nu, v) - J_MIN) / (J_MAX - J_MIN);
    }),
};
