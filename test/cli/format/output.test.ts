import { describe, expect, it } from 'vitest';
import { fmtInt } from '../../../src/cli/format/output.js';
import { Rng } from '../../../src/util/rng.js';

describe('fmtInt', () => {
  it('groups integers as en-US does (corners and seeded values of every length), and defers to it for the rest', () => {
    const rng = new Rng(7);
    const values = [0, 7, -7, 999, 1000, -1000, 999_999, 1_000_000, 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let digits = 1; digits <= 15; digits++)
      for (let i = 0; i < 20; i++) values.push(Math.floor((rng.nextU32() / 2 ** 32 - 0.5) * 2 * 10 ** digits));
    for (const v of [...values, 1.5, 1234.5678, 2 ** 60]) expect(fmtInt(v), String(v)).toBe(v.toLocaleString('en-US'));
  });
});
