import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gf180Macros, readSramMacro } from '../../src/synth/sram-macro.js';
import { libertyHolds } from '../../src/synth/liberty-function.js';
import { platformDir } from '../../src/paths.js';

const DIR = join(platformDir, 'gf180mcu', 'sram');
const M64 = join(DIR, 'gf180mcu_fd_ip_sram__sram64x8m8wm1__tt_025C_1v80.lib');

describe('the vendored GF180MCU SRAM macros', () => {
  it('are the files PROVENANCE.md lists, unchanged (sha256), with the license beside them', () => {
    const provenance = readFileSync(join(DIR, 'PROVENANCE.md'), 'utf8');
    const libs = readdirSync(DIR).filter((f) => f.endsWith('.lib'));
    expect(libs.length).toBe(12);
    for (const f of libs) {
      const sha = createHash('sha256')
        .update(readFileSync(join(DIR, f)))
        .digest('hex');
      expect(provenance, f).toContain(`| \`${f}\` | \`cells/${f.replace(/__tt_.*$/, '')}/${f}\` | \`${sha}\` |`);
    }
    expect(provenance).toMatch(/commit: [0-9a-f]{40}/);
    expect(readFileSync(join(DIR, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('64 x 8 at tt 1.8 V, by hand from the file: read, write and idle cycle energies, leakage, area, clock to Q', () => {
    const m = readSramMacro(M64);
    expect([m.cell, m.words, m.bits, m.voltage, m.area]).toEqual(['gf180mcu_fd_ip_sram__sram64x8m8wm1', 64, 8, 1.8, 100571.5568]);
    // CLK internal_power: when "!CEN & GWEN" 84.3399, when "!CEN & !GWEN & (!WEN[0] | ...)" 92.043, when "CEN"
    // 1.69949e-05, in pF x V^2 = pJ, the same in the rise and fall tables (the datasheet's per-access figures).
    expect(m.energy.read).toBeCloseTo(84.3399e-12, 20);
    expect(m.energy.write).toBeCloseTo(92.043e-12, 20);
    expect(m.energy.idle).toBeCloseTo(1.69949e-17, 26);
    expect(m.leakageW).toBeCloseTo(1.699488e-8, 20); // cell_leakage_power 1.699488e-05 in mW
    expect(m.clockToQ).toBeCloseTo(16.1808e-9, 18); // the larger of cell_rise 15.2892 and cell_fall 16.1808 ns
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('all sizes and supplies read; energy grows with the words and the supply, the datasheet ratios', () => {
    const bySupply = (['1v80', '3v30', '5v00'] as const).map((v) => gf180Macros(v));
    for (const macros of bySupply) {
      expect(macros.map((m) => m.words)).toEqual([64, 128, 256, 512]);
      for (let i = 1; i < macros.length; i++) {
        expect(macros[i]!.energy.read).toBeGreaterThan(macros[i - 1]!.energy.read);
        expect(macros[i]!.area).toBeGreaterThan(macros[i - 1]!.area);
      }
      for (const m of macros) expect(m.energy.write).toBeGreaterThan(m.energy.read);
    }
    expect(bySupply.map((ms) => ms[0]!.voltage)).toEqual([1.8, 3.3, 5]);
    // The datasheet's AC write power at 1 MHz (specs/4_Power_Consumption{3,2,1}.csv): 92.043, 342.144, 859.2 uW.
    expect(bySupply.map((ms) => +(ms[0]!.energy.write * 1e12).toFixed(3))).toEqual([92.043, 342.144, 859.2]);
  });

  it('classifies cycles by the when conditions, and refuses a file where a cycle matches none or two', () => {
    const write = '!CEN & !GWEN & (!WEN[0] | !WEN[1])';
    expect(libertyHolds(write, (p) => p === 'WEN[0]')).toBe(true); // enabled, writing, bit 1 unmasked
    expect(libertyHolds(write, (p) => p === 'CEN')).toBe(false);
    expect(libertyHolds(write, (p) => p === 'WEN[0]' || p === 'WEN[1]')).toBe(false); // every bit masked
    const work = mkdtempSync(join(tmpdir(), 'axhw-sram-test-'));
    try {
      const text = readFileSync(M64, 'latin1');
      const twice = join(work, 'twice.lib');
      writeFileSync(twice, text.replace('when : "CEN";', 'when : "GWEN";'));
      expect(() => readSramMacro(twice)).toThrow(/2 internal_power conditions of pin CLK hold in a read cycle/);
      const none = join(work, 'none.lib');
      writeFileSync(none, text.replace('when : "!CEN & GWEN";', 'when : "!CEN & GWEN & CEN";'));
      expect(() => readSramMacro(none)).toThrow(/0 internal_power conditions of pin CLK hold in a read cycle/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
