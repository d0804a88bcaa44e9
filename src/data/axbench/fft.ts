import { tabulate, uniform, type TargetFunction } from './function.js';

/** The radix-2 twiddle factor W = exp(-2 pi i f) for f = k / N: the kernel AxBench's fft approximates. */
export function twiddle(f: number): [number, number] {
  const angle = -2 * Math.PI * f;
  return [Math.cos(angle), Math.sin(angle)];
}

/**
 * An in-place iterative radix-2 decimation-in-time FFT over (re, im) of a power-of-two length, every
 * butterfly's factor from `factor` (the exact twiddle by default; a network's output in use). It exists
 * to show the kernel is the FFT's: with exact twiddles it equals the DFT (tested).
 */
export function fftRadix2(re: Float64Array, im: Float64Array, factor: (f: number) => [number, number] = twiddle): void {
  const n = re.length;
  if (n & (n - 1)) throw new Error(`fft length ${n} is not a power of two`);
  // Stryker disable next-line EqualityOperator: one index past the end reads and writes nowhere (typed arrays)
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    // Stryker disable next-line EqualityOperator: i = j swaps an element with itself; i > j visits the same pairs once each
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    for (let k = 0; k < len / 2; k++) {
      const [wr, wi] = factor(k / len);
      // Stryker disable next-line EqualityOperator: a butterfly starting at n touches nothing (typed arrays)
      for (let s = 0; s < n; s += len) {
        const [a, b] = [s + k, s + k + len / 2];
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

export const fft: TargetFunction = {
  name: 'fft',
  doc: 'radix-2 FFT twiddle factor: f = k/N in [0, 1) to (cos, sin) of -2 pi f',
  inputs: 1,
  outputs: 2,
  inputRanges: 'f uniform in [0, 1)',
  outputScaling: '(v + 1) / 2 for cos and sin',
  errorBound: 0.01,
  approximatorHidden: [4, 4],
  predictorHidden: 4,
  generate: (n, seed) =>
    tabulate(n, 1, 2, seed, (rng, x, y) => {
      const f = uniform(rng);
      const [c, s] = twiddle(f);
      x[0] = f;
      y[0] = (c + 1) / 2;
      y[1] = (s + 1) / 2;
    }),
};
