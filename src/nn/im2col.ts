// Convolution patches as data (NHWC, stride 1, 'same' or 'valid'): im2col gathers every output position's
// kh x kw x c window into a row, col2im scatters rows back (its adjoint). Used by the differentiable patch
// op (ops/patches.ts) and by the reference inferences.

/** Output size of a stride-1 convolution ('same' keeps it, 'valid' shrinks it by the kernel). */
export function patchOutputSize(h: number, w: number, kh: number, kw: number, pad: 'same' | 'valid'): { oh: number; ow: number } {
  return pad === 'same' ? { oh: h, ow: w } : { oh: h - kh + 1, ow: w - kw + 1 };
}

/** Padding before the first row/column of a 'same' convolution (TensorFlow's: the extra one goes after). */
export const samePadding = (kernel: number) => Math.floor((kernel - 1) / 2);

function patchSources(h: number, w: number, c: number, kh: number, kw: number, pad: 'same' | 'valid'): { src: Int32Array; oh: number; ow: number } {
  const { oh, ow } = patchOutputSize(h, w, kh, kw, pad);
  const pt = pad === 'same' ? samePadding(kh) : 0;
  const pl = pad === 'same' ? samePadding(kw) : 0;
  const src = new Int32Array(oh * ow * kh * kw);
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      for (let dy = 0; dy < kh; dy++) {
        for (let dx = 0; dx < kw; dx++) {
          const iy = y + dy - pt;
          const ix = xx + dx - pl;
          src[o++] = iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : (iy * w + ix) * c;
        }
      }
    }
  }
  return { src, oh, ow };
}

/**
 * im2col for NHWC input and HWIO filters: rows = output pixels (n, oh, ow), columns = (kh, kw, c), so a
 * convolution is tableMatMul(cols, filter reshaped to (kh*kw*c, out)). Padding positions take the value
 * `padValue` (the code of zero).
 */
export function im2col(x: Float32Array, n: number, h: number, w: number, c: number, kh: number, kw: number, pad: 'same' | 'valid', padValue = 0): { cols: Float32Array; oh: number; ow: number } {
  const { src, oh, ow } = patchSources(h, w, c, kh, kw, pad);
  const cols = new Float32Array(n * src.length * c);
  let o = 0;
  for (let s = 0; s < n; s++) {
    const base = s * h * w * c;
    for (const p of src) {
      if (p < 0) cols.fill(padValue, o, o + c);
      else for (let ch = 0; ch < c; ch++) cols[o + ch] = x[base + p + ch]!;
      o += c;
    }
  }
  return { cols, oh, ow };
}

/** Adjoint of im2col: scatter-add column gradients back onto the input (the gradient of a convolution's patches). */
export function col2im(cols: Float32Array, n: number, h: number, w: number, c: number, kh: number, kw: number, pad: 'same' | 'valid'): Float32Array {
  const { src } = patchSources(h, w, c, kh, kw, pad);
  const x = new Float32Array(n * h * w * c);
  let o = 0;
  for (let s = 0; s < n; s++) {
    const base = s * h * w * c;
    for (const p of src) {
      if (p >= 0) for (let ch = 0; ch < c; ch++) x[base + p + ch]! += cols[o + ch]!;
      o += c;
    }
  }
  return x;
}
