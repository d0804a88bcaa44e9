import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  accessEnergy,
  characteriseGatedMemory,
  gatedActions,
  gatedBank,
  sramActions,
  type MemoryActions,
} from '../../src/synth/memory-kinds.js';
import { bestSramArray } from '../../src/synth/sram-array.js';
import { gf180Macros } from '../../src/synth/sram-macro.js';
import { characteriseMemory } from '../../src/synth/memory-cost.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

describe('memory kinds: energy from counted accesses', () => {
  it('cycles x idle + reads x read + writes x write + leakage x time, over all instances, by hand', () => {
    const a: MemoryActions = { idleJ: 1e-12, readJ: 5e-12, writeJ: 7e-12, leakageW: 2e-6, area: 100, source: 'by hand' };
    // 3 instances, 10 cycles at 4 ns: 30 idle cycles (30 pJ), 30 x 2e-6 W x 4e-9 s leakage (240 fJ), 6 reads, 2 writes
    expect(accessEnergy(a, { instances: 3, cycles: 10, reads: 6, writes: 2 }, 4)).toBeCloseTo(30e-12 + 0.24e-12 + 30e-12 + 14e-12, 24);
  });

  it("a deep gated file in banks of 512 words by hand: an access is one bank's, every bank leaks and idles", () => {
    const bank: MemoryActions = { idleJ: 1e-13, readJ: 3e-12, writeJ: 9e-12, leakageW: 1e-6, area: 1000, source: 'bank' };
    expect(gatedBank(1568)).toEqual({ banks: 4, words: 512 });
    expect(gatedBank(440)).toEqual({ banks: 1, words: 440 });
    expect(gatedActions(bank, 440)).toBe(bank);
    const a = gatedActions(bank, 1568);
    expect(a).toMatchObject({ readJ: 3e-12, writeJ: 9e-12, leakageW: 4e-6, area: 4000 });
    expect(a.idleJ).toBeCloseTo(4e-13, 24);
    expect(a.source).toMatch(/^4 banks of 512 words/);
  });

  it("SRAM: a read or a write costs its tiles' cycle over an idle one (16 x 440: 2 slices of the 512-word macro)", () => {
    const s = sramActions(16, 440);
    const a = bestSramArray(16, 440, gf180Macros('1v80'));
    expect(a.macro.words).toBe(512);
    expect(s.idleJ).toBe(a.energy.idle);
    expect(s.readJ).toBeCloseTo(a.energy.read - a.energy.idle, 24);
    expect(s.writeJ).toBeCloseTo(a.energy.write - a.energy.idle, 24);
    expect([s.leakageW, s.area]).toEqual([a.leakageW, a.area]);
    expect(s.source).toMatch(/2 x 1 tiles of gf180mcu_fd_ip_sram__sram512x8m8wm1/);
    // at another supply, the same tiles from the supply model (sram-voltage.ts), and the source says so
    const ntv = sramActions(16, 440, 0.66);
    expect(ntv.source).toMatch(/2 x 1 tiles of gf180mcu_fd_ip_sram__sram512x8m8wm1 .*scaled to 0\.66 V/);
    expect(ntv.readJ).toBeLessThan(s.readJ / 4);
    expect(ntv.area).toBe(s.area);
  });
});

describe.skipIf(!existsSync(CELLS))('a clock-gated register file, synthesized and simulated per action', () => {
  let gated: MemoryActions;
  beforeAll(async () => {
    for (const t of ['verilator', 'yosys'] as const) requireTool(t);
    gated = await characteriseGatedMemory(8, 16, 2, resolveLibrary() as Parameters<typeof characteriseGatedMemory>[3], 10);
  });

  it('the JavaScript simulation of its derived clocks gives what Verilator gives, action by action', { timeout: 300_000 }, async () => {
    const lib = resolveLibrary() as Parameters<typeof characteriseGatedMemory>[3];
    expect(await characteriseGatedMemory(8, 16, 2, lib, 10, 'verilator')).toEqual(gated);
  });

  it('idle costs nothing but leakage (no flip-flop is clocked); a write clocks one word; a read moves the multiplexer', async () => {
    expect(gated.idleJ).toBe(0);
    expect(gated.readJ).toBeGreaterThan(0);
    expect(gated.writeJ).toBeGreaterThan(gated.readJ);
    expect(gated.leakageW).toBeGreaterThan(0);
    expect(gated.source).toMatch(/128 flip-flops/);
    // Negative control against the ungated reference of the same size: clocking every bit every cycle costs more
    // per cycle than a write and a read on the gated file.
    const ungated = await characteriseMemory(2, resolveLibrary(), 10);
    expect(ungated.depth * ungated.width).toBe(128);
    expect(ungated.energyPerBitCycle * 128).toBeGreaterThan(gated.writeJ + gated.readJ);
  });
});
