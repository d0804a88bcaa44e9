import { tf } from '../nn/backend.js';
import type { ApproxMultiplier } from '../arith/fixed-multiplier.js';
import { maskFloats, type FloatMultiplier } from '../arith/float-multiplier.js';
import { maxAbs32, roundHalfEven, scaleExponent } from '../arith/fixed-point.js';
import { flipWeightBits } from '../arith/ntv.js';
import { simdQuantiser } from '../arith/simd-quantise.js';
import { col2im, im2col, patchOutputSize, tableMatMul } from '../arith/table-matmul.js';
import type { Rng } from '../util/rng.js';

/** How products are formed in the forward pass of an approximate layer. */
export type ProductPath = 'transform' | 'table';

/**
 * The hardware a forward pass runs on: dynamic fixed point at the multiplier's width, products through
 * its RTL table (transform fast path or general table path), optionally NTV bit flips in the stored
 * weights (fresh flips at every forward pass).
 */
export interface HardwareSpec {
  mult: ApproxMultiplier;
  path: ProductPath;
  ntv?: { rate: number; rng: Rng };
  /** Frozen per-layer input exponents (inference); absent: each batch uses its own max |x|. */
  inputExps?: number[];
  /** Stored weight codes held fixed (one NTV draw over a whole evaluation), per weighted layer. */
  frozenWeights?: { ew: number; codes: Float32Array }[];
  /** Sees each weighted layer's input max |x| and exponents (calibration, reporting). */
  observe?: (layer: number, info: { maxAbs: number; ex: number; ew: number }) => void;
}

/** 1.5 * 2^52: (x + R) - R rounds a double to the nearest integer, ties to even (|x| < 2^51). */
const ROUND = 6755399441055744;

/**
 * Codes of float32 data at exponent e, clip(round_half_even(x / 2^e), qmin, qmax) (the rounding of
 * fixed-point.ts quantiseValue), or, with `t`, the transform of each code (without `t`, an identity
 * table gives the codes themselves, so there is one loop). This runs over every activation and weight
 * at every layer and step, so it is written for V8: values are first clamped in double to
 * [qmin - 0.5, qmax + 0.5] (so the int32 conversion cannot wrap, and NaN falls through to code 0), then
 * rounded, then clamped as integers. `out` (same length) is filled instead of a new array.
 */
export function quantise32(x: Float32Array, e: number, qmin: number, qmax: number, t: Float32Array = identityTable(qmin, qmax), out: Float32Array = new Float32Array(x.length)): Float32Array {
  const s = 2 ** -e;
  const lo = qmin - 0.5;
  const hi = qmax + 0.5;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let v = x[i]! * s;
    v = v < lo ? lo : v > hi ? hi : v;
    let r = (v + ROUND - ROUND) | 0;
    r = r < qmin ? qmin : r > qmax ? qmax : r;
    out[i] = t[r - qmin]!;
  }
  return out;
}

/**
 * A reusable output array for a layer's operand where the backend copies tensor data on upload (wasm
 * does; the CPU backend keeps the array itself, so it gets a fresh one). Saves an allocation per layer
 * and step on the fast path.
 */
function scratch(key: string, n: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(n);
  let a = scratchArrays.get(key);
  if (!a || a.length !== n) scratchArrays.set(key, (a = new Float32Array(n)));
  return a;
}
const scratchArrays = new Map<string, Float32Array>();

const identities = new Map<string, Float32Array>();
function identityTable(qmin: number, qmax: number): Float32Array {
  const key = `${qmin}:${qmax}`;
  let t = identities.get(key);
  if (!t) identities.set(key, (t = Float32Array.from({ length: qmax - qmin + 1 }, (_, i) => i + qmin)));
  return t;
}

/**
 * One operand of a layer: max |x| picks its exponent e (the callback may ignore it: frozen scales), then
 * every element becomes table(e)[code - qmin] (with the identity table, the codes themselves). WebAssembly
 * SIMD where it loads (simd-quantise.ts), else the JS loops; both compute the same bits.
 */
export function quantiseOperand(x: Float32Array, exponent: (maxAbs: number) => number, qmin: number, qmax: number, table: (e: number) => Float32Array, out: Float32Array): { out: Float32Array; maxAbs: number; e: number } {
  const r = simdQuantiser()?.quantise(x, exponent, qmin, qmax, table, out);
  if (r) return { out, ...r };
  const maxAbs = maxAbs32(x);
  const e = exponent(maxAbs);
  return { out: quantise32(x, e, qmin, qmax, table(e), out), maxAbs, e };
}

/** The exponent of a weight matrix: the smallest at which its largest magnitude fits. */
const weightExponent = (m: ApproxMultiplier) => (maxAbs: number) => scaleExponent(maxAbs, m.qmax);

/** Weight codes as the hardware stores them (and their exponent), with this pass's NTV flips applied. */
export function storedWeightCodes(w: Float32Array, hw: Pick<HardwareSpec, 'mult' | 'ntv'>): { codes: Float32Array; ew: number } {
  const m = hw.mult;
  const { out, e } = quantiseOperand(w, weightExponent(m), m.qmin, m.qmax, () => identityTable(m.qmin, m.qmax), new Float32Array(w.length));
  if (hw.ntv) flipWeightBits(out, m.width, m.signed, hw.ntv.rate, hw.ntv.rng);
  return { codes: out, ew: e };
}

/**
 * y = x W + b on the hardware: x and W quantised (exponents ex, ew), products from the RTL table, exact
 * accumulation (integers), bias in accumulator units, result scaled back by 2^(ex+ew). Backward is the
 * straight-through estimator: the gradients of the exact float layer x W + b.
 */
export function approxDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, hw: HardwareSpec, layer: number): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    const m = hw.mult;
    const [rows, k] = xv!.shape as [number, number];
    const n = wv!.shape[1]!;
    // Products: Ta(qx) Tb(qw) through one exact float32 matrix product (integers below 2^24 stay exact), or
    // every product looked up in the table. Quantisation and gathers run over the data in one pass (SIMD
    // where it loads): tf.gather is slow on the wasm backend, and a chain of tf ops + sync is no faster.
    // Scales are folded in: T(q) * 2^e is exact in float32 (a power of two), so the product of scaled
    // operands is the integer accumulation times 2^(ex+ew) with the same rounding (none below 2^24), and
    // the bias is added in accumulator units in the same scale; no further tensor ops per layer.
    const transform = hw.path === 'transform' ? m.transform! : undefined;
    const codes = () => identityTable(m.qmin, m.qmax);
    const xd = xv!.dataSync() as Float32Array;
    const fixedEx = hw.inputExps?.[layer];
    const qx = quantiseOperand(xd, (mx) => fixedEx ?? scaleExponent(mx, m.qmax), m.qmin, m.qmax, transform ? (e) => scaleTable(transform.a, e) : codes, scratch(`x${layer}`, xd.length));
    const frozen = hw.frozenWeights?.[layer];
    let qw: { out: Float32Array; e: number };
    if (frozen) qw = { out: transform ? applyTransform(frozen.codes, scaleTable(transform.b, frozen.ew), m.qmin) : frozen.codes, e: frozen.ew };
    else {
      const wd = wv!.dataSync() as Float32Array;
      if (hw.ntv) {
        // NTV flips act on the stored codes, so the codes come first and the transform after.
        const { codes: stored, ew } = storedWeightCodes(wd, hw);
        qw = { out: transform ? applyTransform(stored, scaleTable(transform.b, ew), m.qmin) : stored, e: ew };
      } else qw = quantiseOperand(wd, weightExponent(m), m.qmin, m.qmax, transform ? (e) => scaleTable(transform.b, e) : codes, scratch(`w${layer}`, wd.length));
    }
    const [ex, ew] = [qx.e, qw.e];
    hw.observe?.(layer, { maxAbs: qx.maxAbs, ex, ew });
    const e = ex + ew;
    const qb = scaledBias(bv!.dataSync() as Float32Array, e);
    let value: tf.Tensor2D;
    if (transform) value = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(qx.out, [rows, k]), tf.tensor2d(qw.out, [k, n])), tf.tensor1d(qb)));
    else {
      const acc = tableMatMul(qx.out, qw.out, rows, k, n, m.products!, m.qmin, m.qmax - m.qmin + 1);
      const s = 2 ** e;
      const out = new Float32Array(acc.length);
      for (let i = 0; i < acc.length; i++) out[i] = Math.fround(acc[i]!) * s + qb[i % n]!;
      value = tf.tensor2d(out, [rows, n]);
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => denseGradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]),
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/**
 * Gradients of x W + b: dx = dy W^T, dW = x^T dy, db = sum(dy). Transposes are explicit: the wasm
 * backend's matMul with a transpose flag is ten times slower than a transpose followed by a plain product.
 */
function denseGradients(dy: tf.Tensor2D, [x, w]: [tf.Tensor2D, tf.Tensor2D]): tf.Tensor[] {
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)];
}

/** Exact float layer (no hardware): x W + b, with the same gradient code as the hardware layer. */
export function exactDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor2D[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    return { value: tf.add(tf.matMul(xv!, wv!), bv!), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => denseGradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]) };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/**
 * Convolution patches (NHWC input, 'same' or 'valid', stride 1) as a differentiable op, so a conv2d is a
 * dense layer over patches on every backend (the wasm backend has no Conv2DBackpropFilter kernel) and
 * approximate convolutions reuse approxDense. im2col and col2im are each other's adjoint, and each is
 * the other's gradient, so gradients of gradients (AxTrain's double back-propagation) stay exact.
 */
export function patches(x: tf.Tensor4D, kh: number, kw: number, pad: 'same' | 'valid'): { cols: tf.Tensor2D; oh: number; ow: number } {
  const [n, h, w, c] = x.shape;
  const { oh, ow } = patchOutputSize(h, w, kh, kw, pad);
  const geometry: PatchGeometry = { n, h, w, c, kh, kw, pad, oh, ow };
  return { cols: im2colOp(x, geometry), oh, ow };
}

interface PatchGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  pad: 'same' | 'valid';
  oh: number;
  ow: number;
}

function im2colOp(x: tf.Tensor4D, g: PatchGeometry): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const r = im2col((args[0] as tf.Tensor).dataSync() as Float32Array, g.n, g.h, g.w, g.c, g.kh, g.kw, g.pad);
    return { value: tf.tensor2d(r.cols, [g.n * g.oh * g.ow, g.kh * g.kw * g.c]), gradFunc: (dy: tf.Tensor) => col2imOp(dy as tf.Tensor2D, g) };
  });
  return f(x) as tf.Tensor2D;
}

function col2imOp(cols: tf.Tensor2D, g: PatchGeometry): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tensor4d(col2im((args[0] as tf.Tensor).dataSync() as Float32Array, g.n, g.h, g.w, g.c, g.kh, g.kw, g.pad), [g.n, g.h, g.w, g.c]),
    gradFunc: (dy: tf.Tensor) => im2colOp(dy as tf.Tensor4D, g),
  }));
  return f(cols) as tf.Tensor4D;
}

/**
 * Max pooling (size x size windows, stride size, 'valid') whose gradient is built from differentiable
 * ops: the incoming gradient repeated over each window, times a constant 0/1 mask of each window's
 * first maximum. TensorFlow.js's own MaxPoolGrad has no gradient, which double back-propagation needs.
 */
export function maxPool(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xv = args[0] as tf.Tensor4D;
    (args[1] as tf.GradSaveFunc)([xv]);
    return {
      value: tf.maxPool(xv, size, size, 'valid'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const mask = tf.tensor4d(firstMaxMask(saved!.dataSync() as Float32Array, n, h, w, c, size), [n, h, w, c]);
        // Repeat by broadcasting (tile has no gradient above rank 4).
        const up = tf.reshape(tf.mul(tf.reshape(dy, [n, oh, 1, ow, 1, c]), tf.ones([1, 1, size, 1, size, 1])), [n, oh * size, ow * size, c]);
        return tf.mul(mask, tf.pad(up, [[0, 0], [0, h - oh * size], [0, w - ow * size], [0, 0]]));
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

function firstMaxMask(x: Float32Array, n: number, h: number, w: number, c: number, size: number): Float32Array {
  const mask = new Float32Array(x.length);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy + size <= h; oy += size)
      for (let ox = 0; ox + size <= w; ox += size)
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let dy = 0; dy < size; dy++)
            for (let dx = 0; dx < size; dx++) {
              const i = ((s * h + oy + dy) * w + ox + dx) * c + ch;
              if (best < 0 || x[i]! > x[best]!) best = i;
            }
          mask[best] = 1;
        }
  return mask;
}

/** A per-operand table times 2^e (exact: a power of two; the tables are small integers). */
function scaleTable(t: Float32Array, e: number): Float32Array {
  const s = 2 ** e;
  return t.map((v) => v * s);
}

/** The bias in accumulator units (round half to even at 2^e), back in value units: round(b / 2^e) * 2^e. */
function scaledBias(b: Float32Array, e: number): Float32Array {
  const s = 2 ** e;
  return b.map((v) => roundHalfEven(Math.fround(v / s)) * s);
}

/** T(q) for every code (a per-operand transform of the fast path, indexed by q - qmin). */
export function applyTransform(q: Float32Array, t: Float32Array, qmin: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = t[(q[i]! - qmin) | 0]!;
  return out;
}

/** Floating-point hardware (fpmul): the layer's float32 values through the significand mask. */
export interface FloatHardwareSpec {
  float: FloatMultiplier;
}

/** What a forward pass runs on: fixed-point hardware with a product table, or fpmul. */
export type Arithmetic = HardwareSpec | FloatHardwareSpec;

export function isFloatHardware(a: Arithmetic): a is FloatHardwareSpec {
  return 'float' in a;
}

/**
 * y = T(x) T(W) + b for fpmul: every operand keeps its top m significand bits (the mask proved on the
 * RTL), one float32 matrix product (exact products for m <= 12), float32 bias. Backward: STE.
 */
export function floatDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, fm: FloatMultiplier): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xv, wv, bv] = args as tf.Tensor2D[];
    (args[3] as tf.GradSaveFunc)([xv!, wv!]);
    const [rows, k] = xv!.shape;
    const n = wv!.shape[1];
    const value = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(maskFloats(xv!.dataSync() as Float32Array, fm.mask), [rows, k]), tf.tensor2d(maskFloats(wv!.dataSync() as Float32Array, fm.mask), [k, n])), bv!));
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => denseGradients(dy as tf.Tensor2D, saved as [tf.Tensor2D, tf.Tensor2D]) };
  });
  return f(x, w, b) as tf.Tensor2D;
}
