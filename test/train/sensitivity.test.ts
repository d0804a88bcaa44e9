import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel, type ModelSpec } from '../../src/ir/model-spec.js';
import { outputGradients, sensitivityMaps, sensitivityOf } from '../../src/train/sensitivity.js';
import { sensitivityGradient } from '../../src/train/act.js';
import { Rng } from '../../src/util/rng.js';
import { mlp64 } from '../helpers/mlp64.js';

beforeAll(async () => {
  await initBackend();
});

describe('AxTrain sensitivity: the Hessian-vector product against finite differences', () => {
  const sizes = [5, 7, 6, 3];
  const n = 4;
  const rng = new Rng(11);
  const x = Float32Array.from({ length: n * sizes[0]! }, () => (rng.nextU32() / 2 ** 32) * 2 - 1);

  function setup() {
    const net = new Network(resolveModel(`mlp:${sizes.slice(1).join('-')}`, [sizes[0]!], sizes.at(-1)!), 3);
    // Non-zero biases, so no hidden pre-activation sits at a ReLU kink.
    net.weighted.forEach((p, l) =>
      p.b.assign(tf.tensor1d(Float32Array.from({ length: sizes[l + 1]! }, (_, j) => 0.05 * (j + 1) * (l % 2 ? -1 : 1)))),
    );
    const ws = net.weighted.map((p) => Float64Array.from(p.w.dataSync()));
    const bs = net.weighted.map((p) => Float64Array.from(p.b.dataSync()));
    return { net, ws, bs };
  }

  it('g = dO/dW and S match the float64 model', () => {
    const { net, ws, bs } = setup();
    const ref = mlp64(ws, bs, sizes, Float64Array.from(x), n);
    const xt = tf.tensor2d(x, [n, sizes[0]!]);
    const weights = net.weighted.map((p) => p.w as tf.Tensor);
    const gs = outputGradients(net, xt, weights);
    gs.forEach((g, l) => Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.g[l]![i]!, 5)));
    expect(sensitivityOf(gs, weights).dataSync()[0]).toBeCloseTo(ref.S, 4);
    net.dispose();
  });

  it('dS/dW by double back-propagation equals central finite differences of S, and the closed form sign(gw) g + H (sign(gw) w)', () => {
    const { net, ws, bs } = setup();
    const xt = tf.tensor2d(x, [n, sizes[0]!]);
    const { s, grads } = sensitivityGradient(
      net,
      xt,
      net.weighted.map((p) => p.w as tf.Tensor),
    );
    const x64 = Float64Array.from(x);
    const ref = mlp64(ws, bs, sizes, x64, n);
    expect(s).toBeCloseTo(ref.S, 4);
    const got = grads.map((g) => g.dataSync());
    const eps = 1e-6;
    // H v with v = sign(g w) w, by central differences of g along v.
    const v = ws.map((w, l) => w.map((wi, i) => Math.sign(ref.g[l]![i]! * wi) * wi));
    const step = (sgn: number) =>
      mlp64(
        ws.map((w, l) => w.map((wi, i) => wi + sgn * eps * v[l]![i]!)),
        bs,
        sizes,
        x64,
        n,
      ).g;
    const [gp, gm] = [step(1), step(-1)];
    let checked = 0;
    let hvpNonZero = 0;
    ws.forEach((w, l) =>
      w.forEach((wi, i) => {
        const bump = (d: number) => {
          const w2 = ws.map((a) => Float64Array.from(a));
          w2[l]![i] = wi + d;
          return mlp64(w2, bs, sizes, x64, n).S;
        };
        const fd = (bump(eps) - bump(-eps)) / (2 * eps);
        const hv = (gp[l]![i]! - gm[l]![i]!) / (2 * eps);
        const closed = Math.sign(ref.g[l]![i]! * wi) * ref.g[l]![i]! + hv;
        if (Math.abs(hv) > 1e-3) hvpNonZero++;
        expect(closed).toBeCloseTo(fd, 5);
        expect(Math.abs(got[l]![i]! - fd)).toBeLessThan(1e-4 + 1e-4 * Math.abs(fd));
        checked++;
      }),
    );
    expect(checked).toBe(5 * 7 + 7 * 6 + 6 * 3);
    // The second-order term matters: without it the gradient would be wrong for many weights.
    expect(hvpNonZero).toBeGreaterThan(checked / 3);
    net.dispose();
  });

  it('sensitivity maps over a data set add up batch by batch to S of the whole set', () => {
    const { net } = setup();
    const d = { x, y: new Int32Array(n), n, shape: [sizes[0]!], classes: ['a', 'b', 'c'] };
    const whole = sensitivityMaps(net, d, n);
    const batched = sensitivityMaps(net, d, 1);
    const xt = tf.tensor2d(x, [n, sizes[0]!]);
    const weights = net.weighted.map((p) => p.w as tf.Tensor);
    const S = sensitivityOf(outputGradients(net, xt, weights), weights).dataSync()[0]!;
    expect(whole.total).toBeCloseTo(S, 4);
    expect(batched.total).toBeCloseTo(S, 4);
    expect(whole.maps.map((m) => [m.layer, m.rows, m.cols])).toEqual([
      [0, 5, 7],
      [1, 7, 6],
      [2, 6, 3],
    ]);
    net.dispose();
  });
});

describe('AxTrain sensitivity through convolutions (patches, max pooling)', () => {
  it('dS/dW by double back-propagation equals central differences of S on a conv + pool + dense network', () => {
    // Two weighted layers: O is bilinear in (conv, dense) weights between ReLU/pooling switches, so S is
    // piecewise quadratic and central differences are exact up to float32 rounding. This covers the
    // patch (im2col/col2im) and max-pooling gradients, which must themselves be differentiable.
    const spec: ModelSpec = {
      name: 'tiny-cnn',
      input: [6, 6, 2],
      layers: [
        { kind: 'conv2d', filters: 3, kernel: 3, pad: 'same', relu: true },
        { kind: 'maxpool', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', units: 4, relu: false },
      ],
    };
    const net = new Network(spec, 5);
    net.weighted.forEach((p, l) => p.b.assign(tf.fill([p.b.shape[0]!], l ? -0.1 : 0.07)));
    const rng = new Rng(9);
    const x = tf.tensor4d(
      Float32Array.from({ length: 3 * 6 * 6 * 2 }, () => (rng.nextU32() / 2 ** 32) * 2 - 1),
      [3, 6, 6, 2],
    );
    const weights = net.weighted.map((p) => p.w as tf.Tensor);
    const { s, grads } = sensitivityGradient(net, x, weights);
    const S = (ws: tf.Tensor[]) => tf.tidy(() => sensitivityOf(outputGradients(net, x, ws), ws).dataSync()[0]!);
    expect(S(weights)).toBeCloseTo(s, 5);
    // Small enough that no ReLU or pooling switch flips inside the step, large enough for float32.
    const eps = 1e-3;
    let checked = 0;
    weights.forEach((w, l) => {
      const data = w.dataSync() as Float32Array;
      const got = grads[l]!.dataSync();
      for (let i = 0; i < data.length; i += 3) {
        if (Math.abs(data[i]!) < 10 * eps) continue; // |g w| has its kink at w = 0: not differentiable there
        const bumped = (d: number) => {
          const v = Float32Array.from(data);
          v[i] = v[i]! + d;
          const t = tf.tensor(v, w.shape);
          const r = S(weights.map((u, j) => (j === l ? t : u)));
          t.dispose();
          return r;
        };
        const fd = (bumped(eps) - bumped(-eps)) / (2 * eps);
        expect(Math.abs(got[i]! - fd)).toBeLessThan(3e-3 + 2e-3 * Math.abs(fd));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(30);
    net.dispose();
  });
});
