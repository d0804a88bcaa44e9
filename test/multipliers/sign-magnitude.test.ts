import { beforeAll, describe, expect, it } from 'vitest';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { verifyDesign } from '../../src/verify/verify.js';
import { multiplierFromUnit, type ApproxMultiplier } from '../../src/multipliers/fixed-multiplier.js';
import { initBackend, tf } from '../../src/nn/backend.js';
import { FixedArithmetic, type FixedSpec } from '../../src/nn/fixed-arithmetic.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { quantiseNetwork } from '../../src/ir/quantised-network.js';
import { referenceInference } from '../../src/infer/reference.js';
import { Rng } from '../../src/util/rng.js';
import { drumBruteForce } from '../helpers/drum-brute-force.js';
import { requireTool } from '../helpers/tools.js';

/**
 * Operands as sign + 8-bit magnitude around the unsigned DRUM core (the AxTrain experiment's multipliers):
 * every k from 2 to 8 is legal, the RTL equals the model on every pair, and the product a layer reads for
 * each pair of codes in [-255, 255] is sign(a) sign(b) DRUM(|a|, |b|) by an independent statement of DRUM.
 */
const KS = [2, 3, 4, 5, 6, 7, 8];
const approxDense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, spec: FixedSpec) => new FixedArithmetic(spec).dense(x, w, b, 0);
const mults = new Map<number, ApproxMultiplier>();

beforeAll(async () => {
  requireTool('verilator');
  await initBackend();
  for (const k of KS) mults.set(k, await multiplierFromUnit(`drum:width=8,k=${k}`));
});

describe('sign-magnitude DRUM at 8 bits, k = 2..8', () => {
  it.each(KS)('k = %i: the unsigned core RTL equals its model on all 65,536 pairs', async (k) => {
    const { unit, params } = resolveUnit('drum', { width: 8, k });
    const r = await verifyDesign(generateDesign(unit, params));
    expect(r.mode).toBe('exhaustive');
    expect([r.pairs, r.mismatches, r.passed]).toEqual([65_536, 0, true]);
  });

  it('the table path reads sign(a) sign(b) DRUM(|a|, |b|) for every pair of codes in [-255, 255]', () => {
    for (const k of KS) {
      const m = mults.get(k)!;
      expect([m.signed, m.qmin, m.qmax]).toEqual([false, -255, 255]);
      const range = m.qmax - m.qmin + 1;
      let bad = 0;
      for (let a = -255; a <= 255; a++)
        for (let b = -255; b <= 255; b++) if (m.products![(a + 255) * range + (b + 255)] !== drumBruteForce(a, b, k)) bad++;
      expect(bad, `k = ${k}`).toBe(0);
    }
  });

  it('k = 2 keeps every product inside the 16-bit result (the signed unit refuses k = 2)', () => {
    const m = mults.get(2)!;
    expect(m.products!.reduce((x, p) => Math.max(x, Math.abs(p)), 0)).toBe(drumBruteForce(255, 255, 2));
    expect(drumBruteForce(255, 255, 2)).toBeLessThan(2 ** 16);
    expect(() => resolveUnit('drum', { width: 8, k: 2, signed: true })).toThrow(/k >= 3/);
  });

  it('a dense layer on k = 2: transform path = table path = integer reference, bit for bit', () => {
    const m = mults.get(2)!;
    const [rows, fanIn, outs] = [23, 41, 13];
    const rng = new Rng(5);
    const rand = (n: number, s: number) => Float32Array.from({ length: n }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * s);
    const x = tf.tensor2d(rand(rows * fanIn, 3), [rows, fanIn]);
    const w = tf.tensor2d(rand(fanIn * outs, 0.5), [fanIn, outs]);
    const b = tf.tensor1d(rand(outs, 0.2));
    const t = approxDense(x, w, b, { mult: m, path: 'transform', inputExps: [-5] }).dataSync();
    const g = approxDense(x, w, b, { mult: m, path: 'table', inputExps: [-5] }).dataSync();
    expect(Array.from(t)).toEqual(Array.from(g));
    const spec = resolveModel(`mlp:${outs}`, [fanIn], outs);
    spec.layers[0] = { kind: 'dense', units: outs, relu: false };
    const q = quantiseNetwork(spec, [{ w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array }], m, [-5]);
    // Codes reach the sign-magnitude extremes: the full range is exercised.
    expect(Math.min(...q.layers[0]!.weightCodes)).toBeLessThan(-128);
    const ref = referenceInference(q, x.dataSync() as Float32Array, rows);
    expect(Array.from(ref.logits, Math.fround)).toEqual(Array.from(t));
    tf.dispose([x, w, b]);
  });
});
