// Convolution patches as data (NHWC; stride 1 with 'same' or 'valid' padding, or an explicit stride and
// padding, e.g. an imported network's): im2col gathers every output position's
// kh x kw x c window into a row, col2im scatters rows back (its adjoint). Used by the differentiable patch
// op (src/nn/ops/patches.ts) and by the reference inferences.

/** Output size of a stride-1 convolution ('same' keeps it, 'valid' shrinks it by the kernel). */
export function patchOutputSize(h: number, w: number, kh: number, kw: number, pad: 'same' | 'valid'): { oh: number; ow: number } {
  return pad === 'same' ? { oh: h, ow: w } : { oh: h - kh + 1, ow: w - kw + 1 };
}

/**
 * An explicit convolution geometry: a stride and the padding [top, left, bottom, right], where the layer is
 * not a stride-1 'same' or 'valid' one (the engine's own kernels and the NPU take those only).
 */
export interface ExplicitConv {
  stride: number;
  pads: [number, number, number, number];
}

/** A convolution's shapes: NHWC input (n, h, w, c), kh x kw windows, output oh x ow; stride and the padding before. */
export interface PatchGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  pad: 'same' | 'valid';
  oh: number;
  ow: number;
  stride: number;
  /** Padding rows above and columns left of the image. */
  pt: number;
  pl: number;
}

export function patchGeometry(
  n: number,
  h: number,
  w: number,
  c: number,
  kh: number,
  kw: number,
  pad: 'same' | 'valid',
  explicit?: ExplicitConv,
): PatchGeometry {
  if (explicit) {
    const [pt, pl, pb, pr] = explicit.pads;
    const s = explicit.stride;
    return {
      n,
      h,
      w,
      c,
      kh,
      kw,
      pad,
      oh: Math.floor((h + pt + pb - kh) / s) + 1,
      ow: Math.floor((w + pl + pr - kw) / s) + 1,
      stride: s,
      pt,
      pl,
    };
  }
  const [pt, pl] = pad === 'same' ? [samePadding(kh), samePadding(kw)] : [0, 0];
  return { n, h, w, c, kh, kw, pad, ...patchOutputSize(h, w, kh, kw, pad), stride: 1, pt, pl };
}

/** A conv2d layer's explicit geometry, when it has one. */
export function explicitConv(l: { stride?: number; pads?: readonly number[] }): ExplicitConv | undefined {
  return l.stride !== undefined || l.pads !== undefined
    ? { stride: l.stride ?? 1, pads: (l.pads ?? [0, 0, 0, 0]) as [number, number, number, number] }
    : undefined;
}

/** Padding before the first row/column of a 'same' convolution (TensorFlow's: the extra one goes after). */
export const samePadding = (kernel: number) => Math.floor((kernel - 1) / 2);

/**
 * Where one sample's patches come from, as runs: each kernel row of each output pixel that lies inside the
 * image is one contiguous run of the NHWC sample and of the patch row. Three ints per run, in patch order
 * (output pixel, kernel row): its start in the sample's patch rows, its start in the sample, its length.
 * im2col and its adjoint col2im walk this one index, so the two stay each other's transpose.
 */
function patchRuns({ h, w, c, kh, kw, oh, ow, stride, pt, pl }: PatchGeometry): { runs: Int32Array; perSample: number } {
  const rowLen = kw * c;
  const runs: number[] = [];
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      // Kernel columns dx in [lo, hi) read inside the image (a window wholly in the padding reads none).
      const x0 = xx * stride - pl;
      const lo = Math.max(0, -x0) * c;
      const hi = Math.min(kw, w - x0) * c;
      for (let dy = 0; dy < kh; dy++, o += rowLen) {
        const iy = y * stride + dy - pt;
        if (iy >= 0 && iy < h && hi > lo) runs.push(o + lo, (iy * w + x0) * c + lo, hi - lo);
      }
    }
  }
  return { runs: Int32Array.from(runs), perSample: o };
}

/**
 * im2col for NHWC input and HWIO filters: rows = output pixels (n, oh, ow), columns = (kh, kw, c), so a
 * convolution is tableMatMul(cols, filter reshaped to (kh*kw*c, out)). Padding positions take the value
 * `padValue` (the code of zero).
 */
export function im2col(x: Float32Array, g: PatchGeometry, padValue = 0): Float32Array {
  const { runs, perSample } = patchRuns(g);
  const cols = new Float32Array(g.n * perSample);
  if (padValue !== 0) cols.fill(padValue);
  const inSample = g.h * g.w * g.c;
  for (let s = 0; s < g.n; s++) {
    const cb = s * perSample;
    const xb = s * inSample;
    for (let r = 0; r < runs.length; r += 3) {
      const to = cb + runs[r]!;
      const from = xb + runs[r + 1]!;
      const end = from + runs[r + 2]!;
      for (let i = from, j = to; i < end; i++, j++) cols[j] = x[i]!;
    }
  }
  return cols;
}

/**
 * Adjoint of im2col: scatter-add column gradients back onto the input (the gradient of a convolution's
 * patches). Each input element sums its patches' values in patch order (a fixed order, so the float32
 * result does not depend on how the walk is written).
 */
export function col2im(cols: Float32Array, g: PatchGeometry): Float32Array {
  const { runs, perSample } = patchRuns(g);
  const inSample = g.h * g.w * g.c;
  const x = new Float32Array(g.n * inSample);
  for (let s = 0; s < g.n; s++) {
    const cb = s * perSample;
    const xb = s * inSample;
    for (let r = 0; r < runs.length; r += 3) {
      const from = cb + runs[r]!;
      const to = xb + runs[r + 1]!;
      const end = to + runs[r + 2]!;
      for (let i = to, j = from; i < end; i++, j++) x[i]! += cols[j]!;
    }
  }
  return x;
}

/**
 * The patch rows of a square-kernel convolution layer over n samples of its input codes: one row per output
 * pixel, padding positions at `padValue`.
 */
export function convLayerRows(
  x: Float32Array,
  n: number,
  layer: { inShape: readonly number[]; kernel?: number; pad?: 'same' | 'valid'; stride?: number; pads?: readonly number[] },
  padValue = 0,
): { rows: Float32Array; count: number } {
  const [h, w, c] = layer.inShape as [number, number, number];
  const g = patchGeometry(n, h, w, c, layer.kernel!, layer.kernel!, layer.pad!, explicitConv(layer));
  return { rows: im2col(x, g, padValue), count: n * g.oh * g.ow };
}
