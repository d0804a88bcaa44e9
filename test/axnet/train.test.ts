import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { EXACT } from '../../src/axnet/framework.js';
import { trainFramework, type TrainSettings } from '../../src/axnet/train.js';
import { matchParameterCount, type Topology } from '../../src/axnet/topology.js';
import { invocationMetrics } from '../../src/axnet/metrics.js';
import { kmeans } from '../../src/data/axbench/kmeans.js';
import { bessel } from '../../src/data/axbench/bessel.js';
import { fixedHardware } from '../../src/nn/hardware.js';
import { hadamardOn } from '../../src/axnet/hadamard.js';
import { handMultiplier } from '../helpers/multiplier.js';

beforeAll(async () => {
  await initBackend();
});

const settings: TrainSettings = { epochs: 4, batchSize: 32, learningRate: 0.005, errorBound: 0.03, rounds: 3, seed: 1, hardware: EXACT };
const n = 640;
const data = { ...bessel.generate(n, 1), n };
const test = { ...bessel.generate(400, 2), n: 400 };
const base: Topology = { inputs: 2, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 };

describe('training the three methods', () => {
  it('axnet: one phase, the joint loss falls, the invocation trace is recorded, deterministic', async () => {
    const t = matchParameterCount(base, 'all').topology;
    const a = await trainFramework('axnet', t, data, settings);
    expect(a.steps).toBe(4 * (n / 32));
    expect(a.history.map((h) => h.phase)).toEqual(['axnet', 'axnet', 'axnet', 'axnet']);
    expect(a.history.at(-1)!.loss).toBeLessThan(a.history[0]!.loss);
    for (const h of a.history) {
      expect(h.trueInvocation).toBeGreaterThanOrEqual(0);
      expect(h.predictedInvocation).toBeLessThanOrEqual(1);
    }
    const b = await trainFramework('axnet', t, data, settings);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(Array.from(b.framework.evaluate(test.x, test.y, test.n).h)).toEqual(Array.from(a.framework.evaluate(test.x, test.y, test.n).h));
    a.framework.dispose();
    b.framework.dispose();
  });

  it('onepass: approximator then predictor; the predictor learns the labels its approximator gives', async () => {
    const r = await trainFramework('onepass', base, data, settings);
    expect(r.history.map((h) => h.phase)).toEqual([...new Array(4).fill('approximator'), ...new Array(4).fill('predictor')]);
    expect(r.steps).toBe(8 * (n / 32));
    const ev = r.framework.evaluate(test.x, test.y, test.n);
    const m = invocationMetrics(ev.errors, ev.predictedSafe, settings.errorBound);
    // The predictor is better than always answering the majority class would be by chance alone.
    expect(m.predictionAccuracy).toBeGreaterThanOrEqual(Math.max(m.trueInvocation, 1 - m.trueInvocation) - 0.05);
    r.framework.dispose();
  });

  it('iterative: later rounds train the approximator on the safe samples only (fewer steps)', async () => {
    const r = await trainFramework('iterative', base, data, { ...settings, errorBound: 0.05 });
    const phases = r.history.map((h) => h.phase);
    expect(phases.filter((p) => p === 'approximator')).toHaveLength(3 * 4);
    expect(phases.filter((p) => p === 'predictor')).toHaveLength(3 * 4);
    // Round 1: all samples; rounds 2 and 3: the safe subset, so fewer than 3 x 2 x 4 x (n / 32) steps in all.
    expect(r.steps).toBeLessThan(3 * 2 * 4 * (n / 32));
    expect(r.steps).toBeGreaterThan(4 * 4 * (n / 32));
    r.framework.dispose();
  });

  it('trains on hardware (layers and the Hadamard step on the multiplier) and leaks no tensors', async () => {
    const mult = fixedHardware(
      handMultiplier(8, (p, q) => p * q),
      'table',
      'test',
    );
    const hw = { arithmetic: mult.arithmetic(), hadamard: hadamardOn(mult) };
    const t = matchParameterCount(base, 'all').topology;
    const small = { ...kmeans.generate(128, 3), n: 128 };
    const kt: Topology = { ...t, inputs: 6 };
    (await trainFramework('axnet', kt, small, { ...settings, epochs: 1, hardware: hw })).framework.dispose();
    const before = tf.memory().numTensors;
    const r = await trainFramework('axnet', kt, small, { ...settings, epochs: 2, hardware: hw });
    r.framework.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
  });
});
