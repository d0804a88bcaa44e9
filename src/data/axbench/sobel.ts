import { tabulate, type TargetFunction } from './function.js';
import { drawBlock, fashionMnistImages, type GreyImages } from './images.js';

/** Sobel gradient magnitude of a 3 x 3 patch (row-major), clamped at 1 as AxBench clamps at 255. */
export function sobelMagnitude(p: ArrayLike<number>): number {
  // Differences first: a flat patch gives exactly 0, not a rounding residue.
  const gx = p[2]! - p[0]! + 2 * (p[5]! - p[3]!) + (p[8]! - p[6]!);
  const gy = p[6]! - p[0]! + 2 * (p[7]! - p[1]!) + (p[8]! - p[2]!);
  return Math.min(1, Math.sqrt(gx * gx + gy * gy));
}

/** The sobel target over a given image set (Fashion-MNIST's by default). */
export function sobelOn(images?: () => GreyImages): TargetFunction {
  return {
    name: 'sobel',
    doc: 'Sobel edge detector: a 3 x 3 pixel patch to its gradient magnitude',
    inputs: 9,
    outputs: 1,
    inputRanges: '3 x 3 patches at uniform positions in Fashion-MNIST training images (all-zero patches redrawn), pixels in [0, 1]',
    outputScaling: 'min(1, sqrt(gx^2 + gy^2)) on [0, 1] pixels (AxBench clamps at 255 on 0..255 pixels)',
    errorBound: 0.008,
    approximatorHidden: [8, 8],
    predictorHidden: 8,
    generate: (n, seed) => {
      const imgs = (images ?? fashionMnistImages)();
      return tabulate(n, 9, 1, seed, (rng, x, y) => {
        drawBlock(imgs, 3, rng, x);
        y[0] = sobelMagnitude(x);
      });
    },
  };
}
