import { describe, expect, it } from 'vitest';
import { connectedLayers, describeTopology, matchParameterCount, mlpParameters, parameterCount, predictorOutputs, type Topology } from '../../src/axnet/topology.js';

const jpegBase: Topology = { inputs: 64, outputs: 64, approximatorHidden: [8, 8], predictorHidden: 12 };

describe('AXNet topologies', () => {
  it('counts weights and biases by hand', () => {
    expect(mlpParameters([64, 16, 64])).toBe(64 * 16 + 16 + 16 * 64 + 64);
    expect(parameterCount({ inputs: 64, outputs: 64, approximatorHidden: [16], predictorHidden: 16 })).toBe(64 * 16 + 16 + 16 * 64 + 64 + (64 * 16 + 16 + 16 * 2 + 2));
  });

  it('the predictor carries one control vector per connected layer and 2 logits (eq. 3, softmax)', () => {
    // The paper's Figure 10c jpeg AXNet: 64-8-8-64 with 64-12-18 (all) or 64-12-10 (one layer).
    expect(predictorOutputs({ ...jpegBase, connect: [1, 2] })).toBe(18);
    expect(predictorOutputs({ ...jpegBase, connect: [2] })).toBe(10);
    expect(predictorOutputs(jpegBase)).toBe(2);
    expect(describeTopology({ ...jpegBase, connect: [1] })).toBe('64-8-8-64 + 64-12-10');
    expect(connectedLayers([8, 8], 'all')).toEqual([1, 2]);
    expect(connectedLayers([8, 8], 2)).toEqual([2]);
    expect(() => connectedLayers([8, 8], 3)).toThrow(/cannot connect hidden layer 3: the approximator has 2/);
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

  it('says when no shape is within tolerance (a tiny network), and widens it only as far as needed', () => {
    const m = matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [2, 2], predictorHidden: 1 }, 'all');
    expect(m.withinTolerance).toBe(false);
    expect(Math.abs(m.difference)).toBeGreaterThan(0.03);
    // Negative control: the same check passes with a loose tolerance.
    expect(matchParameterCount({ inputs: 1, outputs: 2, approximatorHidden: [2, 2], predictorHidden: 1 }, 'all', 0.5).withinTolerance).toBe(true);
  });
});
