import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { lenet5, resolveModel } from '../../src/ir/model-spec.js';
import { FloatArithmetic } from '../../src/nn/float-arithmetic.js';
import { floatReferenceInference } from '../../src/infer/reference.js';
import type { FloatMultiplier } from '../../src/multipliers/float-multiplier.js';
import { Rng } from '../../src/util/rng.js';
import { formatArithmetic } from '../../src/arith/float-format.js';

/** fpmul at m significand bits as training sees it, built in the test (the mask; no RTL needed here). */
const fpmulAt = (mbits: number): FloatMultiplier => ({
  kind: 'float',
  label: `mask ${mbits}`,
  mbits,
  mask: (0xffffffff ^ (2 ** (24 - mbits) - 1)) >>> 0,
  format: { exp: 8, frac: 23 },
  provenance: { source: 'registry-unit', unit: 'fpmul', params: {}, top: 'test', rtlHash: 'test', checkedPairs: 0 },
});

beforeAll(async () => {
  await initBackend();
});

describe('float (fpmul) reference inference', () => {
  it('a dense layer by hand: masked operands, products rounded to float32, summed in order, bias, ReLU', () => {
    const spec = resolveModel('mlp:2', [3], 2);
    spec.layers[0] = { kind: 'dense', units: 2, relu: true };
    // At 3 significand bits 1.875 keeps 1.75, 0.3 (1.0011b x 2^-2) keeps 0.25, -2.6 keeps -2.5, 1.1 keeps 1.0.
    const w = Float32Array.of(1.875, -2.6, 0.3, 1.1, 1.0, 1.0);
    const b = Float32Array.of(0.5, -100);
    const x = Float32Array.of(1.1, 1.875, -2.6);
    const r = floatReferenceInference(spec, [{ w, b }], fpmulAt(3), x, 1);
    // column 0: 1.0 * 1.75 + 1.75 * 0.25 + (-2.5) * 1.0 + 0.5; column 1: negative, ReLU gives 0
    expect(r.logits[0]).toBe(Math.fround(1.75 + 1.75 * 0.25 - 2.5 + 0.5));
    expect(r.logits[1]).toBe(0);
    expect(Array.from(r.predictions)).toEqual([0]);
  });

  it('on a bfloat16 unit: operands rounded to the format and masked, every product rounded to the format, by hand', () => {
    const spec = resolveModel('mlp:2', [2], 2);
    spec.layers[0] = { kind: 'dense', units: 2, relu: false };
    const fm: FloatMultiplier = { ...fpmulAt(4), format: { exp: 8, frac: 7 }, narrow: formatArithmetic({ exp: 8, frac: 7 }, 4) };
    // x: 1.2 -> bfloat16 1.203125 -> 4 bits 1.125; 3.1 -> 3.09375 -> 3.0. w: 1.3 -> 1.296875 -> 1.25;
    // 0.7 -> 0.69921875 -> 0.6875; -1.9 -> -1.8984375 -> -1.875; 2.6 -> 2.59375 -> 2.5.
    const w = Float32Array.of(1.3, 0.7, -1.9, 2.6);
    const x = Float32Array.of(1.2, 3.1);
    const r = floatReferenceInference(spec, [{ w, b: Float32Array.of(0, 0) }], fm, x, 1);
    // 1.125 x 1.25 = 1.40625 and 3.0 x -1.875 = -5.625; 1.125 x 0.6875 = 0.7734375 (1.1000110b x 2^-1) and
    // 3.0 x 2.5 = 7.5: all within bfloat16's 8 bits, so exact.
    expect(r.logits[0]).toBe(Math.fround(1.40625 - 5.625));
    expect(r.logits[1]).toBe(Math.fround(0.7734375 + 7.5));
    // a product the format must round: 1.9375 (5 bits, so m = 5) squared
    const fm5: FloatMultiplier = { ...fm, narrow: formatArithmetic({ exp: 8, frac: 7 }, 5) };
    const sq = floatReferenceInference(
      resolveModel('mlp:1', [1], 1),
      [{ w: Float32Array.of(1.9375), b: Float32Array.of(0) }],
      fm5,
      Float32Array.of(1.9375),
      1,
    );
    // 1.9375^2 = 3.75390625 = 1.111000001b x 2^1 (10 bits): to 8 bits 1.1110000b x 2 = 3.75 (below the midpoint)
    expect(sq.logits[0]).toBe(3.75);
    const exact32 = floatReferenceInference(
      resolveModel('mlp:1', [1], 1),
      [{ w: Float32Array.of(1.9375), b: Float32Array.of(0) }],
      fpmulAt(5),
      Float32Array.of(1.9375),
      1,
    );
    expect(exact32.logits[0]).toBe(3.75390625);
  });

  it('a LeNet forward (conv, pool, dense; with biases) agrees with the fpmul layers up to summation order', () => {
    const spec = lenet5([12, 12, 1], 5);
    const net = new Network(spec, 9);
    net.setWeights(
      net
        .weights()
        .map((t) => (t.name.startsWith('b') ? { ...t, data: Float32Array.from(t.data, (_, i) => 0.1 * Math.cos(i + t.data.length)) } : t)),
    );
    const rng = new Rng(4);
    const n = 6;
    const xs = Float32Array.from({ length: n * 144 }, () => ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2);
    for (const m of [4, 10]) {
      const fm = fpmulAt(m);
      const ref = floatReferenceInference(spec, net.weightArrays(), fm, xs, n);
      const path = net.forward(tf.tensor4d(xs, [n, 12, 12, 1]), new FloatArithmetic(fm)).dataSync();
      for (let i = 0; i < path.length; i++)
        expect(Math.abs(ref.logits[i]! - path[i]!), `m ${m}, logit ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(path[i]!)));
      // ... and the mask matters: the exact network's logits are further away.
      const exact = net.forward(tf.tensor4d(xs, [n, 12, 12, 1])).dataSync();
      const far = Array.from(exact).reduce((s, v, i) => Math.max(s, Math.abs(v - ref.logits[i]!)), 0);
      expect(far).toBeGreaterThan(1e-3);
    }
  });
});
