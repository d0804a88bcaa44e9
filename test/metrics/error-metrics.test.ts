import { describe, expect, it } from 'vitest';
import { ErrorAccumulator } from '../../src/metrics/error-metrics.js';
import { accumulateTable } from '../../src/metrics/table-metrics.js';
import { drumBatchModel } from '../../src/models/drum.js';
import type { LutTable } from '../../src/lut/table.js';
import { drumPairs, metricsBruteForce } from '../helpers/drum-brute-force.js';

describe('error metrics (docs/methods.md)', () => {
  it('computes every metric on a hand-checked set', () => {
    const acc = new ErrorAccumulator();
    // (exact, approx): errors 0, +2, -3, +1 (exact 0: excluded from relative metrics)
    for (const [p, q] of [
      [10, 10],
      [20, 22],
      [30, 27],
      [0, 1],
    ])
      acc.add(p, q);
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

  it('pins the sign and size of a biased error set (DRUM-like underestimates)', () => {
    const acc = new ErrorAccumulator();
    // errors -3, 0, -1, +3: ME negative, not zero; MRED over all four (no zero exact product)
    for (const [p, q] of [
      [10, 7],
      [20, 20],
      [5, 4],
      [-16, -13],
    ])
      acc.add(p, q);
    const m = acc.result('exhaustive');
    expect(m.me).toBe(-0.25); // (-3 + 0 - 1 + 3) / 4: approx -13 > exact -16 is a positive error
    expect(m.er).toBe(0.75);
    expect(m.mae).toBe(1.75);
    expect(m.mred).toBeCloseTo((0.3 + 0 + 0.2 + 3 / 16) / 4, 12);
    expect(m.wce).toBe(3);
    expect(m.wcre).toBeCloseTo(0.3, 12);
    expect(m.nmed).toBeCloseTo(1.75 / 20, 12);
    expect(m.mse).toBe((9 + 0 + 1 + 9) / 4);
    const under = new ErrorAccumulator();
    for (const [p, q] of [
      [10, 7],
      [5, 4],
    ])
      under.add(p, q);
    expect(under.result('sampled').me).toBe(-2);
  });

  it('table metrics of small DRUM tables equal a brute-force computation from the definitions', () => {
    for (const [width, k, signed] of [
      [6, 3, true],
      [6, 2, false],
      [5, 4, true],
    ] as const) {
      const side = 2 ** width;
      // The table built from the unit's model, laid out as the RTL tables are (row = a code, column = b code).
      const a = new Uint32Array(side * side);
      const b = new Uint32Array(side * side);
      for (let i = 0; i < side * side; i++) [a[i], b[i]] = [Math.floor(i / side), i % side];
      const out = new Uint16Array(side * side);
      drumBatchModel({ width, k, signed }).evalBatch(a, b, side * side, out);
      const data = Buffer.alloc(2 * side * side);
      out.forEach((v, i) =>
        signed ? data.writeInt16LE(v >= 2 ** (2 * width - 1) ? v - 2 ** (2 * width) : v, 2 * i) : data.writeUInt16LE(v, 2 * i),
      );
      const table = {
        meta: { aWidth: width, bWidth: width, signed, shape: [side, side] },
        dtype: { signed, bytes: 2 },
        data,
      } as unknown as LutTable;
      const acc = new ErrorAccumulator();
      expect(accumulateTable(table, acc)).toBe(0);
      const got = acc.result('exhaustive');
      const want = metricsBruteForce(...(Object.values(drumPairs(width, k, signed)) as [number[], number[]]));
      expect(got.pairs).toBe(side * side);
      for (const key of ['er', 'me', 'mae', 'mred', 'nmed', 'wce', 'wcre', 'mse'] as const)
        expect(got[key], `${key} (N=${width}, k=${k}, ${signed})`).toBeCloseTo(want[key], 12);
      expect(got.er).toBeGreaterThan(0);
    }
  });

  it('table metrics leave out and count the pairs a reading makes non-finite (float formats)', () => {
    // A 2 x 2 table read through a `result` that makes two entries infinite / NaN.
    const data = Buffer.alloc(8);
    [0, 2, 3, 9].forEach((v, i) => data.writeUInt16LE(v, 2 * i));
    const table = {
      meta: { aWidth: 1, bWidth: 1, signed: false, shape: [2, 2] },
      dtype: { signed: false, bytes: 2 },
      data,
    } as unknown as LutTable;
    const acc = new ErrorAccumulator();
    const skipped = accumulateTable(table, acc, { result: (v) => (v === 2 ? Infinity : v === 3 ? NaN : v) });
    expect(skipped).toBe(2);
    // Kept: (0, 0) -> 0 exact 0, and (1, 1) -> 9 against exact 1.
    expect(acc.result('exhaustive')).toMatchObject({ pairs: 2, er: 0.5, me: 4, wce: 8 });
  });
});
