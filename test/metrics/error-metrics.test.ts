import { describe, expect, it } from 'vitest';
import { ErrorAccumulator } from '../../src/metrics/error-metrics.js';

describe('error metrics (METHODS.md section 7)', () => {
  it('computes every metric on a hand-checked set', () => {
    const acc = new ErrorAccumulator();
    // (exact, approx): errors 0, +2, -3, +1 (exact 0: excluded from relative metrics)
    for (const [p, q] of [[10, 10], [20, 22], [30, 27], [0, 1]]) acc.add(p, q);
    const m = acc.result('sampled');
    expect(m.pairs).toBe(4);
    expect(m.er).toBe(0.75);
    expect(m.me).toBe(0); // (0 + 2 - 3 + 1) / 4
    expect(m.mae).toBe(1.5);
    expect(m.mred).toBeCloseTo((0 + 2 / 20 + 3 / 30) / 3, 12);
    expect(m.nmed).toBeCloseTo(1.5 / 30, 12);
    expect(m.wce).toBe(3);
    expect(m.wcre).toBeCloseTo(0.1, 12);
    expect(m.mse).toBe((0 + 4 + 9 + 1) / 4);
  });
});
