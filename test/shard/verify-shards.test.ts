import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { externalDesign } from '../../src/external/design.js';
import { mergeVerifyReports, verifyDesign, VERIFY_RUN_FIELDS, type VerifyOptions, type VerifyReport } from '../../src/verify/verify.js';
import type { Design } from '../../src/gen/design.js';
import { requireTool } from '../helpers/tools.js';

const design = (name: string, raw: Record<string, unknown>, preset?: string) => {
  const r = resolveUnit(name, raw, preset);
  return generateDesign(r.unit, r.params);
};
const F = (f: string) => join(import.meta.dirname, '..', 'fixtures', 'rtl', f);

/** The report's JSON text without the fields that say how the run went (stated in VERIFY_RUN_FIELDS). */
const findings = (r: VerifyReport) => {
  const copy: Record<string, unknown> = { ...r };
  for (const f of VERIFY_RUN_FIELDS) delete copy[f];
  return JSON.stringify(copy, null, 2);
};

/** The unsharded report and the merge of n shards' reports, both as findings. */
async function wholeAndMerged(d: Design, opts: VerifyOptions, n: number) {
  const whole = await verifyDesign(d, opts);
  const parts: VerifyReport[] = [];
  for (let index = 0; index < n; index++) parts.push(await verifyDesign(d, { ...opts, shard: { index, count: n } }));
  return { whole, parts, merged: mergeVerifyReports(parts) };
}

describe('a sharded verify merges into the unsharded report', () => {
  beforeAll(() => requireTool('verilator'));

  it.each([1, 2, 3, 7])('exhaustive 8-bit DRUM in 64 batches, %i shards', async (n) => {
    const { whole, parts, merged } = await wholeAndMerged(design('drum', { width: 8, k: 4, signed: true }), { chunk: 1024 }, n);
    expect(findings(merged)).toBe(findings(whole));
    expect(whole).toMatchObject({ passed: true, pairs: 65_536 });
    // Every part ran its own contiguous share of the batches, in order.
    expect(parts.map((p) => p.shard!.first)).toEqual(parts.map((_, i) => Math.floor((i * 64) / n)));
    expect(parts.reduce((t, p) => t + p.pairs, 0)).toBe(65_536);
  });

  it.each([2, 3, 7])('corners and seeded random pairs under two control settings, %i shards', async (n) => {
    const d = design('fpmul', {}, 'bfloat16');
    const opts = { vectors: 5_000, chunk: 1_000, seed: 9, controls: [{ mbits: 3 }, { mbits: 8 }] };
    const { whole, merged } = await wholeAndMerged(d, opts, n);
    expect(findings(merged)).toBe(findings(whole));
    expect(whole.controlSettings).toHaveLength(2);
    expect(whole.randomPairs).toBe(10_000);
  });

  it.each([3, 7])("a wrong model: the merge fails with the unsharded run's mismatches and first counterexamples, %i shards", async (n) => {
    const d = await externalDesign({ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('trunc_mult_wrong.mjs') });
    const { whole, parts, merged } = await wholeAndMerged(d, { chunk: 4096, jobs: 2 }, n);
    expect(findings(merged)).toBe(findings(whole));
    expect(merged).toMatchObject({ passed: false, mismatches: 252 * 192 });
    expect(merged.counterexamples).toHaveLength(10);
    expect(merged.counterexamples[0]).toMatchObject({ a: '4', b: '1' });
    // The parts past the first mismatch found their own: the merge keeps the earliest in sweep order.
    expect(parts.at(-1)!.mismatches).toBeGreaterThan(0);
    expect(parts.at(-1)!.counterexamples[0]).not.toEqual(merged.counterexamples[0]);
  });

  it('negative control: parts missing or out of order do not give the unsharded report', async () => {
    const d = await externalDesign({ rtl: [F('trunc_mult.v')], top: 'trunc_mult', model: F('trunc_mult_wrong.mjs') });
    const { whole, parts } = await wholeAndMerged(d, { chunk: 4096 }, 3);
    expect(findings(mergeVerifyReports(parts.slice(0, 2)))).not.toBe(findings(whole));
    expect(findings(mergeVerifyReports([...parts].reverse()))).not.toBe(findings(whole));
  });

  it('a shard of a 2^40 sweep (20-bit DRUM) runs its own batch of the plan and nothing else; unsharded it is refused', async () => {
    const d = design('drum', { width: 20, k: 6 });
    const count = 2 ** 24; // one 65,536-pair batch per shard
    const index = 2 ** 23 + 12_345;
    const r = await verifyDesign(d, { exhaustive: true, shard: { index, count } });
    expect(r).toMatchObject({ passed: true, pairs: 65_536, shard: { batches: 2 ** 24, first: index, end: index + 1 } });
    await expect(verifyDesign(d, { exhaustive: true })).rejects.toThrow(/2\^40 pairs; one run sweeps at most 2\^32/);
    // 2^48 pairs in 2 shards is 2^47 a shard: refused before anything is built.
    const wide = design('drum', { width: 24, k: 6 });
    await expect(verifyDesign(wide, { exhaustive: true, shard: { index: 0, count: 2 } })).rejects.toThrow(
      /one shard sweeps at most 2\^40 \(this one would be 2\^47\.0\)/,
    );
  });

  it('refuses to merge parts that checked different RTL', async () => {
    const a = await verifyDesign(design('drum', { width: 8, k: 4, signed: true }), { shard: { index: 0, count: 2 } });
    const b = await verifyDesign(design('drum', { width: 8, k: 5, signed: true }), { shard: { index: 1, count: 2 } });
    expect(() => mergeVerifyReports([a, b])).toThrow(/The parts checked different builds/);
  });
});
