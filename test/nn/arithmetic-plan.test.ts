import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { exactArithmetic, type LayerArithmetic } from '../../src/nn/arithmetic.js';
import { exactDense } from '../../src/nn/ops/dense.js';
import { classification, regression } from '../../src/nn/task.js';
import { train } from '../../src/train/trainer.js';
import { AxhwError } from '../../src/errors.js';
import { arithmeticAtEpoch, arithmeticAtIteration, checkSchedule, describeSchedule } from '../../src/train/schedule.js';
import { fixedHardware } from '../../src/nn/hardware.js';
import { Rng } from '../../src/util/rng.js';
import { handMultiplier } from '../helpers/multiplier.js';

/** An arithmetic that records which layers it ran and scales its output (so it is visible in the result). */
function spy(label: string, factor: number): LayerArithmetic & { calls: number[] } {
  const calls: number[] = [];
  return { label, calls, dense: (x, w, b, layer) => (calls.push(layer), tf.mul(exactDense(x, w, b), factor) as tf.Tensor2D) };
}

beforeAll(async () => {
  await initBackend();
});

describe('per-layer arithmetic', () => {
  const spec = resolveModel('mlp:6-5-3', [4], 3);
  const input = () =>
    tf.tensor2d(
      Float32Array.from({ length: 8 }, (_, i) => i / 3 - 1),
      [2, 4],
    );

  it('runs each weighted layer on its own arithmetic; absent layers are exact', () => {
    const net = new Network(spec, 1);
    const x = input();
    const s = spy('double', 2);
    const exact = net.forward(x).dataSync();
    expect(Array.from(net.forward(x, [exactArithmetic, exactArithmetic, exactArithmetic]).dataSync())).toEqual(Array.from(exact));
    const mixed = net.forward(x, [undefined, undefined, s]).dataSync();
    expect(s.calls).toEqual([2]);
    // Only the last (linear) layer doubles: the logits double exactly.
    expect(Array.from(mixed)).toEqual(Array.from(exact, (v) => Math.fround(2 * v)));
    const all = spy('all', 1);
    net.forward(x, all);
    expect(all.calls).toEqual([0, 1, 2]);
  });

  it('tells the first weighted layer, and only it, that its input is data (no input gradient to compute)', () => {
    const inputs: (boolean | undefined)[] = [];
    const told: LayerArithmetic = { label: 'told', dense: (x, w, b, _layer, input) => (inputs.push(input), exactDense(x, w, b, input)) };
    const net = new Network(spec, 1);
    net.forward(input(), told);
    expect(inputs).toEqual([false, true, true]);
    // The network after a flatten: the first dense layer still reads data.
    const image = new Network(resolveModel('mlp:5-3', [2, 2, 1], 3), 1);
    inputs.length = 0;
    image.forward(tf.zeros([2, 2, 2, 1]), told);
    expect(inputs).toEqual([false, true]);
  });

  it('a schedule changes the hardware arithmetic between epochs, and is data', async () => {
    const a = spy('a', 1);
    const b = spy('b', 1);
    const schedule = [
      { epochs: 2, arithmetic: a, label: 'mbits 4' },
      { epochs: 1, arithmetic: b, label: 'mbits 8' },
    ];
    expect([1, 2, 3, 4].map((e) => arithmeticAtEpoch(schedule, e))).toEqual([a, a, b, b]);
    expect(describeSchedule(schedule)).toEqual([
      { epochs: 2, arithmetic: 'mbits 4' },
      { epochs: 1, arithmetic: 'mbits 8' },
    ]);
    const { n, data, hardware } = scheduleCase(3);
    const batches = Math.ceil(n / 16);
    const r = await train({ data, model: spec, method: 'pas', hardware, schedule, epochs: 3, batchSize: 16, learningRate: 1e-2, seed: 1 });
    expect(r.history).toHaveLength(3);
    // Two epochs on a, one on b; each training batch runs all three layers once.
    expect(a.calls.length).toBe(2 * batches * 3);
    expect(b.calls.length).toBe(batches * 3);
  });

  it('a schedule step may last iterations: the arithmetic switches mid-epoch (FramNN adaptive schedules)', async () => {
    const a = spy('a', 1);
    const b = spy('b', 1);
    const schedule = [
      { iterations: 3, arithmetic: a, label: 'mbits 4' },
      { epochs: 1, arithmetic: b, label: 'mbits 8' },
    ];
    // 4 batches an epoch: iterations 0..2 on a, 3..6 on b, then b holds
    expect([0, 1, 2, 3, 6, 7, 20].map((i) => arithmeticAtIteration(schedule, i, 4))).toEqual([a, a, a, b, b, b, b]);
    expect(describeSchedule(schedule)).toEqual([
      { iterations: 3, arithmetic: 'mbits 4' },
      { epochs: 1, arithmetic: 'mbits 8' },
    ]);
    const { data, hardware } = scheduleCase(4);
    await train({ data, model: spec, method: 'pas', hardware, schedule, epochs: 2, batchSize: 16, learningRate: 1e-2, seed: 1 });
    // 8 training batches of three layers: 3 on a, 5 on b
    expect(a.calls.length).toBe(3 * 3);
    expect(b.calls.length).toBe(5 * 3);
    for (const bad of [
      [],
      [{ arithmetic: a, label: 'no length' }],
      [{ epochs: 1, iterations: 2, arithmetic: a, label: 'both' }],
      [{ iterations: 1.5, arithmetic: a, label: 'fraction' }],
    ]) {
      expect(() => checkSchedule(bad), JSON.stringify(bad.map((s) => s.label))).toThrow(AxhwError);
    }
  });
});

describe('tasks', () => {
  it('classification: metric is the accuracy of the first maximum', () => {
    const out = Float32Array.of(0.1, 0.9, 0.5, 0.5, 2, -1);
    expect(classification.metricOf(out, Int32Array.of(1, 0, 1), 3)).toBeCloseTo(2 / 3);
  });

  it('regression trains an MLP on real-valued targets by mean squared error', async () => {
    const rng = new Rng(11);
    const n = 256;
    const xs = Float32Array.from({ length: n * 3 }, () => (rng.nextU32() / 2 ** 32) * 2 - 1);
    // Two real outputs: a linear and a nonlinear function of the inputs.
    const ys = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const [a, b, c] = [xs[3 * i]!, xs[3 * i + 1]!, xs[3 * i + 2]!];
      ys[2 * i] = 0.5 * a - b + 0.25 * c;
      ys[2 * i + 1] = a * b;
    }
    const data = { train: { x: xs, y: ys, n }, test: { x: xs, y: ys, n }, shape: [3] };
    const model = resolveModel('mlp:16-2', [3], 2);
    model.layers[model.layers.length - 1] = { kind: 'dense', units: 2, relu: false };
    const r = await train({ data, model, method: 'bp', task: regression, epochs: 30, batchSize: 32, learningRate: 1e-2, seed: 2 });
    const first = r.history[0]!;
    const last = r.history.at(-1)!;
    expect(last.loss).toBeLessThan(0.2 * first.loss);
    // The recorded metric is the MSE of the test outputs, as computed from the outputs directly.
    const out = r.net.forward(tf.tensor2d(xs, [n, 3])).dataSync() as Float32Array;
    expect(last.testAccuracy).toBeCloseTo(regression.metricOf(out, ys, n), 6);
    expect(last.testAccuracy).toBeLessThan(0.05);
  });
});

/** 64 seeded samples of 4 features in 3 classes, and an exact 8-bit table multiplier, for the schedule runs. */
function scheduleCase(seed: number) {
  const rng = new Rng(seed);
  const n = 64;
  const xs = Float32Array.from({ length: n * 4 }, () => rng.nextU32() / 2 ** 32 - 0.5);
  const ys = Int32Array.from({ length: n }, (_, i) => i % 3);
  const data = { train: { x: xs, y: ys, n }, test: { x: xs, y: ys, n }, shape: [4] };
  return {
    n,
    data,
    hardware: fixedHardware(
      handMultiplier(8, (p, q) => p * q),
      'table',
      'test',
    ),
  };
}
