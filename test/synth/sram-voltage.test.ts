import { describe, expect, it } from 'vitest';
import { gf180Macros } from '../../src/synth/sram-macro.js';
import { gf180MacrosAt, powerLaw, sramAtVoltage, sramVoltageModel } from '../../src/synth/sram-voltage.js';

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

describe('the vendored macros at any supply', () => {
  it('at a corner: the fitted energies, within the fit residuals of the corner read from its Liberty file', () => {
    const at = gf180MacrosAt(3.3);
    expect(at.extrapolated).toBe(false);
    const corner = gf180Macros('3v30');
    at.macros.forEach((m, i) => {
      const c = corner[i]!;
      expect(m.words).toBe(c.words);
      for (const q of ['read', 'write'] as const) expect(Math.abs(m.energy[q] / c.energy[q] - 1), `${m.cell} ${q}`).toBeLessThan(0.02);
      expect(Math.abs(m.leakageW / c.leakageW - 1)).toBeLessThan(0.05);
    });
  });

  it('near threshold (the AxTrain experiment 660 mV): an extrapolation, stated, with less energy per access', () => {
    const ntv = gf180MacrosAt(0.66);
    expect(ntv.extrapolated).toBe(true);
    const nominal = gf180Macros('1v80');
    ntv.macros.forEach((m, i) => {
      expect(m.voltage).toBe(0.66);
      expect(m.energy.read).toBeLessThan(nominal[i]!.energy.read);
      expect(m.leakageW).toBeLessThan(nominal[i]!.leakageW);
    });
    // the model's own arithmetic: q(V) = q(1.8) (V / 1.8)^k
    const model = sramVoltageModel([gf180Macros('1v80')[0]!, gf180Macros('3v30')[0]!, gf180Macros('5v00')[0]!]);
    expect(ntv.macros[0]!.energy.read).toBeCloseTo(model.read.q0 * (0.66 / 1.8) ** model.read.k, 20);
  });
});
