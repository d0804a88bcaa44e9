// Convolution patches as data (NHWC, stride 1, 'same' or 'valid'): im2col gathers every output position's
// kh x kw x c window into a row, col2im scatters rows back (its adjoint). Used by the differentiable patch
// op (ops/patches.ts) and by the reference inferences.

/** Output size of a stride-1 convolution ('same' keeps it, 'valid' shrinks it by the kernel). */
export function patchOutputSize(h: number, w: number, kh: number, kw: number, pad: 'same' | 'valid'): { oh: number; ow: number } {
  return pad === 'same' ? { oh: h, ow: w } : { oh: h - kh + 1, ow: w - kw + 1 };
}

/** Padding before the first row/column of a 'same' convolution (TensorFlow's: the extra one goes after). */
export const samePadding = (kernel: number) => Math.floor((kernel - 1) / 2);

/** Geometry of one stride-1 patch walk: the valid kernel columns of each output column, precomputed. */
interface Walk {
  oh: number;
  ow: number;
  pt: number;
  pl: number;
  /** For output column xx, kernel columns dx in [dxLo[xx], dxHi[xx]) read inside the image. */
  dxLo: Int32Array;
  dxHi: Int32Array;
}

function walk(h: number, w: number, kh: number, kw: number, pad: 'same' | 'valid'): Walk {
  const { oh, ow } = patchOutputSize(h, w, kh, kw, pad);
  const pt = pad === 'same' ? samePadding(kh) : 0;
  const pl = pad === 'same' ? samePadding(kw) : 0;
  const dxLo = new Int32Array(ow);
  const dxHi = new Int32Array(ow);
  for (let xx = 0; xx < ow; xx++) {
    dxLo[xx] = Math.max(0, pl - xx);
    dxHi[xx] = Math.min(kw, w + pl - xx);
  }
  return { oh, ow, pt, pl, dxLo, dxHi };
}

/**
 * im2col for NHWC input and HWIO filters: rows = output pixels (n, oh, ow), columns = (kh, kw, c), so a
 * convolution is tableMatMul(cols, filter reshaped to (kh*kw*c, out)). Padding positions take the value
 * `padValue` (the code of zero). Each kernel row inside the image is one contiguous run of the input.
 */
export function im2col(x: Float32Array, n: number, h: number, w: number, c: number, kh: number, kw: number, pad: 'same' | 'valid', padValue = 0): { cols: Float32Array; oh: number; ow: number } {
  const g = walk(h, w, kh, kw, pad);
  const { oh, ow, pt, pl, dxLo, dxHi } = g;
  const rowLen = kw * c;
  const cols = new Float32Array(n * oh * ow * kh * rowLen);
  if (padValue !== 0) cols.fill(padValue);
  let o = 0;
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const lo = dxLo[xx]! * c;
        const hi = dxHi[xx]! * c;
        for (let dy = 0; dy < kh; dy++, o += rowLen) {
          const iy = y + dy - pt;
          if (iy < 0 || iy >= h) continue;
          const src = ((s * h + iy) * w + xx - pl) * c;
          for (let j = lo; j < hi; j++) cols[o + j] = x[src + j]!;
        }
      }
    }
  }
  return { cols, oh, ow };
}

/**
 * Adjoint of im2col: scatter-add column gradients back onto the input (the gradient of a convolution's
 * patches). Each input element sums its patches' values in output-pixel order (a fixed order, so the
 * float32 result does not depend on how the walk is written).
 */
export function col2im(cols: Float32Array, n: number, h: number, w: number, c: number, kh: number, kw: number, pad: 'same' | 'valid'): Float32Array {
  const { oh, ow, pt, pl, dxLo, dxHi } = walk(h, w, kh, kw, pad);
  const rowLen = kw * c;
  const x = new Float32Array(n * h * w * c);
  let o = 0;
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const lo = dxLo[xx]! * c;
        const hi = dxHi[xx]! * c;
        for (let dy = 0; dy < kh; dy++, o += rowLen) {
          const iy = y + dy - pt;
          if (iy < 0 || iy >= h) continue;
          const dst = ((s * h + iy) * w + xx - pl) * c;
          for (let j = lo; j < hi; j++) x[dst + j]! += cols[o + j]!;
        }
      }
    }
  }
  return x;
}
