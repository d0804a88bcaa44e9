import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { FloatArithmetic } from '../../src/nn/float-arithmetic.js';
import { checkPairsOnRtl, floatMultiplierFromUnit, maskFloatsJs, type FloatMultiplier } from '../../src/multipliers/float-multiplier.js';
import { ProductTrace } from '../../src/multipliers/product-trace.js';
import { formatCodesOf } from '../../src/arith/float-format.js';
import { fpDecode, fpmulBatchModel } from '../../src/models/fpmul.js';
import { resolveUnitSpec } from '../../src/gen/unit-spec.js';
import { getDataset } from '../../src/data/datasets.js';
import { prepareDataset } from '../../src/data/prepare.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { train } from '../../src/train/trainer.js';
import { floatHardware } from '../../src/nn/hardware.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const fpmul = (m: number) => floatMultiplierFromUnit(resolveUnitSpec(`fpmul:mbits=${m}`));
const rand = (rng: Rng, n: number, scale: number) => Float32Array.from({ length: n }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * scale);

/** sum_k T(a[i,k]) T(b[k,j]) in float64 (each product of two m <= 12-bit significands is exact in float32). */
function maskedMatMul(a: Float32Array, r: number, k: number, b: Float32Array, c: number, mask: number): Float64Array {
  const ta = maskFloatsJs(a, mask);
  const tb = maskFloatsJs(b, mask);
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) for (let t = 0; t < k; t++) out[i * c + j]! += ta[i * k + t]! * tb[t * c + j]!;
  return out;
}
const transpose = (a: Float32Array, r: number, c: number) =>
  Float32Array.from({ length: r * c }, (_, i) => a[(i % r) * c + Math.floor(i / r)]!);
const maxRel = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  return err / scale;
};

describe('FramNN approximate training: the backward products on the fpmul', () => {
  let m4: FloatMultiplier;
  beforeAll(async () => {
    requireTool('verilator');
    await initBackend();
    m4 = await fpmul(4);
  });

  it('backward `hardware`: dX = T(dY) T(W^T) and dW = T(X^T) T(dY); the straight-through backward is not', () => {
    const rng = new Rng(21);
    const [n, k, o] = [5, 7, 3];
    const x = rand(rng, n * k, 2);
    const w = rand(rng, k * o, 1);
    const dyv = rand(rng, n * o, 0.3);
    const grads = (backward: 'exact' | 'hardware') => {
      const f = (xt: tf.Tensor, wt: tf.Tensor) =>
        tf.sum(
          tf.mul(
            new FloatArithmetic(m4, { backward }).dense(xt as tf.Tensor2D, wt as tf.Tensor2D, tf.zeros([o])),
            tf.tensor2d(dyv, [n, o]),
          ),
        );
      const [gx, gw] = tf.grads(f)([tf.tensor2d(x, [n, k]), tf.tensor2d(w, [k, o])]);
      return { dx: gx!.dataSync(), dw: gw!.dataSync() };
    };
    const wantDx = maskedMatMul(dyv, n, o, transpose(w, k, o), k, m4.mask);
    const wantDw = maskedMatMul(transpose(x, n, k), k, n, dyv, o, m4.mask);
    const hw = grads('hardware');
    expect(maxRel(hw.dx, wantDx)).toBeLessThan(1e-6);
    expect(maxRel(hw.dw, wantDw)).toBeLessThan(1e-6);
    // negative control: the exact backward's gradients are not the masked ones at 4 bits
    const ste = grads('exact');
    expect(maxRel(ste.dx, wantDx)).toBeGreaterThan(1e-2);
    expect(maxRel(ste.dw, wantDw)).toBeGreaterThan(1e-2);
  });

  it("the gradient products of real training run on the Verilated fpmul give the layer's products; a wrong mask is caught", async () => {
    const data = prepareDataset(getDataset('digits'), { seed: 3, limitTrain: 256, limitTest: 64 });
    const model = resolveModel('mlp:32-10', data.shape, data.classes.length);
    for (const fm of [m4, await fpmul(11)]) {
      const backwardTrace = new ProductTrace({ seed: 9, dotsPerProduct: 3, maxPairs: 20000 });
      const trace = new ProductTrace({ seed: 8, dotsPerProduct: 3, maxPairs: 20000 });
      const arithmetic = new FloatArithmetic(fm, { backward: 'hardware', trace, backwardTrace });
      const r = await train({
        data,
        model,
        method: 'pas',
        hardware: floatHardware(fm),
        schedule: [{ epochs: 1, arithmetic, label: `mbits ${fm.mbits}` }],
        epochs: 1,
        batchSize: 32,
        learningRate: 1e-3,
        seed: 2,
      });
      r.net.dispose();
      expect(trace.pairs).toBeGreaterThan(1000);
      expect(backwardTrace.pairs).toBeGreaterThan(1000);
      const { a, b } = backwardTrace.operands();
      // gradients are small: many operands far below 1, so the exponent path is exercised, not just the mask
      expect(Array.from(a).filter((v) => ((v >>> 23) & 0xff) < 110).length).toBeGreaterThan(100);
      const proof = await checkPairsOnRtl(fm, a, b);
      expect(proof).toEqual({ pairs: a.length, mismatches: [] });
      // negative control: a layer keeping one bit more than the RTL at this m
      const wrong = { ...fm, mask: (fm.mask | (2 ** (23 - fm.mbits))) >>> 0 };
      expect((await checkPairsOnRtl(wrong, a, b)).mismatches.length).toBeGreaterThan(0);
    }
  });

  it('approximate training reaches a usable network on real data, and differs from FramNN training', async () => {
    const data = prepareDataset(getDataset('digits'), { seed: 1, limitTrain: 600, limitTest: 200 });
    const model = resolveModel('mlp:32-10', data.shape, data.classes.length);
    const run = (backward: 'exact' | 'hardware') =>
      train({
        data,
        model,
        method: 'pas',
        hardware: floatHardware(m4),
        schedule: [{ epochs: 3, arithmetic: new FloatArithmetic(m4, { backward }), label: 'mbits 4' }],
        epochs: 3,
        batchSize: 32,
        learningRate: 3e-3,
        seed: 1,
      });
    const a = await run('hardware');
    const f = await run('exact');
    expect(a.history.at(-1)!.testAccuracyHw!).toBeGreaterThan(0.7);
    const wa = a.net.weights()[0]!.data;
    const wf = f.net.weights()[0]!.data;
    expect(wa.some((v, i) => v !== wf[i])).toBe(true);
    for (const r of [a, f]) r.net.dispose();
  });

  it.each(['bfloat16', 'binary16'])(
    "on a %s fpmul every layer product is the unit model's product, rounded to the format; the RTL agrees on the gradients",
    async (preset) => {
      const fm = await floatMultiplierFromUnit(resolveUnitSpec(`fpmul:preset=${preset},mbits=6`));
      expect(fm.narrow).toBeDefined();
      const f = fm.format;
      const rng = new Rng(5);
      const [n, k, o] = [4, 12, 3];
      const x = rand(rng, n * k, 3);
      const w = rand(rng, k * o, 0.8);
      const y = new FloatArithmetic(fm).dense(tf.tensor2d(x, [n, k]), tf.tensor2d(w, [k, o]), tf.zeros([o])).dataSync();
      // independently: codes of the operands, products from the unit's own model, summed in float32 in k order
      const xc = formatCodesOf(f, new Uint32Array(x.buffer));
      const wc = formatCodesOf(f, new Uint32Array(w.buffer));
      const model = fpmulBatchModel({ ...f, rounding: 'rne', subnormals: 'full' }, 6);
      const want = new Float32Array(n * o);
      const prod = new Uint32Array(1);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < o; j++) {
          let acc = 0;
          for (let t = 0; t < k; t++) {
            model.evalBatch(Uint32Array.of(xc[i * k + t]!), Uint32Array.of(wc[t * o + j]!), 1, prod);
            acc = Math.fround(acc + fpDecode(f, prod[0]!));
          }
          want[i * o + j] = acc;
        }
      expect(Array.from(y)).toEqual(Array.from(want));
      // negative control: masking float32 operands and one float32 product (the binary32 path) is not this unit
      const asBinary32 = new FloatArithmetic({ ...fm, narrow: undefined, mask: (0xffffffff ^ (2 ** 18 - 1)) >>> 0 })
        .dense(tf.tensor2d(x, [n, k]), tf.tensor2d(w, [k, o]), tf.zeros([o]))
        .dataSync();
      expect(Array.from(asBinary32)).not.toEqual(Array.from(want));
      // the gradient products of real training, as the format's codes, through the Verilated unit
      const data = prepareDataset(getDataset('digits'), { seed: 3, limitTrain: 128, limitTest: 32 });
      const backwardTrace = new ProductTrace({ seed: 9, dotsPerProduct: 3, maxPairs: 8000 });
      const arithmetic = new FloatArithmetic(fm, { backward: 'hardware', backwardTrace });
      (
        await train({
          data,
          model: resolveModel('mlp:16-10', data.shape, 10),
          method: 'pas',
          hardware: floatHardware(fm),
          schedule: [{ epochs: 1, arithmetic, label: preset }],
          epochs: 1,
          batchSize: 32,
          learningRate: 1e-3,
          seed: 2,
        })
      ).net.dispose();
      const ops = backwardTrace.operands();
      const proof = await checkPairsOnRtl(fm, formatCodesOf(f, ops.a), formatCodesOf(f, ops.b));
      expect(proof).toEqual({ pairs: ops.a.length, mismatches: [] });
    },
  );
});
