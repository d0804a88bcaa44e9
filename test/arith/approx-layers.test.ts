import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { initBackend, tf } from '../../src/nn/backend.js';
import { exactDense } from '../../src/nn/ops/dense.js';
import { patches } from '../../src/nn/ops/patches.js';
import { FixedArithmetic, type FixedSpec } from '../../src/nn/fixed-arithmetic.js';
import { FloatArithmetic } from '../../src/nn/float-arithmetic.js';
import type { LayerArithmetic } from '../../src/nn/arithmetic.js';
import { quantiseNetwork } from '../../src/ir/quantised-network.js';
import { multiplierFromTableFile, multiplierFromUnit, type ApproxMultiplier } from '../../src/multipliers/fixed-multiplier.js';
import { floatReferenceInference, referenceInference } from '../../src/infer/reference.js';
import { floatMultiplierFromUnit, maskFloats, type FloatMultiplier } from '../../src/multipliers/float-multiplier.js';
import { resolveUnitSpec } from '../../src/gen/unit-spec.js';
import { AxhwError } from '../../src/errors.js';
import { Network } from '../../src/nn/network.js';
import { lenet5, resolveModel } from '../../src/ir/model-spec.js';
import { tableMatMul } from '../../src/arith/table-matmul.js';
import { col2im, im2col, patchGeometry } from '../../src/ir/im2col.js';
import { externalDesign } from '../../src/external/design.js';
import { tableFromRtl } from '../../src/lut/from-rtl.js';
import { writeTable } from '../../src/lut/io.js';
import { getUnit } from '../../src/gen/registry.js';
import { Rng } from '../../src/util/rng.js';
import { train } from '../../src/train/trainer.js';
import { fixedHardware } from '../../src/nn/hardware.js';
import { calibrate } from '../../src/evaluate/calibrate.js';
import { referenceAgreement } from '../../src/evaluate/agreement.js';
import { quantiseValue } from '../../src/arith/fixed-point.js';
import { requireTool } from '../helpers/tools.js';

const approxDense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, spec: FixedSpec, layer: number) =>
  new FixedArithmetic(spec).dense(x, w, b, layer);
const floatDense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, fm: FloatMultiplier) => new FloatArithmetic(fm).dense(x, w, b);
/** Non-zero biases (networks start at zero), so references compare the bias path too. */
const withBiases = (net: Network): Network => {
  net.setWeights(
    net
      .weights()
      .map((t) =>
        t.name.startsWith('b') ? { ...t, data: Float32Array.from(t.data, (_, i) => 0.05 * Math.sin(3 * i + t.data.length)) } : t,
      ),
  );
  return net;
};
const F = (f: string) => join(import.meta.dirname, '..', 'fixtures', 'rtl', f);
const rand = (rng: Rng, n: number, scale = 1) => Float32Array.from({ length: n }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);

let drum: ApproxMultiplier;
let loa: ApproxMultiplier;
let trunc: ApproxMultiplier;
let mask: ApproxMultiplier;
beforeAll(async () => {
  requireTool('verilator');
  await initBackend();
  drum = await multiplierFromUnit('drum:width=8,k=3,signed');
  const dir = mkdtempSync(join(tmpdir(), 'axhw-train-'));
  for (const [name, top] of [
    ['loa_mult.v', 'loa_mult'],
    ['trunc_mult.v', 'trunc_mult'],
  ]) {
    const d = await externalDesign({ rtl: [F(name)], top, aWidth: 8, bWidth: 8 });
    writeTable(await tableFromRtl(d), join(dir, `${top}.npy`));
  }
  const m = await externalDesign({ rtl: [F('mask_mult.v')], top: 'mask_mult', aWidth: 8, bWidth: 8 });
  writeTable(await tableFromRtl(m), join(dir, 'mask_mult.npy'));
  mask = multiplierFromTableFile(join(dir, 'mask_mult.npy'));
  loa = multiplierFromTableFile(join(dir, 'loa_mult.npy'));
  trunc = multiplierFromTableFile(join(dir, 'trunc_mult.npy'));
});

describe('multipliers read from the RTL', () => {
  it("DRUM factorises per operand, and the transform read from the RTL is the unit's declared T", () => {
    expect(drum.transform).toBeDefined();
    const t = getUnit('drum').transform!({ width: 8, k: 3, signed: true }, {});
    for (let q = -128; q < 128; q++) expect(drum.transform!.a[q + 128]).toBe(t(q & 0xff));
    expect(drum.transform!.a).toEqual(drum.transform!.b);
    expect(drum.transform!.a.some((v, i) => v !== i - 128)).toBe(true);
  });
  it('an operand-truncating multiplier factorises with a power-of-two pivot; a lower-part-OR one does not', () => {
    expect(trunc.transform).toBeDefined();
    expect(trunc.signed).toBe(false);
    expect([trunc.qmin, trunc.qmax]).toEqual([-255, 255]);
    expect(loa.transform).toBeUndefined();
    expect(loa.noTransform).toMatch(/P\(-?\d+, -?\d+\) = \d+ but/);
  });
});

describe('approximate dense layer', () => {
  const [m, k, n] = [37, 53, 19];
  let x: tf.Tensor2D;
  let w: tf.Tensor2D;
  let b: tf.Tensor1D;
  beforeAll(() => {
    const rng = new Rng(11);
    x = tf.tensor2d(rand(rng, m * k, 3), [m, k]);
    w = tf.tensor2d(rand(rng, k * n, 0.4), [k, n]);
    b = tf.tensor1d(rand(rng, n, 0.2));
  });

  it('transform path == table path == integer reference, bit for bit', () => {
    for (const mult of [drum, trunc]) {
      const t = approxDense(x, w, b, { mult, path: 'transform', inputExps: [-4] }, 0).dataSync();
      const g = approxDense(x, w, b, { mult, path: 'table', inputExps: [-4] }, 0).dataSync();
      expect(Array.from(t)).toEqual(Array.from(g));
      const spec = resolveModel(`mlp:${n}`, [k], n);
      spec.layers[0] = { kind: 'dense', units: n, relu: false };
      const ref = referenceInference(
        quantiseNetwork(spec, [{ w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array }], mult, [-4]),
        x.dataSync() as Float32Array,
        m,
      );
      expect(Array.from(ref.logits, Math.fround)).toEqual(Array.from(t));
    }
  });

  it('is close to the exact layer for an exact multiplier and far for an aggressive one', async () => {
    const exactMul = await multiplierFromUnit('exact-mul:width=8,signed');
    const exact = exactDense(x, w, b).dataSync();
    const err = (mult: ApproxMultiplier) => {
      const y = approxDense(x, w, b, { mult, path: 'transform' }, 0).dataSync();
      let s = 0;
      for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - exact[i]!);
      return s / y.length;
    };
    expect(err(exactMul)).toBeLessThan(0.15);
    expect(err(drum)).toBeGreaterThan(err(exactMul));
  });

  it('backward is the straight-through estimator: the exact layer gradients', () => {
    const loss = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) =>
      tf.grads((xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor) =>
        tf.sum(tf.square(f(xa as tf.Tensor2D, wa as tf.Tensor2D, ba as tf.Tensor1D))),
      );
    const hw: FixedSpec = { mult: loa, path: 'table' };
    const ystar = approxDense(x, w, b, hw, 0);
    // d/dp sum(y^2) through STE = (2 y_approx) pushed through the exact layer's Jacobian
    const [gx, gw, gb] = loss((xa, wa, ba) => approxDense(xa, wa, ba, hw, 0))([x, w, b]);
    const dy = tf.mul(ystar, 2);
    const [ex, ew] = [tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)];
    expect(tf.max(tf.abs(tf.sub(gx!, ex))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(gw!, ew))).dataSync()[0]).toBeLessThan(1e-3);
    expect(tf.max(tf.abs(tf.sub(gb!, tf.sum(dy, 0)))).dataSync()[0]).toBeLessThan(1e-4);
  });
});

describe('table matrix product', () => {
  it('equals the naive sum with and without the common-code shortcut', () => {
    const rng = new Rng(5);
    const range = 16;
    const products = Float64Array.from({ length: range * range }, () => rng.nextU32() % 1000);
    // The large shape splits its rows with the worker thread (>= 2M products), twice in a row (reused buffers).
    for (const [zeroShare, [m, k, n]] of [
      [0, [9, 40, 7]],
      [0.7, [9, 40, 7]],
      // Operand counts that are not a multiple of four (the code counter's tail).
      [0.7, [9, 41, 7]],
      [0.5, [3, 5, 2]],
      [0, [17, 400, 300]],
      [0.7, [17, 400, 300]],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, () => (rng.nextU32() / 2 ** 32 < zeroShare ? 0 : (rng.nextU32() % range) - 8));
      const b = Float32Array.from({ length: k * n }, () => (rng.nextU32() % range) - 8);
      const c = tableMatMul(a, b, m, k, n, products, -8, range);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += products[(a[i * k + t]! + 8) * range + b[t * n + j]! + 8]!;
          expect(c[i * n + j]).toBe(s);
        }
    }
  });
});

describe('convolution as patches', () => {
  it('matches tf.conv2d forward, and col2im is the adjoint of im2col (the input gradient)', () => {
    const rng = new Rng(9);
    for (const pad of ['same', 'valid'] as const) {
      const [n, h, w, c, kk, o] = [2, 7, 6, 3, 3, 4];
      const x = tf.tensor4d(rand(rng, n * h * w * c), [n, h, w, c]);
      const f = tf.tensor4d(rand(rng, kk * kk * c * o), [kk, kk, c, o]);
      const r = patches(x, kk, kk, pad);
      const y = tf.reshape(tf.matMul(r.cols, tf.reshape(f, [kk * kk * c, o])), [n, r.oh, r.ow, o]);
      expect(tf.max(tf.abs(tf.sub(y, tf.conv2d(x, f, 1, pad)))).dataSync()[0]).toBeLessThan(1e-5);
      const xs = rand(rng, n * h * w * c);
      const g = patchGeometry(n, h, w, c, kk, kk, pad);
      const cols = im2col(xs, g);
      const ys = rand(rng, cols.length);
      const back = col2im(ys, g);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < cols.length; i++) lhs += cols[i]! * ys[i]!;
      for (let i = 0; i < xs.length; i++) rhs += xs[i]! * back[i]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3);
    }
  });

  it("a convolution's direct form gives its dense form over the patches their value and gradients, bit for bit", async () => {
    const fm = await floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=5'));
    const arithmetics: [string, () => LayerArithmetic][] = [
      ['transform', () => new FixedArithmetic({ mult: drum, path: 'transform' })],
      ['table', () => new FixedArithmetic({ mult: drum, path: 'table' })],
      // The same flips in both forms: each gets a generator from the same seed.
      ['ntv', () => new FixedArithmetic({ mult: drum, path: 'transform', ntv: { rate: 0.05, rng: new Rng(5) } })],
      ['fpmul', () => new FloatArithmetic(fm)],
    ];
    const rng = new Rng(13);
    const cases: [[number, number, number, number], number, number, 'same' | 'valid'][] = [
      [[3, 9, 9, 1], 5, 6, 'same'],
      [[2, 7, 6, 3], 3, 4, 'valid'],
      [[2, 6, 6, 2], 4, 3, 'same'],
    ];
    for (const [shape, k, cout, pad] of cases)
      for (const [label, make] of arithmetics) {
        const [n, h, w, c] = shape;
        const [oh, ow] = pad === 'same' ? [h, w] : [h - k + 1, w - k + 1];
        // An image with background zeros, the hardware's usual input.
        const x = tf.tensor4d(
          rand(rng, n * h * w * c, 2).map((v) => (v > 1 ? 0 : v)),
          shape,
        );
        const [wt, b, g] = [
          tf.tensor2d(rand(rng, k * k * c * cout), [k * k * c, cout]),
          tf.tensor1d(rand(rng, cout, 0.1)),
          tf.tensor2d(rand(rng, n * oh * ow * cout), [n * oh * ow, cout]),
        ];
        const run = (form: (a: LayerArithmetic, x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D | undefined) =>
          tf.tidy(() => {
            const a = make();
            const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => form(a, xx as tf.Tensor4D, ww as tf.Tensor2D, bb as tf.Tensor1D)!;
            return [
              f(x, wt, b),
              ...tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(g, f(xx, ww, bb))))([x, wt, b]),
            ].map((t) => t.dataSync());
          });
        const direct = run((a, xx, ww, bb) => a.conv!(xx, ww, bb, k, pad, 1));
        expect(direct, `${label} ${shape} k=${k} ${pad}`).toEqual(run((a, xx, ww, bb) => a.dense(patches(xx, k, k, pad).cols, ww, bb, 1)));
        expect(direct[0]!.some((v) => v !== 0)).toBe(true);
        tf.dispose([x, wt, b, g]);
      }
    // FramNN's hardware backward forms its gradients' products on the patches: no direct form.
    expect(
      tf.tidy(() =>
        new FloatArithmetic(fm, { backward: 'hardware' }).conv(
          tf.zeros([1, 5, 5, 1]) as tf.Tensor4D,
          tf.zeros([9, 2]) as tf.Tensor2D,
          tf.zeros([2]) as tf.Tensor1D,
          3,
          'same',
        ),
      ),
    ).toBeUndefined();
  });

  it('LeNet-5 on the hardware: table path, transform path and integer reference agree', () => {
    const spec = lenet5([16, 16, 1], 10);
    const net = withBiases(new Network(spec, 4));
    const rng = new Rng(2);
    const xs = rand(rng, 6 * 256, 2);
    const x = tf.tensor4d(xs, [6, 16, 16, 1]);
    const exps = [-5, -4, -3, -3, -3];
    const t = net.forward(x, new FixedArithmetic({ mult: drum, path: 'transform', inputExps: exps })).dataSync();
    const g = net.forward(x, new FixedArithmetic({ mult: drum, path: 'table', inputExps: exps })).dataSync();
    expect(Array.from(t)).toEqual(Array.from(g));
    const layers = net.weighted.map((p) => ({ w: p.w.dataSync() as Float32Array, b: p.b.dataSync() as Float32Array }));
    const ref = referenceInference(quantiseNetwork(spec, layers, drum, exps), xs, 6);
    expect(Array.from(ref.logits, Math.fround)).toEqual(Array.from(t));
  });
});

describe('fpmul layers (binary32, run-time significand bits)', () => {
  it('resolves only binary32 rne with full subnormals, after checking the mask against the RTL', async () => {
    const fm = await floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=6'));
    expect(fm.mbits).toBe(6);
    expect(fm.provenance.checkedPairs).toBeGreaterThan(100000);
    expect(fm.mask >>> 0).toBe(0xfffc0000);
    await expect(floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=8,rounding=trunc'))).rejects.toThrow(AxhwError);
    await expect(floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=30'))).rejects.toThrow(/1..24/);
  });

  it('masks significands like the fpmul transform and matches the reference on a LeNet forward', async () => {
    const fm = await floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=4'));
    expect(Array.from(maskFloats(Float32Array.of(1.9999, -3.3, 0, Infinity), fm.mask))).toEqual([1.875, -3.25, 0, Infinity]);
    const spec = lenet5([16, 16, 1], 10);
    const net = withBiases(new Network(spec, 4));
    const xs = rand(new Rng(8), 20 * 256, 2);
    const pred = tf.argMax(net.forward(tf.tensor4d(xs, [20, 16, 16, 1]), new FloatArithmetic(fm)), 1).dataSync();
    const layers = net.weighted.map((p) => ({ w: p.w.dataSync() as Float32Array, b: p.b.dataSync() as Float32Array }));
    expect(Array.from(floatReferenceInference(spec, layers, fm, xs, 20).predictions)).toEqual(Array.from(pred));
  });

  it('at 24 bits equals the exact layer up to float32 summation order; at 3 bits it does not', async () => {
    const rng = new Rng(12);
    const x = tf.tensor2d(rand(rng, 8 * 30), [8, 30]);
    const w = tf.tensor2d(rand(rng, 30 * 5), [30, 5]);
    const b = tf.tensor1d(rand(rng, 5));
    const exact = exactDense(x, w, b);
    const d = async (m: string) =>
      tf.max(tf.abs(tf.sub(floatDense(x, w, b, await floatMultiplierFromUnit(resolveUnitSpec(`fpmul:mbits=${m}`))), exact))).dataSync()[0]!;
    expect(await d('24')).toBeLessThan(1e-5);
    expect(await d('3')).toBeGreaterThan(1e-2);
  });
});

describe('a non-commutative multiplier, a * (b & ~3), keeps its orientation end to end', () => {
  const range = 256;
  const P = (a: number, b: number) => mask.products![(a + 128) * range + (b + 128)]!;

  it('table rows are a and columns b; the transform has an activation side and a weight side', () => {
    expect(mask.signed).toBe(true);
    expect([P(3, 5), P(5, 3), P(-7, -1), P(-1, -7)]).toEqual([12, 0, 28, 8]);
    const t = mask.transform!;
    expect(t).toBeDefined();
    for (let a = -128; a < 128; a++)
      for (let b = -128; b < 128; b++) if (t.a[a + 128]! * t.b[b + 128]! !== a * (b & ~3)) throw new Error(`T(${a}) T(${b})`);
    expect(Array.from(t.a)).not.toEqual(Array.from(t.b));
  });

  it('a layer: transform path = table path = integer reference = the sum of a * (w & ~3) by hand; swapped sides differ', () => {
    const rng = new Rng(31);
    const [m, k, n] = [5, 9, 4];
    const x = tf.tensor2d(rand(rng, m * k, 3), [m, k]);
    const w = tf.tensor2d(rand(rng, k * n), [k, n]);
    const b = tf.tensor1d(rand(rng, n, 0.5));
    const spec: FixedSpec = { mult: mask, path: 'transform', inputExps: [-4] };
    const t = approxDense(x, w, b, spec, 0).dataSync();
    expect(Array.from(approxDense(x, w, b, { ...spec, path: 'table' }, 0).dataSync())).toEqual(Array.from(t));
    const one = resolveModel(`mlp:${n}`, [k], n);
    one.layers[0] = { kind: 'dense', units: n, relu: false };
    const layers = [{ w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array }];
    const q = quantiseNetwork(one, layers, mask, [-4]);
    expect(Array.from(referenceInference(q, x.dataSync() as Float32Array, m).logits, Math.fround)).toEqual(Array.from(t));
    // By hand, from the codes: y = (sum_t qx * (qw & ~3) + bias) * 2^(ex + ew).
    const ew = q.layers[0]!.weightExp;
    const xs = x.dataSync();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let r = 0; r < k; r++) acc += quantiseValue(xs[i * k + r]!, -4, -128, 127) * (q.layers[0]!.weightCodes[r * n + j]! & ~3);
        expect(t[i * n + j]).toBe(Math.fround((acc + q.layers[0]!.bias[j]!) * 2 ** (-4 + ew)));
      }
    // Negative control: the same table with the transform's sides swapped is a different layer.
    const swapped = { ...mask, transform: { a: mask.transform!.b, b: mask.transform!.a } };
    expect(Array.from(approxDense(x, w, b, { ...spec, mult: swapped }, 0).dataSync())).not.toEqual(Array.from(t));
  });

  it('trains on it (pas) and the integer reference agrees with the hardware path on every test sample', async () => {
    const rng = new Rng(5);
    const n = 400;
    const xs = rand(rng, n * 6, 1);
    const ys = Int32Array.from({ length: n }, (_, i) => (xs[6 * i]! + xs[6 * i + 1]! > 0 ? 1 : 0) + (xs[6 * i + 2]! > 0.3 ? 1 : 0));
    const half = (from: number, to: number) => ({
      x: xs.subarray(from * 6, to * 6),
      y: ys.subarray(from, to),
      n: to - from,
      shape: [6],
      classes: ['a', 'b', 'c'],
    });
    const model = resolveModel('mlp:12-3', [6], 3);
    const r = await train({
      data: { train: half(0, 300), test: half(300, n), shape: [6] },
      model,
      method: 'pas',
      hardware: fixedHardware(mask, 'transform', 'test'),
      epochs: 3,
      batchSize: 32,
      learningRate: 1e-2,
      seed: 2,
    });
    const hw = new FixedArithmetic({ mult: mask, path: 'transform' });
    const agree = referenceAgreement(r.net, half(300, n), hw.with({ inputExps: calibrate(r.net, half(0, 300), hw) }));
    expect(agree.samples).toBe(100);
    expect(agree.agreement).toBe(1);
    expect(agree.referenceAccuracy).toBeGreaterThan(0.6);
  });
});
