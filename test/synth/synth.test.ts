import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { estimateCost } from '../../src/synth/estimate.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { synthesize } from '../../src/synth/yosys.js';
import { unitErrorMetrics } from '../../src/metrics/unit-metrics.js';
import { drumPairs, metricsBruteForce } from '../helpers/drum-brute-force.js';
import { encodeNpy } from '../../src/lut/npy.js';
import { requireTool } from '../helpers/tools.js';

const design = (unit: string, raw: Record<string, unknown>, preset?: string) => {
  const r = resolveUnit(unit, raw, preset);
  return generateDesign(r.unit, r.params);
};

/** Spearman rank correlation of xs and ys (no ties expected). */
function spearman(xs: number[], ys: number[]): number {
  const rank = (v: number[]) => v.map((x) => v.filter((y) => y < x).length);
  const rx = rank(xs);
  const ry = rank(ys);
  const n = xs.length;
  const d2 = rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('synthesis and characterization on osu018 (Yosys + ABC, OpenSTA)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'axhw-synth-'));
  beforeAll(() => {
    requireTool('yosys');
    requireTool('sta');
    requireTool('verilator');
  });

  it('DRUM 8-bit: area rises with k, power trends up with k, k = N costs what exact-mul costs', async () => {
    const ks = [2, 3, 4, 5, 6, 7];
    const drum = [];
    // OpenSTA's own flow (--power propagate): these are properties of its timing and propagation.
    for (const k of [...ks, 8]) drum.push(await estimateCost(design('drum', { width: 8, k }), { power: 'propagate' }));
    const exact = await estimateCost(design('exact-mul', { width: 8 }), { power: 'propagate' });
    const area = drum.map((c) => c.synth.area);
    const power = drum.map((c) => c.timing.power.total);
    for (let i = 1; i < area.length; i++) expect(area[i]).toBeGreaterThan(area[i - 1]);
    // OpenSTA's probabilistic propagation is not monotonic in k for DRUM (docs/synthesis-and-power.md), but the trend is:
    expect(spearman(ks, power.slice(0, ks.length))).toBeGreaterThanOrEqual(0.6);
    expect(Math.min(...power)).toBe(power[0]); // k = 2 is the cheapest
    expect(Math.abs(drum[6].synth.area - exact.synth.area) / exact.synth.area).toBeLessThan(0.05);
    expect(Math.abs(drum[6].timing.power.total - exact.timing.power.total) / exact.timing.power.total).toBeLessThan(0.1);
    for (const c of [...drum, exact]) {
      expect(c.synth.flipFlops).toBe(0);
      expect(c.timing.delayNs).toBeGreaterThan(0.5);
      expect(c.timing.power.total).toBeCloseTo(c.timing.power.internal + c.timing.power.switching + c.timing.power.leakage, 9);
      // PDP = P x t: mW x ns = pJ (power is reported in W).
      const mW = c.timing.power.total * 1e3;
      expect(c.pdpPj / (mW * c.timing.delayNs)).toBeCloseTo(1, 12);
      expect(c.pdpPj).toBeGreaterThan(1);
    }
  });

  it('error metrics of k = N are all zero (exhaustive, from the RTL); k < N are not', async () => {
    const m8 = await unitErrorMetrics(design('drum', { width: 8, k: 8, signed: true }), { jobs: 1 });
    expect(m8).toMatchObject({ coverage: 'exhaustive', pairs: 65536, er: 0, me: 0, mae: 0, mred: 0, nmed: 0, wce: 0, wcre: 0, mse: 0 });
    const m4 = await unitErrorMetrics(design('drum', { width: 8, k: 4, signed: true }), { jobs: 1 });
    // Every metric of the RTL's table equals the brute force over DRUM restated from its definition.
    const want = metricsBruteForce(...(Object.values(drumPairs(8, 4, true)) as [number[], number[]]));
    for (const key of ['er', 'me', 'mae', 'mred', 'nmed', 'wce', 'wcre', 'mse'] as const) expect(m4[key], key).toBeCloseTo(want[key], 12);
    expect(m4.me).not.toBe(0);
    const s = await unitErrorMetrics(design('drum', { width: 16, k: 6 }), { samples: 100_000, seed: 3, jobs: 1 });
    expect(s).toMatchObject({ coverage: 'sampled', pairs: 100_000, seed: 3 });
  });

  it('fpmul metrics are over finite products, with the non-finite ones counted; fewer mbits, larger error', async () => {
    const e4 = design('fpmul', { exp: 4, frac: 3 });
    const full = await unitErrorMetrics(e4, { controls: { mbits: 4 }, jobs: 1 });
    expect(full.coverage).toBe('exhaustive');
    expect(full.skipped).toBeGreaterThan(0);
    const rough = await unitErrorMetrics(e4, { controls: { mbits: 2 }, jobs: 1 });
    expect(rough.mred).toBeGreaterThan(full.mred);
    // Sampled binary32 at full width: operands drawn so every product is normal, so the error is
    // rounding alone: at most half an ulp, 2^-24 relative.
    const b32 = await unitErrorMetrics(design('fpmul', {}, 'binary32'), { samples: 50_000, jobs: 1 });
    expect(b32).toMatchObject({ coverage: 'sampled', pairs: 50_000, skipped: 0 });
    expect(b32.wcre).toBeLessThanOrEqual(2 ** -24);
    expect(b32.domain).toMatch(/normal range/);
    const b8 = await unitErrorMetrics(design('fpmul', {}, 'binary32'), { samples: 50_000, controls: { mbits: 8 }, jobs: 1 });
    expect(b8.mred).toBeGreaterThan(100 * b32.mred);
  });

  it('a trace workload sets the input activity: a constant trace burns less power than uniform operands', async () => {
    const d = design('drum', { width: 8, k: 4 });
    const trace = join(dir, 'const.npy');
    const data = Buffer.alloc(1000 * 2 * 2);
    for (let i = 0; i < 2000; i++) data.writeUInt16LE(i % 2 ? 37 : 200, 2 * i);
    writeFileSync(trace, encodeNpy({ signed: false, bytes: 2 }, [1000, 2], data));
    const still = await estimateCost(d, { trace });
    const uniform = await estimateCost(d);
    expect(still.activity).toMatchObject({ workload: 'trace', trace: { pairs: 1000, used: 1000 } });
    expect(still.timing.power.switching).toBeLessThan(uniform.timing.power.switching / 10);
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, encodeNpy({ signed: false, bytes: 2 }, [10, 3], Buffer.alloc(60)));
    await expect(estimateCost(d, { trace: bad })).rejects.toThrow(/has shape \(10, 3\); expected \(n, 2\)/);
    const big = join(dir, 'big.npy');
    const bd = Buffer.alloc(8);
    bd.writeUInt16LE(999, 0);
    writeFileSync(big, encodeNpy({ signed: false, bytes: 2 }, [2, 2], bd));
    await expect(estimateCost(d, { trace: big })).rejects.toThrow(/a = 999 does not fit the 8-bit operand/);
  });

  it('the pipelined fpmul wrapper maps its registers to library flip-flops', async () => {
    const c = await estimateCost(design('fpmul', { pipeline: 2 }, 'binary16'));
    const d = design('fpmul', { pipeline: 2 }, 'binary16');
    expect(c.synth.flipFlops).toBe(2 * 16 + d.ports.controls[0].width + 1 + 16 + 1);
    expect(Object.keys(c.synth.cellTypes).some((t) => /DFF/.test(t))).toBe(true);
    expect(c.timing.slackNs).toBeGreaterThan(-100);
  });

  it('bad input: missing or non-Liberty library, a Liberty file Yosys cannot parse, RTL that does not synthesize', async () => {
    expect(() => resolveLibrary('/nonexistent/cells.lib')).toThrow(/Liberty file \/nonexistent\/cells.lib does not exist/);
    const notLib = join(dir, 'not.lib');
    writeFileSync(notLib, 'hello');
    expect(() => resolveLibrary(notLib)).toThrow(/is not a Liberty file/);
    const broken = join(dir, 'broken.lib');
    writeFileSync(broken, 'library (broken) {\n  cell (NAND2X1) {\n    area : 1;\n    pin (A) { direction : input ;\n');
    const d = design('drum', { width: 4, k: 3 });
    await expect(synthesize(d, resolveLibrary(broken))).rejects.toThrow(/yosys failed while synthesizing drum_w4_k3 on .*broken\.lib/);
    const bad = {
      ...d,
      top: 'bad',
      sources: { 'bad.v': 'module bad(input [3:0] a, output [3:0] y); assign y = a +; endmodule\n' },
      rtlHash: 'x',
    };
    await expect(synthesize(bad, resolveLibrary())).rejects.toThrow(/yosys failed[\s\S]*(syntax error|ERROR)/);
  });

  it('caches synthesis and timing by content: a second run is a hit', async () => {
    const d = design('drum', { width: 6, k: 3 });
    await estimateCost(d);
    const again = await estimateCost(d);
    expect(again.synth.cached).toBe(true);
    expect(again.timing.cached).toBe(true);
    expect(readFileSync(again.synth.netlist, 'utf8')).toMatch(/module drum_w6_k3/);
  });
});
