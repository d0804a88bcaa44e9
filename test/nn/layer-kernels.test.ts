import { beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { initBackend, tf } from '../../src/nn/backend.js';
import { col2im, im2col, patchGeometry, type PatchGeometry } from '../../src/ir/im2col.js';
import { layerKernels, layerKernelStatus, type LayerKernels, type PoolGeometry } from '../../src/nn/layer-kernels.js';
import { weightGradient } from '../../src/nn/ops/dense.js';
import { Rng } from '../../src/util/rng.js';

// The kernels against the patch path they replace: im2col, the wasm backend's matrix product, col2im,
// compared bit for bit (toEqual on float32 arrays tells -0 from +0). Values come with exact zeros in them
// (image background, gradients zeroed by ReLU and pooling) and negative zeros, which the kernels skip.
let k: LayerKernels;
beforeAll(async () => {
  await initBackend('wasm');
  k = layerKernels()!;
});

function values(rng: Rng, n: number, zeros = 0): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = rng.nextU32() / 2 ** 32;
    if (u < zeros / 2) return 0;
    if (u < zeros) return -0;
    return Math.fround((rng.nextU32() / 2 ** 32) * 2 - 1);
  });
}

/** The first index where two arrays differ in their bits or length (-1: none). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const [ua, ub] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let i = 0; i < Math.max(ua.length, ub.length); i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

/** The patch path: y = im2col(x) W + b, dx = col2im(dy W^T), dW = im2col(x)^T dy, db = sum(dy, 0) (as the layers compute them). */
function patchPath(x: Float32Array, g: PatchGeometry, w: Float32Array, b: Float32Array, dy: Float32Array, cout: number) {
  const k2 = g.kh * g.kw * g.c;
  const rows = g.n * g.oh * g.ow;
  const cols = im2col(x, g);
  return tf.tidy(() => {
    const [ct, wt, dyt] = [tf.tensor2d(cols, [rows, k2]), tf.tensor2d(w, [k2, cout]), tf.tensor2d(dy, [rows, cout])];
    return {
      y: tf.add(tf.matMul(ct, wt), tf.tensor1d(b)).dataSync() as Float32Array,
      plain: tf.matMul(ct, wt).dataSync() as Float32Array,
      dx: col2im(tf.matMul(dyt, tf.transpose(wt)).dataSync() as Float32Array, g),
      dw: weightGradient(ct, dyt).dataSync() as Float32Array,
      db: tf.sum(dyt, 0).dataSync() as Float32Array,
    };
  });
}

describe('convolution kernels', () => {
  // [n, h, w, c, kh, kw, cout]: LeNet-5's two layers at batch 64 (large enough for the worker thread), one
  // channel and several, 1 x 1 and even kernels ('same' pads the extra row after), kernels as wide as the
  // image, rows that do not end on four pixels, and channel counts that take the eight-, the four- and the
  // partial-channel paths (1, 4, 5, 6, 8, 12, 16).
  const shapes: [number, number, number, number, number, number, number][] = [
    [64, 28, 28, 1, 5, 5, 6],
    [64, 14, 14, 6, 5, 5, 16],
    [3, 7, 9, 3, 3, 2, 5],
    [2, 5, 4, 2, 4, 4, 1],
    [5, 6, 6, 7, 1, 1, 9],
    [2, 3, 3, 2, 3, 3, 4],
    [2, 6, 11, 4, 3, 5, 12],
    [1, 5, 5, 1, 5, 5, 8],
    [4, 9, 10, 3, 2, 2, 13],
  ];
  it('compute what im2col + matrix product + col2im compute, bit for bit', () => {
    const rng = new Rng(21);
    for (const [n, h, w, c, kh, kw, cout] of shapes)
      for (const pad of ['same', 'valid'] as const) {
        if (pad === 'valid' && (kh > h || kw > w)) continue;
        const g = patchGeometry(n, h, w, c, kh, kw, pad);
        const [x, wt, b] = [values(rng, n * h * w * c, 0.3), values(rng, kh * kw * c * cout), values(rng, cout)];
        const dy = values(rng, n * g.oh * g.ow * cout, 0.8);
        const ref = patchPath(x, g, wt, b, dy, cout);
        const label = `${[n, h, w, c, kh, kw, cout]} ${pad}`;
        // Compared as bytes (toEqual walks a million elements slowly; bytes also tell -0 from +0).
        expect(firstDifference(k.patches(x, g), im2col(x, g)), label).toBe(-1);
        expect(firstDifference(k.patches(x, g, -0.75), im2col(x, g, -0.75)), label).toBe(-1);
        expect(k.forward(x, g, wt, cout, b).slice(), label).toEqual(ref.y);
        expect(k.forward(x, g, wt, cout).slice(), label).toEqual(ref.plain);
        expect(k.inputGradient(dy, g, wt, cout).slice(), label).toEqual(ref.dx);
        expect(k.weightGradient(x, g, dy, cout), label).toEqual(ref.dw);
        expect(k.biasGradient(dy, cout), label).toEqual(ref.db);
      }
  });

  it('the comparison can fail: the same sums in another order (negative control)', () => {
    const rng = new Rng(22);
    const g = patchGeometry(8, 14, 14, 6, 5, 5, 'valid');
    const [x, dy] = [values(rng, 8 * 14 * 14 * 6), values(rng, 8 * 100 * 16)];
    // dW with the pixels summed last to first: within 1e-4 everywhere, equal nowhere near everywhere.
    const cols = im2col(x, g);
    const reversed = new Float32Array(150 * 16);
    for (let r = 799; r >= 0; r--)
      for (let i = 0; i < 150; i++)
        for (let j = 0; j < 16; j++)
          reversed[i * 16 + j] = Math.fround(reversed[i * 16 + j]! + Math.fround(cols[r * 150 + i]! * dy[r * 16 + j]!));
    const got = k.weightGradient(x, g, dy, 16);
    expect(Math.max(...got.map((v, i) => Math.abs(v - reversed[i]!)))).toBeLessThan(1e-4);
    expect(got).not.toEqual(reversed);
  });

  it('keep their worker thread in a process started as an ES module script (node --input-type=module -e)', async () => {
    // The worker's code is CommonJS; it must not inherit the process's --input-type=module (built code).
    const root = resolve(import.meta.dirname, '..', '..');
    const built = (file: string) => JSON.stringify(pathToFileURL(join(root, 'dist', file)).href);
    const script = `const { layerKernels } = await import(${built('nn/layer-kernels.js')});
      const { patchGeometry } = await import(${built('ir/im2col.js')});
      const k = layerKernels();
      await new Promise((r) => setTimeout(r, 200));
      const y = k.forward(new Float32Array(64 * 784).fill(1), patchGeometry(64, 28, 28, 1, 5, 5, 'same'), new Float32Array(150).fill(1), 6);
      console.log(k.threads, y[6 * (2 * 28 + 2)]);`;
    const r = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${k.threads} 25`);
  });

  it('say how they run', () => {
    expect(layerKernelStatus()).toMatch(/^WebAssembly SIMD, [12] threads?$/);
    expect(k.threads).toBeGreaterThanOrEqual(1);
  });
});

/** Max pooling restated: the first maximum of each window (rows, then columns; later wins only if greater). */
function firstMax(x: Float32Array, g: PoolGeometry): Float32Array {
  const m = new Float32Array(x.length);
  const at = (s: number, y: number, xx: number, ch: number) => ((s * g.h + y) * g.w + xx) * g.c + ch;
  for (let s = 0; s < g.n; s++)
    for (let oy = 0; oy + g.size <= g.h; oy += g.size)
      for (let ox = 0; ox + g.size <= g.w; ox += g.size)
        for (let ch = 0; ch < g.c; ch++) {
          let best = at(s, oy, ox, ch);
          for (let dy = 0; dy < g.size; dy++)
            for (let dx = 0; dx < g.size; dx++) if (x[at(s, oy + dy, ox + dx, ch)]! > x[best]!) best = at(s, oy + dy, ox + dx, ch);
          m[best] = 1;
        }
  return m;
}

/**
 * The pooling gradient and its adjoint by their definitions: scatter = (mask * dy) * factor (dy repeated
 * over each window), gather = each window's sum from +0 of mask * (values * factor), factor the ReLU's
 * step(x) when fused (else 1, which changes no float32 value).
 */
function poolReference(
  mask: Float32Array,
  dy: Float32Array,
  vals: Float32Array,
  g: PoolGeometry,
  factor = new Float32Array(mask.length).fill(1),
) {
  const { n, h, w, c, size } = g;
  const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
  const scatter = new Float32Array(mask.length);
  const gather = new Float32Array(dy.length);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          const o = ((s * oh + oy) * ow + ox) * c + ch;
          let acc = 0;
          for (let dy2 = 0; dy2 < size; dy2++)
            for (let dx = 0; dx < size; dx++) {
              const i = ((s * h + oy * size + dy2) * w + ox * size + dx) * c + ch;
              scatter[i] = Math.fround(Math.fround(mask[i]! * dy[o]!) * factor[i]!);
              acc = Math.fround(acc + Math.fround(mask[i]! * Math.fround(vals[i]! * factor[i]!)));
            }
          gather[o] = acc;
        }
  return { scatter, gather };
}

describe('max-pooling kernels', () => {
  // [n, h, w, c, size]: LeNet's two pools, channel counts below, at and above four (the last group of four
  // overlaps the one before), sizes 2 and 3, and images whose last rows and columns are in no window.
  const shapes: [number, number, number, number, number][] = [
    [64, 28, 28, 6, 2],
    [64, 10, 10, 16, 2],
    [2, 5, 7, 1, 2],
    [3, 6, 6, 3, 3],
    [2, 7, 5, 4, 2],
    [2, 8, 9, 9, 3],
  ];
  it('mask each first maximum, scatter and gather as the mask product and its adjoint, bit for bit', () => {
    const rng = new Rng(23);
    for (const [n, h, w, c, size] of shapes) {
      const g = { n, h, w, c, size };
      const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
      // Few distinct values, so windows hold ties; NaN, which never wins.
      const x = Float32Array.from({ length: n * h * w * c }, () => [0, 1, 2, -1, NaN][rng.nextU32() % 5]!);
      const mask = firstMax(x, g);
      const label = `${[n, h, w, c, size]}`;
      expect(k.poolMask(x, g).slice(), label).toEqual(mask);
      const dy = values(rng, n * oh * ow * c, 0.2);
      dy[0] = NaN;
      const vals = values(rng, x.length, 0.2);
      const { scatter, gather } = poolReference(mask, dy, vals, g);
      expect(k.poolScatter(dy, x, g).slice(), label).toEqual(scatter);
      expect(k.poolGather(vals, x, g).slice(), label).toEqual(gather);
    }
  });

  it('with a ReLU fused before the pooling: windows compared on relu(x), gradients times step(x)', () => {
    const rng = new Rng(24);
    // Negative NaN and -0 have the sign bit set: the backend's ReLU makes them +0; step(NaN) is NaN.
    const negNaN = new Float32Array(Uint32Array.of(0xffc00000).buffer)[0]!;
    const step = (v: number) => (v > 0 ? 1 : Number.isNaN(v) ? NaN : 0);
    for (const [n, h, w, c, size] of shapes) {
      const g = { n, h, w, c, size, relu: true };
      const [oh, ow] = [Math.floor(h / size), Math.floor(w / size)];
      const x = Float32Array.from({ length: n * h * w * c }, () => [0, 1, 2, -1, -0, -3, NaN, negNaN][rng.nextU32() % 8]!);
      const relu = x.map((v, i) => (new Uint32Array(x.buffer)[i]! >>> 31 ? 0 : v));
      const mask = firstMax(relu, g);
      const label = `${[n, h, w, c, size]} relu`;
      expect(k.poolMask(x, g).slice(), label).toEqual(mask);
      const dy = values(rng, n * oh * ow * c, 0.2);
      const vals = values(rng, x.length, 0.2);
      const { scatter, gather } = poolReference(mask, dy, vals, g, x.map(step));
      expect(k.poolScatter(dy, x, g).slice(), label).toEqual(scatter);
      expect(k.poolGather(vals, x, g).slice(), label).toEqual(gather);
      // Without the ReLU the same input pools differently (negative control).
      expect(k.poolScatter(dy, x, { ...g, relu: false }).slice(), label).not.toEqual(scatter);
    }
  });

  it('the comparison can fail: the last maximum instead of the first (negative control)', () => {
    const g = { n: 1, h: 2, w: 2, c: 1, size: 2 };
    expect(k.poolMask(Float32Array.of(3, 1, 3, 2), g).slice()).toEqual(Float32Array.of(1, 0, 0, 0));
    expect(k.poolMask(Float32Array.of(3, 1, 3, 2), g).slice()).not.toEqual(Float32Array.of(0, 0, 1, 0));
  });
});
