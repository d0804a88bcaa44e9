import { describe, expect, it } from 'vitest';
import { bestSramArray, sramArray } from '../../src/synth/sram-array.js';
import { gf180Macros } from '../../src/synth/sram-macro.js';

const macros = gf180Macros('1v80');
const byWords = (w: number) => macros.find((m) => m.words === w)!;

describe('memories built from SRAM macro tiles', () => {
  it('16 x 440 by hand: on the 512-word macro 2 slices x 1 bank; on the 128-word one 2 x 4, three banks idle per access', () => {
    const a = sramArray(16, 440, byWords(512));
    expect([a.slices, a.banks, a.tiles]).toEqual([2, 1, 2]);
    expect(a.energy.read).toBeCloseTo(2 * 103.176e-12, 20); // two 512 x 8 reads (Liberty: 103.176 pJ each)
    expect(a.energy.write).toBeCloseTo(2 * 112.563e-12, 20);
    expect(a.energy.idle).toBeCloseTo(2 * 8.06994e-17, 26);
    expect(a.area).toBeCloseTo(2 * 209400.2768, 6);
    expect(a.leakageW).toBeCloseTo(2 * 8.06994e-8, 20);
    const b = sramArray(16, 440, byWords(128));
    expect([b.slices, b.banks, b.tiles]).toEqual([2, 4, 8]);
    expect(b.energy.read).toBeCloseTo(2 * (88.7733e-12 + 3 * 2.60946e-17), 20);
    expect(b.energy.idle).toBeCloseTo(8 * 2.60946e-17, 26);
    expect(b.area).toBeCloseTo(8 * 116118.5168, 6);
    expect([a.readLatencyCycles, a.clockToQ]).toEqual([1, byWords(512).clockToQ]);
  });

  it('a partly used slice and bank count whole: 9 x 65 on 64 x 8 is 2 x 2 tiles', () => {
    const a = sramArray(9, 65, byWords(64));
    expect([a.slices, a.banks, a.tiles]).toEqual([2, 2, 4]);
  });

  it('chooses the least area: the tightest macro for the depth, the largest in banks beyond it', () => {
    expect(bestSramArray(8, 64, macros).macro.words).toBe(64);
    expect(bestSramArray(8, 100, macros).macro.words).toBe(128);
    expect(bestSramArray(16, 440, macros).macro.words).toBe(512);
    const big = bestSramArray(32, 1500, macros);
    expect([big.macro.words, big.slices, big.banks]).toEqual([512, 4, 3]);
  });

  it('refuses a memory without bits, naming the fix', () => {
    expect(() => sramArray(0, 16, byWords(64))).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/0 x 16 bits is not a memory/),
        fix: expect.stringMatching(/positive whole width and depth/),
      }),
    );
    expect(() => bestSramArray(8, 8, [])).toThrow(/No SRAM macros/);
  });
});
