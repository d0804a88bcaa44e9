import { describe, expect, it } from 'vitest';
import { getUnit, listUnits, resolveUnit } from '../../src/gen/registry.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateDesign } from '../../src/gen/generate.js';
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

  it(
    'every unit: its test sweep validates, and each setting renders a top whose ports are the declared ' + 'ones, with a model that runs',
    () => {
      for (const u of listUnits()) {
        expect(u.testSweep.length).toBeGreaterThan(0);
        expect(existsSync(join(import.meta.dirname, '..', '..', 'rtl-templates', u.template)), u.template).toBe(true);
        for (const raw of u.testSweep) {
          const d = generateDesign(u, resolveUnit(u.name, raw).params);
          const src = Object.values(d.sources).join('\n');
          expect(src).toMatch(new RegExp(`^module ${d.top} \\(`, 'm'));
          // Every declared port is in the top module's header with its declared width (no more, no fewer).
          const header = src.slice(src.search(new RegExp(`^module ${d.top} \\(`, 'm')));
          const declared = [
            ...header.slice(0, header.indexOf(');')).matchAll(/(input|output)\s+(?:wire|reg)\s+(?:signed\s+)?(?:\[(\d+):0\]\s+)?(\w+)/g),
          ].map((m) => `${m[1]} ${m[3]} ${m[2] === undefined ? 1 : Number(m[2]) + 1}`);
          const ports = d.ports;
          const want = [
            `input ${ports.a.name} ${ports.a.width}`,
            `input ${ports.b.name} ${ports.b.width}`,
            ...ports.controls.map((c) => `input ${c.name} ${c.width}`),
            `output ${ports.y.name} ${ports.y.width}`,
          ];
          if (ports.clock)
            want.push(
              `input ${ports.clock.clk} 1`,
              `input ${ports.clock.reset} 1`,
              `input ${ports.clock.validIn} 1`,
              `output ${ports.clock.validOut} 1`,
            );
          expect(declared.sort(), `${d.top}`).toEqual(want.sort());
          // The model runs and writes a result for every pair it is given.
          const out = new Uint32Array(ports.y.width > 32 ? 4 : 2).fill(0xdeadbeef);
          const view =
            ports.y.width > 32
              ? out
              : ports.y.width > 16
                ? out
                : ports.y.width > 8
                  ? new Uint16Array(out.buffer).subarray(0, 2)
                  : new Uint8Array(out.buffer).subarray(0, 2);
          d.model!.evalBatch(Uint32Array.of(1, 2), Uint32Array.of(1, 3), 2, view);
          expect(
            Array.from(view).some((v) => v === 0xdeadbeef),
            `${d.top} model left a result unwritten`,
          ).toBe(false);
        }
      }
    },
  );
});
