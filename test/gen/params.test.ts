import { describe, expect, it } from 'vitest';
import { getUnit, listUnits, resolveUnit } from '../../src/gen/registry.js';
import { AxhwError } from '../../src/errors.js';

describe('unit registry parameters', () => {
  it('applies declared defaults and coerces CLI strings', () => {
    expect(resolveUnit('drum', {}).params).toEqual({ width: 8, k: 4, signed: false });
    expect(resolveUnit('drum', { width: '16', k: '6', signed: 'true' }).params).toEqual({ width: 16, k: 6, signed: true });
  });

  it.each([
    [{ k: 9 }, /k = 9 must not exceed width = 8/],
    [{ width: 1 }, /'width' = 1 is invalid: must be >= 2/],
    [{ width: 33 }, /'width' = 33 is invalid: must be <= 32/],
    [{ width: 'eight' }, /'width' = "eight" is invalid/],
    [{ k: 2.5 }, /must be an integer/],
    [{ signed: 'maybe' }, /'signed' = "maybe" is invalid/],
    [{ mbits: 3 }, /drum has no parameter 'mbits'/],
    [{ k: 2, signed: true }, /signed DRUM needs k >= 3.*overflows the 16-bit signed result/],
  ])('rejects %j with a clear message', (raw, msg) => {
    expect(() => resolveUnit('drum', raw)).toThrow(msg);
    expect(() => resolveUnit('drum', raw)).toThrow(AxhwError);
  });

  it('names the known units for an unknown one', () => {
    expect(() => getUnit('wallace')).toThrow(/Unknown unit 'wallace'/);
    try {
      getUnit('wallace');
    } catch (e) {
      expect((e as AxhwError).fix).toMatch(/drum, exact-mul/);
    }
  });

  it('every unit declares a model, ports, a template and a test sweep that validates', () => {
    for (const u of listUnits()) {
      expect(u.testSweep.length).toBeGreaterThan(0);
      for (const p of u.testSweep) expect(() => resolveUnit(u.name, p)).not.toThrow();
    }
  });
});
