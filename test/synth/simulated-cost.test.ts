import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { estimateCost } from '../../src/synth/estimate.js';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { requireTool } from '../helpers/tools.js';

const design = (unit: string, params: Record<string, unknown>, preset?: string) => {
  const r = resolveUnit(unit, params, preset);
  return generateDesign(r.unit, r.params);
};

describe('--power sim and --power propagate in the cost report', () => {
  it('sim: zero-delay toggles over the workload; the report adds up and keeps OpenSTA beside it', async () => {
    requireTool('verilator');
    requireTool('yosys');
    requireTool('sta', 'opensta');
    const d = design('drum', { width: 6, k: 3 });
    const sim = await estimateCost(d, { power: 'sim' });
    const prop = await estimateCost(d, { power: 'propagate' });
    const p = sim.power;
    expect(p.method).toBe('sim');
    expect(p.simulation).toMatchObject({ mode: 'zero-delay', cycles: 8191 });
    expect(p.total).toBeCloseTo(p.internal + p.switching + p.leakage, 15);
    // Energy per operation is the dynamic power over one clock period.
    expect(p.energyPerOpPj).toBeCloseTo((p.internal + p.switching) * 10e-9 * 1e12, 9);
    expect(sim.pdpPj).toBeCloseTo(p.total * sim.timing.delayNs * 1000, 12);
    // Both reports carry OpenSTA's figures; propagate uses them.
    expect(sim.timing.power).toEqual(prop.timing.power);
    expect(prop.power).toMatchObject({ method: 'propagate', ...prop.timing.power });
    expect(p.leakage).toBeCloseTo(prop.timing.power.leakage, 12);
    // The same seed gives the same simulation; another seed another one.
    expect((await estimateCost(d, { power: 'sim' })).power.total).toBe(p.total);
    expect((await estimateCost(d, { power: 'sim', seed: 2 })).power.total).not.toBe(p.total);
  });

  it(
    'scaling laws: at twice the clock period the energy per operation and the leakage are unchanged, ' + 'the dynamic power halves',
    async () => {
      requireTool('verilator');
      requireTool('yosys');
      requireTool('sta', 'opensta');
      const d = design('drum', { width: 6, k: 3 });
      const [a, b] = [await estimateCost(d, { power: 'sim', clockNs: 10 }), await estimateCost(d, { power: 'sim', clockNs: 20 })];
      expect(b.power.energyPerOpPj).toBeCloseTo(a.power.energyPerOpPj, 12);
      expect(b.power.leakage).toBeCloseTo(a.power.leakage, 15);
      expect(b.power.internal + b.power.switching).toBeCloseTo((a.power.internal + a.power.switching) / 2, 15);
      expect(b.power.total).toBeCloseTo((a.power.internal + a.power.switching) / 2 + a.power.leakage, 15);
      // The critical path does not depend on the clock; the slack does, by the period.
      expect(b.timing.delayNs).toBeCloseTo(a.timing.delayNs, 6);
      expect(b.timing.slackNs - a.timing.slackNs).toBeCloseTo(10, 3);
    },
  );

  it("sim-delay: the cells' delays on 2,000 cycles, glitches counted (at least the zero-delay toggles)", async () => {
    requireTool('iverilog');
    const d = design('drum', { width: 6, k: 3 });
    const p = (await estimateCost(d, { power: 'sim-delay' })).power;
    expect(p.method).toBe('sim-delay');
    expect(p.simulation).toMatchObject({ mode: 'delay', cycles: 1999 });
    expect(p.simulation!.glitchShare).toBeGreaterThanOrEqual(1);
    expect(p.total).toBeCloseTo(p.internal + p.switching + p.leakage, 15);
  });

  it('clocked designs under sim and sim-delay; libraries without cell models refused, with the fix', async () => {
    requireTool('yosys');
    // Clocked units: zero-delay with flip-flop models from the Liberty file; with delays, the library's own.
    requireTool('iverilog');
    const piped = design('fpmul', { pipeline: 1 }, 'binary16');
    expect((await estimateCost(piped, { power: 'sim' })).power.simulation).toMatchObject({ mode: 'zero-delay', cycles: 8191 });
    const delayed = (await estimateCost(piped, { power: 'sim-delay' })).power;
    expect(delayed.simulation).toMatchObject({ mode: 'delay', cycles: 1999 });
    expect(delayed.simulation!.glitchShare).toBeGreaterThanOrEqual(1);
    const dir = mkdtempSync(join(tmpdir(), 'axhw-lib-'));
    copyFileSync('/usr/share/qflow/tech/osu018/osu018_stdcells.lib', join(dir, 'mine.lib'));
    await expect(estimateCost(design('drum', { width: 4, k: 2 }), { power: 'sim', lib: join(dir, 'mine.lib') })).rejects.toThrow(
      /No Verilog cell models are known for .*mine\.lib/,
    );
    // Beside the .lib, <lib>.v is found; --cells names them explicitly.
    copyFileSync('/usr/share/qflow/tech/osu018/osu018_stdcells.v', join(dir, 'cells.v'));
    const r = await estimateCost(design('drum', { width: 4, k: 2 }), {
      power: 'sim',
      lib: join(dir, 'mine.lib'),
      cells: join(dir, 'cells.v'),
    });
    expect(r.power.method).toBe('sim');
  });
});
