import { tabulate, type TargetFunction } from './function.js';
import { drawBlock, fashionMnistImages, type GreyImages } from './images.js';

/** The orthonormal 8-point DCT-II matrix C (C[u][x] = alpha(u) cos((2x + 1) u pi / 16)), row-major. */
export const DCT8 = Float64Array.from({ length: 64 }, (_, i) => {
  const [u, x] = [Math.floor(i / 8), i % 8];
  return (u === 0 ? Math.sqrt(1 / 8) : Math.sqrt(2 / 8)) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

/** The JPEG standard's luminance quantisation table (quality 50, Annex K), row-major. */
export const LUMINANCE_Q50 = Int32Array.from([
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]);

/** C B C^T for an 8 x 8 block B (forward 2-D DCT), or C^T B C (inverse) with `inverse`. */
export function dct8x8(block: ArrayLike<number>, inverse = false): Float64Array {
  const at = (m: Float64Array, r: number, c: number, t: boolean) => (t ? m[c * 8 + r]! : m[r * 8 + c]!);
  const tmp = new Float64Array(64);
  const out = new Float64Array(64);
  // Stryker disable next-line EqualityOperator: a row or column past 8 writes nowhere (typed arrays of 64)
  for (let u = 0; u < 8; u++)
    // Stryker disable next-line EqualityOperator: as above
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += at(DCT8, u, k, inverse) * block[k * 8 + x]!;
      tmp[u * 8 + x] = s;
    }
  // Stryker disable next-line EqualityOperator: a row or column past 8 writes nowhere (typed arrays of 64)
  for (let u = 0; u < 8; u++)
    // Stryker disable next-line EqualityOperator: as above
    for (let v = 0; v < 8; v++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += tmp[u * 8 + k]! * at(DCT8, v, k, inverse);
      out[u * 8 + v] = s;
    }
  return out;
}

/** JPEG's encoder kernel: pixels (0..255) level-shifted by 128, 2-D DCT, divided by Q and rounded. */
export function jpegQuantisedDct(pixels255: ArrayLike<number>): Int32Array {
  const f = dct8x8(Float64Array.from(pixels255 as ArrayLike<number>, (p) => p - 128));
  return Int32Array.from(f, (v, i) => Math.round(v / LUMINANCE_Q50[i]!));
}

/** The jpeg target over a given image set (Fashion-MNIST's by default). */
export function jpegOn(images?: () => GreyImages): TargetFunction {
  return {
    name: 'jpeg',
    doc: 'JPEG encoder kernel: an 8 x 8 pixel block to its 64 quantised DCT coefficients (luminance table, quality 50)',
    inputs: 64,
    outputs: 64,
    inputRanges:
      '8 x 8 blocks at uniform positions in Fashion-MNIST training images (blocks of empty background redrawn), pixels in [0, 1]',
    outputScaling: 'q / 256 + 0.5 for each quantised coefficient q (|q| <= 64 for the DC term)',
    errorBound: 0.005,
    approximatorHidden: [16, 16],
    predictorHidden: 16,
    generate: (n, seed) => {
      const imgs = (images ?? fashionMnistImages)();
      return tabulate(n, 64, 64, seed, (rng, x, y) => {
        drawBlock(imgs, 8, rng, x);
        const q = jpegQuantisedDct(Float64Array.from(x, (p) => Math.round(p * 255)));
        // Stryker disable next-line EqualityOperator: one past the row's view writes nowhere
        for (let i = 0; i < 64; i++) y[i] = q[i]! / 256 + 0.5;
      });
    },
  };
}
