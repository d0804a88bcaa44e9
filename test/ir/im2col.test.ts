import { describe, expect, it } from 'vitest';
import { col2im, im2col, patchGeometry, patchOutputSize, samePadding } from '../../src/ir/im2col.js';
import { Rng } from '../../src/util/rng.js';

// The patch walks restated from their definition, one element at a time with every bound checked: the
// fast walks (contiguous runs per kernel row) must give the same values, and col2im the same float32 sums
// in the same order (output pixel, then kernel row, column, channel).
type Shape = { n: number; h: number; w: number; c: number; kh: number; kw: number; pad: 'same' | 'valid' };

/** Every patch element in definition order (sample, output pixel, kernel row, column, channel): its input index or -1. */
function naiveWalk({ n, h, w, c, kh, kw, pad }: Shape, visit: (inputIndex: number) => void): void {
  const { oh, ow } = patchOutputSize(h, w, kh, kw, pad);
  const [pt, pl] = pad === 'same' ? [samePadding(kh), samePadding(kw)] : [0, 0];
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let dy = 0; dy < kh; dy++)
          for (let dx = 0; dx < kw; dx++)
            for (let ch = 0; ch < c; ch++) {
              const [iy, ix] = [oy + dy - pt, ox + dx - pl];
              visit(iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : ((s * h + iy) * w + ix) * c + ch);
            }
}

function naiveIm2col(x: Float32Array, shape: Shape, padValue: number): Float32Array {
  const out: number[] = [];
  naiveWalk(shape, (i) => out.push(i < 0 ? padValue : x[i]!));
  return Float32Array.from(out);
}

function naiveCol2im(cols: Float32Array, shape: Shape): Float32Array {
  const x = new Float32Array(shape.n * shape.h * shape.w * shape.c);
  let o = 0;
  naiveWalk(shape, (i) => {
    if (i >= 0) x[i] = Math.fround(x[i]! + cols[o]!);
    o++;
  });
  return x;
}

const rand = (rng: Rng, len: number) => Float32Array.from({ length: len }, () => Math.fround((rng.nextU32() / 2 ** 32) * 2 - 1));

describe('im2col and col2im', () => {
  // Shapes around every edge case: 1 x 1 kernels, kernels as wide as the image, even kernels ('same' puts
  // the extra padding after), one channel (LeNet's first layer) and several, non-square images.
  const shapes: [number, number, number, number, number, number][] = [
    [2, 7, 6, 3, 3, 3],
    [3, 28, 28, 1, 5, 5],
    [2, 14, 14, 6, 5, 5],
    [1, 5, 8, 2, 1, 1],
    [2, 4, 4, 1, 4, 4],
    [1, 6, 5, 3, 2, 4],
    [2, 3, 9, 2, 3, 1],
  ];
  it('gather the same patches as the definition, padding included', () => {
    const rng = new Rng(5);
    for (const [n, h, w, c, kh, kw] of shapes)
      for (const pad of ['same', 'valid'] as const) {
        if (pad === 'valid' && (kh > h || kw > w)) continue;
        const x = rand(rng, n * h * w * c);
        const shape = { n, h, w, c, kh, kw, pad };
        for (const padValue of [0, -3])
          expect(im2col(x, patchGeometry(n, h, w, c, kh, kw, pad), padValue), `${[n, h, w, c, kh, kw]} ${pad} ${padValue}`).toEqual(
            naiveIm2col(x, shape, padValue),
          );
      }
  });

  it('col2im scatter-adds bit for bit in the definition order', () => {
    const rng = new Rng(6);
    for (const [n, h, w, c, kh, kw] of shapes)
      for (const pad of ['same', 'valid'] as const) {
        if (pad === 'valid' && (kh > h || kw > w)) continue;
        const { oh, ow } = patchOutputSize(h, w, kh, kw, pad);
        const cols = rand(rng, n * oh * ow * kh * kw * c);
        const shape = { n, h, w, c, kh, kw, pad };
        expect(col2im(cols, patchGeometry(n, h, w, c, kh, kw, pad)), `${[n, h, w, c, kh, kw]} ${pad}`).toEqual(naiveCol2im(cols, shape));
      }
  });

  it('an explicit stride and padding (an imported network): im2col and col2im as the definition, windows wholly in the padding too', () => {
    const rng = new Rng(8);
    const cases: [number, number, number, number, number, number, [number, number, number, number]][] = [
      [2, 7, 7, 3, 3, 2, [1, 1, 1, 1]],
      [1, 8, 6, 2, 3, 2, [0, 1, 1, 0]],
      [2, 5, 5, 1, 2, 3, [0, 0, 0, 0]],
      [1, 4, 4, 2, 1, 1, [2, 3, 2, 3]],
      [1, 9, 9, 1, 5, 4, [2, 2, 1, 1]],
    ];
    for (const [n, h, w, c, k, stride, pads] of cases) {
      const g = patchGeometry(n, h, w, c, k, k, 'valid', { stride, pads });
      expect([g.oh, g.ow]).toEqual([
        Math.floor((h + pads[0] + pads[2] - k) / stride) + 1,
        Math.floor((w + pads[1] + pads[3] - k) / stride) + 1,
      ]);
      // The definition: output pixel (oy, ox) reads input (oy * stride + dy - top, ox * stride + dx - left).
      const index: number[] = [];
      for (let s = 0; s < n; s++)
        for (let oy = 0; oy < g.oh; oy++)
          for (let ox = 0; ox < g.ow; ox++)
            for (let dy = 0; dy < k; dy++)
              for (let dx = 0; dx < k; dx++)
                for (let ch = 0; ch < c; ch++) {
                  const [iy, ix] = [oy * stride + dy - pads[0], ox * stride + dx - pads[1]];
                  index.push(iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : ((s * h + iy) * w + ix) * c + ch);
                }
      const x = rand(rng, n * h * w * c);
      expect(im2col(x, g, -2), `${[n, h, w, c, k, stride, pads]}`).toEqual(Float32Array.from(index, (i) => (i < 0 ? -2 : x[i]!)));
      const cols = rand(rng, index.length);
      const back = new Float32Array(x.length);
      index.forEach((i, o) => i >= 0 && (back[i] = Math.fround(back[i]! + cols[o]!)));
      expect(col2im(cols, g), `${[n, h, w, c, k, stride, pads]}`).toEqual(back);
    }
  });

  it('the comparisons can fail: a patch off by one element, and col2im summed in another order (negative controls)', () => {
    const rng = new Rng(7);
    const x = rand(rng, 2 * 6 * 6 * 2);
    const small = patchGeometry(2, 6, 6, 2, 3, 3, 'same');
    const shifted = naiveIm2col(x, small, 0);
    shifted.copyWithin(0, 1);
    expect(im2col(x, small)).not.toEqual(shifted);
    // The same sums in reverse order round differently somewhere: bit equality pins the order.
    const cols = rand(rng, 2 * 14 * 14 * 25 * 6);
    const large = patchGeometry(2, 14, 14, 6, 5, 5, 'same');
    const reversed = naiveCol2im(cols.slice().reverse(), large).reverse();
    const forward = col2im(cols, large);
    let close = true;
    for (let i = 0; i < forward.length; i++) close &&= Math.abs(forward[i]! - reversed[i]!) < 1e-5;
    expect(close).toBe(true);
    expect(forward).not.toEqual(reversed);
  });
});
