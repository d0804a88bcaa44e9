import { describe, expect, it, beforeAll } from 'vitest';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { tableFromRtl } from '../../src/lut/from-rtl.js';
import { valuesAsNumbers } from '../../src/lut/table.js';
import { drumTransform } from '../../src/models/drum.js';
import { verifyDesign } from '../../src/verify/verify.js';
import { requireTool } from '../helpers/tools.js';

const design = (unit: string, raw: Record<string, unknown>) => {
  const r = resolveUnit(unit, raw);
  return generateDesign(r.unit, r.params);
};

/** Properties proven on the RTL itself (tables read from Verilator), not assumed from the model. */
describe('DRUM properties on the RTL', () => {
  beforeAll(() => requireTool('verilator'));

  it('k = N equals exact-mul on all 65,536 pairs, signed and unsigned', async () => {
    for (const signed of [false, true]) {
      const drum = await tableFromRtl(design('drum', { width: 8, k: 8, signed }), { verify: false });
      const exact = await tableFromRtl(design('exact-mul', { width: 8, signed }), { verify: false });
      expect(drum.meta.dtype).toBe(exact.meta.dtype);
      expect(drum.data.equals(exact.data)).toBe(true);
    }
  });

  it('the RTL table equals T(a) * T(b) for every pair (the per-operand transform fast path)', async () => {
    for (const raw of [
      { width: 8, k: 3, signed: true },
      { width: 8, k: 5, signed: false },
      { width: 6, k: 3, signed: true },
      { width: 6, k: 2, signed: false },
    ]) {
      const d = design('drum', raw);
      const t = await tableFromRtl(d, { verify: false });
      const T = drumTransform(raw);
      const v = valuesAsNumbers(t);
      const cols = 2 ** raw.width;
      let bad = 0;
      for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) if (v[a * cols + b] !== T(a) * T(b)) bad++;
      expect(bad).toBe(0);
    }
  });

  it('random 16-bit: 1,000,000 seeded pairs plus corners, signed', async () => {
    const r = await verifyDesign(design('drum', { width: 16, k: 6, signed: true }), { vectors: 1_000_000, seed: 1 });
    expect(r.passed).toBe(true);
    expect(r.pairs).toBe(r.cornerPairs + 1_000_000);
    expect(r.seed).toBe(1);
  });
});
