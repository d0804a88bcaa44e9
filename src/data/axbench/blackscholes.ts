import { tabulate, uniform, type TargetFunction } from './function.js';

/**
 * erf(x) from the series 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)), whose terms are
 * all positive (no cancellation); beyond |x| = 6, erf is +-1 to double precision.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  // Stryker disable next-line EqualityOperator: at |x| = 6 the series gives 1 to double precision too
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  // Stryker disable next-line all: a stopping rule; the terms fall like (2x^2)^n / (2n+1)!!, so more of them add nothing
  for (let n = 1; n < 500 && term > 1e-17 * sum; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

/** Standard normal cumulative distribution. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Black-Scholes price of a European call (put = false) or put. */
export function blackScholes(spot: number, strike: number, rate: number, volatility: number, years: number, put: boolean): number {
  const sq = volatility * Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + (volatility * volatility) / 2) * years) / sq;
  const d2 = d1 - sq;
  const discounted = strike * Math.exp(-rate * years);
  return put ? discounted * normalCdf(-d2) - spot * normalCdf(-d1) : spot * normalCdf(d1) - discounted * normalCdf(d2);
}

/** Input domain: [low, high] per input, as AxBench's option records span them. */
const RANGES = { spot: [10, 100], strike: [10, 100], rate: [0.01, 0.1], volatility: [0.05, 0.65], years: [0.05, 1] } as const;
const PRICE_SCALE = 100;

export const blackscholes: TargetFunction = {
  name: 'blackscholes',
  doc: 'Black-Scholes price of a European call or put option',
  inputs: 6,
  outputs: 1,
  inputRanges:
    'spot and strike uniform in [10, 100], rate in [0.01, 0.1], volatility in [0.05, 0.65], years ' +
    'in [0.05, 1], call or put with equal odds; each scaled to [0, 1] over its range (type 0 call, ' +
    '1 put)',
  outputScaling: `price / ${PRICE_SCALE} (a price is below the spot or the strike, so below 100)`,
  errorBound: 0.004,
  approximatorHidden: [8, 8],
  predictorHidden: 8,
  generate: (n, seed) =>
    tabulate(n, 6, 1, seed, (rng, x, y) => {
      const v = Object.values(RANGES).map(([lo, hi], i) => {
        const u = uniform(rng);
        x[i] = u;
        return lo + u * (hi - lo);
      });
      // Stryker disable next-line EqualityOperator: which half of the draws are puts is arbitrary
      const put = rng.nextBits(1) === 1;
      x[5] = put ? 1 : 0;
      y[0] = blackScholes(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, put) / PRICE_SCALE;
    }),
};
