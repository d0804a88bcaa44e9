import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { buildHarness } from '../../src/cosim/build.js';
import { requireTool } from '../helpers/tools.js';

describe('Verilator build cache', () => {
  let cache: string;
  const saved = process.env.AXHW_CACHE_DIR;
  beforeAll(() => {
    requireTool('verilator');
    cache = mkdtempSync(join(tmpdir(), 'axhw-cache-'));
    process.env.AXHW_CACHE_DIR = cache;
  });
  afterAll(() => {
    process.env.AXHW_CACHE_DIR = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  it('builds once, then reuses the build for the same design', async () => {
    const { unit, params } = resolveUnit('drum', { width: 7, k: 3 });
    const d = generateDesign(unit, params);
    const first = await buildHarness(d);
    expect(first.cached).toBe(false);
    const second = await buildHarness(generateDesign(unit, params));
    expect(second.cached).toBe(true);
    expect(second.binary).toBe(first.binary);
    expect(second.seconds).toBeLessThan(first.seconds);
    // Only the finished entry is left: no temp folders from the build.
    expect(readdirSync(join(cache, 'cosim')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('rebuilds when the RTL changes', async () => {
    const { unit, params } = resolveUnit('drum', { width: 7, k: 3 });
    const d = generateDesign(unit, params);
    const edited = { ...d, sources: { [`${d.top}.v`]: d.sources[`${d.top}.v`] + '\n// edited\n' } };
    const b = await buildHarness(edited);
    expect(b.cached).toBe(false);
    expect(b.key).not.toBe((await buildHarness(d)).key);
  });

  it('reports Verilog errors with the tool message and leaves no cache entry', async () => {
    const { unit, params } = resolveUnit('drum', { width: 7, k: 3 });
    const d = generateDesign(unit, params);
    const broken = { ...d, sources: { [`${d.top}.v`]: d.sources[`${d.top}.v`].replace('assign y', 'assign yy') } };
    await expect(buildHarness(broken)).rejects.toThrow(/Verilator could not build drum_w7_k3:[\s\S]*%Error/);
    expect(readdirSync(join(cache, 'cosim')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
