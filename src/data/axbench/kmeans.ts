import { tabulate, uniform, type TargetFunction } from './function.js';

/** Euclidean distance between a pixel and a centroid in RGB (the assignment step's kernel). */
export function rgbDistance(p: ArrayLike<number>, c: ArrayLike<number>): number {
  return Math.hypot(p[0]! - c[0]!, p[1]! - c[1]!, p[2]! - c[2]!);
}

export const kmeans: TargetFunction = {
  name: 'kmeans',
  doc: "k-means assignment kernel: Euclidean distance between an RGB pixel and a centroid (AxBench's 6-input kernel)",
  inputs: 6,
  outputs: 1,
  inputRanges: 'pixel and centroid RGB, each channel uniform in [0, 1] (no colour image ships offline)',
  outputScaling: 'distance / sqrt(3)',
  errorBound: 0.01,
  approximatorHidden: [8, 4],
  predictorHidden: 8,
  generate: (n, seed) =>
    tabulate(n, 6, 1, seed, (rng, x, y) => {
      // Stryker disable next-line EqualityOperator: a seventh draw lands outside the row's view (other, equally valid samples)
      for (let i = 0; i < 6; i++) x[i] = uniform(rng);
      y[0] = rgbDistance(x.subarray(0, 3), x.subarray(3, 6)) / Math.sqrt(3);
    }),
};
