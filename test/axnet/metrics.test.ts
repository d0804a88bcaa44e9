import { describe, expect, it } from 'vitest';
import { invocationMetrics } from '../../src/axnet/metrics.js';

describe('invocation metrics', () => {
  it('counts true and predicted invocation, accuracy and the error over called-safe samples', () => {
    // errors: safe (< 0.1) at 0, 1, 3; called safe at 0, 2, 3
    const m = invocationMetrics(Float64Array.from([0.05, 0.02, 0.3, 0.08, 0.5]), Uint8Array.from([1, 0, 1, 1, 0]), 0.1);
    expect(m.trueInvocation).toBe(3 / 5);
    expect(m.predictedInvocation).toBe(3 / 5);
    expect(m.predictionAccuracy).toBe(3 / 5); // right at 0, 3, 4
    expect(m.safeAndPredictedSafe).toBe(2 / 5);
    expect(m.approximationError).toBeCloseTo((0.05 + 0.3 + 0.08) / 3, 15);
    expect(m.meanError).toBeCloseTo((0.05 + 0.02 + 0.3 + 0.08 + 0.5) / 5, 15);
  });

  it('the bound is strict, and no called-safe sample gives NaN error', () => {
    const m = invocationMetrics(Float64Array.from([0.1, 0.1]), Uint8Array.from([0, 0]), 0.1);
    expect(m.trueInvocation).toBe(0);
    expect(m.predictionAccuracy).toBe(1);
    expect(m.approximationError).toBeNaN();
  });
});
