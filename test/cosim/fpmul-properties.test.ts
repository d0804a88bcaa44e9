import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { openPool, type CosimPool } from '../../src/cosim/pool.js';
import { derivedTableFromRtl, tableFromRtl } from '../../src/lut/from-rtl.js';
import { fpmulUnit } from '../../src/gen/units/fpmul.js';
import { verifyDesign } from '../../src/verify/verify.js';
import { cornerCodes } from '../../src/cosim/vectors.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const design = (raw: Record<string, unknown>, preset?: string) => {
  const r = resolveUnit('fpmul', raw, preset);
  return generateDesign(r.unit, r.params);
};
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const valueOf = (code: number) => ((u32[0] = code), f32[0]);

/** Evaluate pairs on the RTL (one session) under an mbits value. */
async function rtl(pool: CosimPool, mbits: number, a: Uint32Array, b: Uint32Array): Promise<Uint32Array> {
  const s = pool.sessions[0];
  s.setControls([mbits]);
  const buf = await s.evalPairs(a, b, a.length);
  return new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** Binary32 corner codes (the unit's FP classes and the generic integer corners), plus random codes. */
function operands(seed: number, n: number): { a: Uint32Array; b: Uint32Array } {
  const d = design({}, 'binary32');
  const corners = cornerCodes(32, false, d.extraCorners);
  const rng = new Rng(seed);
  const a = new Uint32Array(n + corners.length * 8);
  const b = new Uint32Array(a.length);
  let i = 0;
  for (const c of corners) {
    for (let j = 0; j < 8; j++, i++) {
      a[i] = c;
      b[i] = corners[rng.nextBits(16) % corners.length];
    }
  }
  for (; i < a.length; i++) {
    a[i] = rng.nextBits(32);
    // Every other pair near 1/a so most products are normal rather than over/underflowing.
    b[i] = i % 2 ? rng.nextBits(32) : ((a[i] & 0x807fffff) | (((254 - ((a[i] >>> 23) & 0xff) + rng.nextBits(4) - 8) & 0xff) << 23)) >>> 0;
  }
  return { a, b };
}

describe('fpmul properties on the RTL (binary32)', () => {
  let rne: CosimPool;
  let trunc: CosimPool;
  const { a, b } = operands(21, 400_000);
  beforeAll(async () => {
    requireTool('verilator');
    rne = await openPool(design({}, 'binary32'), 1);
    trunc = await openPool(design({ rounding: 'trunc' }, 'binary32'), 1);
  });
  afterAll(async () => {
    await rne?.close();
    await trunc?.close();
  });

  it('at mbits = 24 with rne it is IEEE-754 binary32 multiplication: Math.fround(a * b), specials included', async () => {
    const y = await rtl(rne, 24, a, b);
    let bad = 0;
    for (let i = 0; i < a.length; i++) {
      const ref = Math.fround(valueOf(a[i]) * valueOf(b[i]));
      if (Number.isNaN(ref) ? y[i] !== 0x7fc00000 : !Object.is(valueOf(y[i]), ref)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('at mbits = 24 with trunc it is roundTowardZero: never above |a * b|, one code below rne when inexact', async () => {
    const yt = await rtl(trunc, 24, a, b);
    const yr = await rtl(rne, 24, a, b);
    let bad = 0;
    let differ = 0;
    for (let i = 0; i < a.length; i++) {
      const exact = valueOf(a[i]) * valueOf(b[i]); // exact in binary64 for finite operands
      if (Number.isNaN(exact)) {
        if (yt[i] !== 0x7fc00000) bad++;
        continue;
      }
      const t = valueOf(yt[i]);
      if (Number.isFinite(exact) && Math.abs(t) > Math.abs(exact)) bad++;
      if (yt[i] !== yr[i]) {
        differ++;
        const overflowToMax = (yt[i] & 0x7fffffff) === 0x7f7fffff && (yr[i] & 0x7fffffff) === 0x7f800000;
        if ((yr[i] & 0x7fffffff) - (yt[i] & 0x7fffffff) !== 1 && !overflowToMax) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(differ).toBeGreaterThan(a.length / 8);
  });

  it('for every mbits the RTL equals fround(T(a) * T(b)): the per-operand transform fast path', async () => {
    let bad = 0;
    for (let m = 1; m <= 24; m++) {
      const t = fpmulUnit.transform!(resolveUnit('fpmul', {}, 'binary32').params, { mbits: m });
      const y = await rtl(rne, m, a.subarray(0, 60_000), b.subarray(0, 60_000));
      for (let i = 0; i < y.length; i++) {
        const ref = Math.fround(t(a[i]) * t(b[i]));
        if (Number.isNaN(ref) ? y[i] !== 0x7fc00000 : !Object.is(valueOf(y[i]), ref)) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('clamps mbits identically to the model rule: 0 acts as 1, 25..31 act as 24', async () => {
    const a1 = a.subarray(0, 50_000);
    const b1 = b.subarray(0, 50_000);
    const y1 = await rtl(rne, 1, a1, b1);
    const y24 = await rtl(rne, 24, a1, b1);
    expect(Buffer.from((await rtl(rne, 0, a1, b1)).buffer).equals(Buffer.from(y1.buffer))).toBe(true);
    for (const m of [25, 28, 31]) expect(Buffer.from((await rtl(rne, m, a1, b1)).buffer).equals(Buffer.from(y24.buffer))).toBe(true);
    expect(Buffer.from(y1.buffer).equals(Buffer.from(y24.buffer))).toBe(false);
  });
});

describe('fpmul tables from the RTL', () => {
  beforeAll(() => requireTool('verilator'));

  it('significand table at mbits = 8: entry = exact product of the truncated significands (no rounding needed)', async () => {
    const d = design({}, 'binary32');
    const t = await derivedTableFromRtl(d, fpmulUnit.derivedTables![0], { controls: { mbits: 8 }, jobs: 1 });
    expect(t.meta).toMatchObject({ kind: 'significand', controls: { mbits: 8 }, shape: [128, 128], dtype: '<u4', verified: true });
    const e = new Uint32Array(t.data.buffer, t.data.byteOffset, 128 * 128);
    let bad = 0;
    for (let i = 0; i < 128; i++) {
      for (let j = 0; j < 128; j++) {
        const v = e[i * 128 + j];
        const value = 2 ** Math.floor(v / 2 ** 23) * (1 + (v % 2 ** 23) / 2 ** 23);
        if (value !== (1 + i / 128) * (1 + j / 128)) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('significand table at mbits = 13 with rne: 26-bit products rounded to 24 bits', async () => {
    const d = design({}, 'binary32');
    const t = await derivedTableFromRtl(d, fpmulUnit.derivedTables![0], { controls: { mbits: 13 }, jobs: 2 });
    const side = 4096;
    const e = new Uint32Array(t.data.buffer, t.data.byteOffset, side * side);
    let bad = 0;
    for (let i = 0; i < side; i += 7) {
      for (let j = 0; j < side; j++) {
        const v = e[i * side + j];
        const value = 2 ** Math.floor(v / 2 ** 23) * (1 + (v % 2 ** 23) / 2 ** 23);
        if (value !== Math.fround((1 + i / side) * (1 + j / side))) bad++;
      }
    }
    expect(bad).toBe(0);
    // (2 - 2^-12)^2 = 4 - 2^-10 + 2^-24: the 2^-24 is a quarter ulp at exponent 1, so rne drops it
    expect(e[side * side - 1]).toBe(2 ** 23 + (2 ** 23 - 2 ** 12)); // exponent + 1, fraction 1 - 2^-11
  });

  it('refuses tables it cannot hold, and pair tables of formats wider than 12 + 12 bits', async () => {
    const d = design({}, 'binary32');
    await expect(derivedTableFromRtl(d, fpmulUnit.derivedTables![0], { controls: { mbits: 14 } })).rejects.toThrow(
      /2\^26 entries; the limit is 2\^24 \(mbits <= 13\)/,
    );
    await expect(tableFromRtl(design({}, 'bfloat16'))).rejects.toThrow(/2\^32 entries/);
  });

  it('a pair table of an 8-bit format under an mbits value matches the model (RTL read, model checked)', async () => {
    const d = design({ exp: 4, frac: 3 });
    const t = await tableFromRtl(d, { controls: { mbits: 2 }, jobs: 1 });
    expect(t.meta).toMatchObject({ kind: 'pairs', controls: { mbits: 2 }, shape: [256, 256], dtype: '|u1', verified: true });
    const full = await tableFromRtl(d, { jobs: 1 });
    expect(full.meta.controls).toEqual({ mbits: 4 });
    expect(t.data.equals(full.data)).toBe(false);
  });
});

describe('fpmul pipelined wrapper in co-simulation', () => {
  beforeAll(() => requireTool('verilator'));

  it('equals the combinational core (random bubbles on valid_in) and fails loudly if results go missing', async () => {
    const piped = design({ pipeline: 2 }, 'binary16');
    const r = await verifyDesign(piped, { vectors: 50_000, controls: [{ mbits: 5 }, { mbits: 11 }], jobs: 1 });
    expect(r.passed).toBe(true);
    // Claim a shorter latency than the wrapper has: the harness must notice results that never arrive
    // within the declared window rather than hang or return garbage.
    const lying = {
      ...piped,
      ports: { ...piped.ports, clock: { ...piped.ports.clock!, latency: 0 } },
      top: piped.top,
      sources: piped.sources,
    };
    await expect(verifyDesign(lying, { vectors: 1000, jobs: 1 })).rejects.toThrow(/never appeared on valid_out|exited/);
  });
});
