/**
 * ONNX's layouts against the engine's, stated once: ONNX images are c-h-w (N x C x H x W) and flatten in
 * that order; the engine's are h-w-c and flatten in theirs. A dense layer after a flatten therefore has its
 * rows in the other order, and image tensors move between the two layouts.
 */
export interface Image {
  h: number;
  w: number;
  c: number;
}

/** The ONNX (c-h-w) position of element r of the engine's (h-w-c) flattening of this image. */
export function onnxIndexOf(r: number, { h, w, c }: Image): number {
  return (r % c) * h * w + Math.floor(r / c);
}

/** The engine (h-w-c) position of element r of ONNX's (c-h-w) flattening of this image. */
export function engineIndexOf(r: number, { h, w, c }: Image): number {
  return (r % (h * w)) * c + Math.floor(r / (h * w));
}

/** n images from N x C x H x W to N x H x W x C (or back, with `toOnnx`). */
export function convertImages<T extends Float32Array | Float64Array>(x: T, n: number, img: Image, toOnnx = false): T {
  const size = img.h * img.w * img.c;
  const out = new (x.constructor as new (length: number) => T)(x.length);
  for (let s = 0; s < n; s++)
    for (let r = 0; r < size; r++) {
      // r runs over the engine's order; the ONNX position holds the same element.
      const o = onnxIndexOf(r, img);
      if (toOnnx) out[s * size + o] = x[s * size + r]!;
      else out[s * size + r] = x[s * size + o]!;
    }
  return out;
}
