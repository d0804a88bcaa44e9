import { describe, expect, it } from 'vitest';
import { gf180Macros } from '../../src/synth/sram-macro.js';
import { powerLaw, sramAtVoltage, sramVoltageModel } from '../../src/synth/sram-voltage.js';

const corners = (['1v80', '3v30', '5v00'] as const).flatMap((v) => gf180Macros(v));
const of = (words: number) => corners.filter((m) => m.words === words);

describe('SRAM storage energy against the supply, fitted on the macro corners', () => {
  it('fits each macro within about 1% at its three tt corners; dynamic energy goes as V^2.1-2.2, leakage as V^2.0', () => {
    for (const words of [64, 128, 256, 512]) {
      const m = sramVoltageModel(of(words));
      expect(m.corners).toEqual([1.8, 3.3, 5]);
      for (const law of [m.read, m.write, m.leakage]) for (const r of law.residuals) expect(Math.abs(r.relative)).toBeLessThan(0.012);
      expect(m.read.k).toBeGreaterThan(2.1);
      expect(m.read.k).toBeLessThan(2.2);
      expect(m.leakage.k).toBeCloseTo(2, 1);
    }
  });

  it('by hand on the 64 x 8 reads: the slope of log E over log V through 84.3399, 310.2 and 770.85 pJ', () => {
    const xs = [1.8, 3.3, 5].map(Math.log);
    const ys = [84.3399, 310.2, 770.85].map(Math.log);
    const mx = (xs[0]! + xs[1]! + xs[2]!) / 3;
    const my = (ys[0]! + ys[1]! + ys[2]!) / 3;
    const k = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const m = sramVoltageModel(of(64));
    expect(m.read.k).toBeCloseTo(k, 12);
    expect(powerLaw(m.read, 3.3) * 1e12).toBeCloseTo(Math.exp(my + k * (Math.log(3.3) - mx)), 9);
  });

  it('says when a supply is outside the characterized corners (near threshold is an extrapolation)', () => {
    const m = sramVoltageModel(of(512));
    const ntv = sramAtVoltage(m, 0.66);
    expect(ntv.extrapolated).toBe(true);
    expect(ntv.read).toBeLessThan(sramAtVoltage(m, 1.8).read / 5);
    expect(sramAtVoltage(m, 2.5).extrapolated).toBe(false);
    expect(() => sramAtVoltage(m, 0)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/0 V is not a voltage/), fix: expect.stringMatching(/positive supply/) }),
    );
  });

  it('refuses corners of different macros or a single supply', () => {
    expect(() => sramVoltageModel(gf180Macros('1v80'))).toThrow(/one macro at two or more supplies/);
    expect(() => sramVoltageModel(of(64).slice(0, 1))).toThrow(/one macro at two or more supplies/);
  });
});
