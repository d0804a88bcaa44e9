import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { externalDesign } from '../../src/external/design.js';
import { verifyDesign } from '../../src/verify/verify.js';
import { tableFromRtl } from '../../src/lut/from-rtl.js';
import { valueAt } from '../../src/lut/table.js';
import { requireTool } from '../helpers/tools.js';

const F = (f: string) => join(import.meta.dirname, '..', 'fixtures', 'rtl', f);

describe('bring-your-own combinational multiplier', () => {
  beforeAll(() => {
    requireTool('verilator');
    requireTool('yosys');
  });

  it('infers ports, verifies all pairs against the user model and reads its table', async () => {
    const d = await externalDesign({ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('trunc_mult.mjs'), aWidth: 8, bWidth: 8 });
    expect(d.ports).toMatchObject({ a: { name: 'x', width: 8 }, b: { name: 'w', width: 8 }, y: { name: 'p', width: 16 }, signed: false });
    const r = await verifyDesign(d);
    expect(r).toMatchObject({ passed: true, mode: 'exhaustive', pairs: 65536 });
    const t = await tableFromRtl(d);
    expect(t.meta.verified).toBe(true);
    expect(valueAt(t, 7 * 256 + 13)).toBe(BigInt(4 * 12));
  });

  it('reports the pairs where a wrong model disagrees', async () => {
    const d = await externalDesign({ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('trunc_mult_wrong.mjs') });
    const r = await verifyDesign(d);
    expect(r.passed).toBe(false);
    // The wrong model adds (a & ~3) * (b & 3): wrong when a & ~3 != 0 (252 codes) and b & 3 != 0 (192 codes).
    expect(r.mismatches).toBe(252 * 192);
    expect(r.counterexamples[0]).toMatchObject({ a: '4', b: '1', rtl: '0 (0x0000)', model: '4 (0x0004)' });
  });

  it('infers signedness from signed port declarations and reads signed tables', async () => {
    const d = await externalDesign({ rtl: [F('signed_mult.v')], top: 'signed_mult' });
    expect(d.ports.signed).toBe(true);
    const t = await tableFromRtl(d);
    expect(t.meta).toMatchObject({ dtype: '<i2', shape: [64, 32], verified: false });
    expect(valueAt(t, 32 * 32 + 16)).toBe(BigInt(-32 * -16)); // a = -32 (code 32), b = -16 (code 16)
    expect(valueAt(t, 31 * 32 + 16)).toBe(BigInt(31 * -16));
  });

  it.each([
    [{ rtl: [F('malformed.v')], top: 'malformed' }, /Yosys could not read .*malformed\.v[\s\S]*malformed\.v:2: ERROR: syntax error/],
    [{ rtl: [F('stateful.v')], top: 'stateful' }, /'stateful' holds state \(\$dff\)/],
    [
      { rtl: [F('three_inputs.v')], top: 'three_inputs' },
      /Cannot tell the operands of 'three_inputs': it has 3 inputs \(a\[8\], b\[8\], c\[8\]\)/,
    ],
    [{ rtl: [F('three_inputs.v')], top: 'three_inputs', a: 'a', b: 'b' }, /inputs besides the operands: c\[8\]/],
    [{ rtl: [F('trunc_mult.v')], top: 'nope' }, /Module 'nope' was not found/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', a: 'x', b: 'q' }, /no port named 'q'/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', a: 'x', b: 'p' }, /Port 'p' of 'trunc_mult' is an output/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', aWidth: 6 }, /Port 'x' of 'trunc_mult' is 8 bits wide, not 6/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', yWidth: 17 }, /Port 'p' of 'trunc_mult' is 16 bits wide, not 17/],
    [{ rtl: [F('missing.v')], top: 'missing' }, /Verilog file .*missing\.v does not exist/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('nope.mjs') }, /Model file .*nope\.mjs does not exist/],
    [{ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('trunc_mult.v') }, /must be an ES module/],
  ])('rejects bad input %#', async (opts, msg) => {
    await expect(externalDesign(opts)).rejects.toThrow(msg);
  });
});
