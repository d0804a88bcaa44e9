import { describe, expect, it } from 'vitest';
import {
  connectedLayers,
  describeTopology,
  matchParameterCount,
  mlpParameters,
  parameterCount,
  predictorOutputs,
  type Topology,
} from '../../src/axnet/topology.js';

const jpegBase: Topology = { inputs: 64, outputs: 64, approximatorHidden: [8, 8], predictorHidden: 12 };

describe('AXNet topologies', () => {
  it('counts weights and biases by hand', () => {
    expect(mlpParameters([64, 16, 64])).toBe(64 * 16 + 16 + 16 * 64 + 64);
    expect(parameterCount({ inputs: 64, outputs: 64, approximatorHidden: [16], predictorHidden: 16 })).toBe(
      64 * 16 + 16 + 16 * 64 + 64 + (64 * 16 + 16 + 16 * 2 + 2),
    );
  });

  it('the predictor carries one control vector per connected layer and 2 logits (eq. 3, softmax)', () => {
    // The paper's Figure 10c jpeg AXNet: 64-8-8-64 with 64-12-18 (all) or 64-12-10 (one layer).
    expect(predictorOutputs({ ...jpegBase, connect: [1, 2] })).toBe(18);
    expect(predictorOutputs({ ...jpegBase, connect: [2] })).toBe(10);
    expect(predictorOutputs(jpegBase)).toBe(2);
    expect(describeTopology({ ...jpegBase, connect: [1] })).toBe('64-8-8-64 + 64-12-10');
    expect(connectedLayers([8, 8], 'all')).toEqual([1, 2]);
    expect(connectedLayers([8, 8], 2)).toEqual([2]);
    expect(() => connectedLayers([8, 8], 3)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/cannot connect hidden layer 3: the approximator has 2/),
        fix: "Connect 'all' or a layer from 1 to 2.",
      }),
    );
    expect(() => connectedLayers([8, 8], 0)).toThrow(/cannot connect hidden layer 0/);
    expect(() => connectedLayers([8, 8], 1.5)).toThrow(/cannot connect hidden layer 1.5/);
  });

  it.each<[string, Topology]>([
    ['jpeg 64-16-16-64', { inputs: 64, outputs: 64, approximatorHidden: [16, 16], predictorHidden: 16 }],
    ['sobel 9-8-8-1', { inputs: 9, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['bessel 2-8-8-1', { inputs: 2, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['kmeans 6-8-4-1', { inputs: 6, outputs: 1, approximatorHidden: [8, 4], predictorHidden: 8 }],
  ])('matches %s within 3%%, shrinking both networks', (_, base) => {
    for (const connect of ['all', 1] as const) {
      const m = matchParameterCount(base, connect);
      expect(m.withinTolerance).toBe(true);
      expect(Math.abs(m.params - parameterCount(base)) / parameterCount(base)).toBeLessThanOrEqual(0.03);
      expect(m.difference).toBeCloseTo((m.params - m.baselineParams) / m.baselineParams, 15);
      expect(m.params).toBe(parameterCount(m.topology));
      m.topology.approximatorHidden.forEach((w, i) => expect(w).toBeLessThanOrEqual(base.approximatorHidden[i]!));
      // Neither network collapses: the predictor keeps at least half its width (a one-unit predictor
      // would compute every control vector from one number).
      expect(m.topology.predictorHidden).toBeGreaterThanOrEqual(base.predictorHidden / 2);
    }
  });

  /**
   * The matching rule restated by brute force: approximator widths round(k / widest * h) for every k,
   * predictor widths 1..2h; within the smallest multiple of 3% that has a candidate, the largest
   * min(approximator parameter ratio, predictor width ratio), then the smallest difference.
   */
  function bruteForce(base: Topology, connect: 'all' | number) {
    const target = parameterCount(base);
    const widest = Math.max(...base.approximatorHidden);
    const all: { t: Topology; diff: number; score: number }[] = [];
    for (let k = 1; k <= widest; k++) {
      const hidden = base.approximatorHidden.map((h) => Math.max(1, Math.round((h * k) / widest)));
      for (let p = 1; p <= 2 * base.predictorHidden; p++) {
        const t = { ...base, approximatorHidden: hidden, predictorHidden: p, connect: connectedLayers(hidden, connect) };
        const approx =
          mlpParameters([base.inputs, ...hidden, base.outputs]) / mlpParameters([base.inputs, ...base.approximatorHidden, base.outputs]);
        all.push({ t, diff: Math.abs(parameterCount(t) - target) / target, score: Math.min(approx, p / base.predictorHidden) });
      }
    }
    let f = 1;
    while (!all.some((c) => c.diff <= f * 0.03)) f++;
    const ok = all.filter((c) => c.diff <= f * 0.03);
    const top = Math.max(...ok.map((c) => c.score));
    const best = ok.filter((c) => c.score === top).sort((a, b) => a.diff - b.diff)[0]!;
    return { ...best, f };
  }

  it.each<[string, Topology]>([
    ['jpeg 64-16-16-64', { inputs: 64, outputs: 64, approximatorHidden: [16, 16], predictorHidden: 16 }],
    ['jpeg 64-4-4-64', { inputs: 64, outputs: 64, approximatorHidden: [4, 4], predictorHidden: 4 }],
    ['jpeg 64-32-32-64', { inputs: 64, outputs: 64, approximatorHidden: [32, 32], predictorHidden: 32 }],
    ['kmeans 6-8-4-1', { inputs: 6, outputs: 1, approximatorHidden: [8, 4], predictorHidden: 8 }],
    ['fft 1-4-4-2', { inputs: 1, outputs: 2, approximatorHidden: [4, 4], predictorHidden: 4 }],
    ['a wide first layer 10-12-3-2', { inputs: 10, outputs: 2, approximatorHidden: [12, 3], predictorHidden: 5 }],
    ['bessel 2-8-8-1', { inputs: 2, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['sobel 9-8-8-1', { inputs: 9, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['blackscholes 6-8-8-1', { inputs: 6, outputs: 1, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['jpeg 64-8-8-64', { inputs: 64, outputs: 64, approximatorHidden: [8, 8], predictorHidden: 8 }],
    ['1-6-8-2 (best candidate exactly 3% off)', { inputs: 1, outputs: 2, approximatorHidden: [6, 8], predictorHidden: 3 }],
    ['1-3-7-1 (equal scores and counts: the first shape)', { inputs: 1, outputs: 1, approximatorHidden: [3, 7], predictorHidden: 6 }],
    ['1-2-10-2 (equal scores: the closer count)', { inputs: 1, outputs: 2, approximatorHidden: [2, 10], predictorHidden: 8 }],
  ])('the choice for %s is the stated rule (brute force)', (_, base) => {
    for (const connect of ['all', 1, 2] as const) {
      const want = bruteForce(base, connect);
      const got = matchParameterCount(base, connect);
      expect(describeTopology(got.topology)).toBe(describeTopology(want.t));
      expect(got.withinTolerance).toBe(want.f === 1);
    }
  });

  it('pins the jpeg and fft choices the documentation quotes', () => {
    expect(
      describeTopology(matchParameterCount({ inputs: 64, outputs: 64, approximatorHidden: [16, 16], predictorHidden: 16 }, 'all').topology),
    ).toBe('64-14-14-64 + 64-14-30');
    const fft = matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [4, 4], predictorHidden: 4 }, 'all');
    expect(describeTopology(fft.topology)).toBe('1-3-3-2 + 1-2-8');
    expect(fft.params).toBe(54);
    expect(fft.withinTolerance).toBe(false);
  });

  it('a count exactly 3% off is within (the paper: within 3%)', () => {
    const m = matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [6, 8], predictorHidden: 3 }, 'all');
    expect([m.params, m.baselineParams, m.difference, m.withinTolerance]).toEqual([103, 100, 0.03, true]);
  });

  it('says when no shape is within tolerance (a tiny network), and widens it only as far as needed', () => {
    const m = matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [2, 2], predictorHidden: 1 }, 'all');
    expect(m.withinTolerance).toBe(false);
    expect(Math.abs(m.difference)).toBeGreaterThan(0.03);
    // Negative control: the same check passes with a loose tolerance.
    expect(matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [2, 2], predictorHidden: 1 }, 'all', 0.5).withinTolerance).toBe(
      true,
    );
  });
});
