import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parseLiberty } from '../../src/synth/liberty.js';
import { arcEnergy, libraryEnergy, switchingEnergy, tableEnergy } from '../../src/synth/cell-energy.js';

const OSU018 = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';

/** A two-cell library in femtofarads and millivolts, with the table's load axis first (as osu018 has it). */
const TINY = `library (tiny) {
  voltage_unit : "1mV"; time_unit : "1ps"; leakage_power_unit : "1pW";
  capacitive_load_unit (1, ff);
  nom_voltage : 1200;
  power_lut_template (e2x2) {
    variable_1 : total_output_net_capacitance; variable_2 : input_transition_time; index_1 ("1, 2"); index_2 ("1, 2");
  }
  power_lut_template (e1) { variable_1 : input_transition_time; index_1 ("10, 20"); }
  cell (INV) {
    area : 3; cell_leakage_power : 5;
    pin (A) { direction : input; capacitance : 2; internal_power () { rise_power (e1) { values ("1, 3"); } } }
    pin (Y) { direction : output;
      internal_power () { related_pin : "A";
        rise_power (e2x2) { index_1 ("10, 20"); index_2 ("100, 200"); values ("1, 2", "3, 4"); }
        fall_power (e2x2) { index_1 ("10, 20"); index_2 ("100, 200"); values ("5, 5", "5, 5"); } }
      internal_power () { related_pin : "B";
        rise_power (scalar) { values ("7"); } } }
  }
}`;

describe('cell energy from the Liberty file', () => {
  const lib = libraryEnergy(parseLiberty(TINY, 'tiny.lib'));
  const y = lib.cells.get('INV')!.pins.get('Y')!;
  // Energy unit: 1 fF x (1 mV)^2 = 1e-21 J; load axis in fF, slew axis in ps.
  const E = 1e-21;

  it('converts the library units to SI', () => {
    expect(lib.voltage).toBeCloseTo(1.2, 12);
    const inv = lib.cells.get('INV')!;
    expect(inv.leakage).toBeCloseTo(5e-12, 24);
    expect(inv.pins.get('A')!.capacitance).toBeCloseTo(2e-15, 27);
    expect(y.arcs[0]!.rise!.variables).toEqual(['load', 'slew']);
    expect(y.arcs[0]!.rise!.index[0]![1]).toBeCloseTo(20e-15, 27);
    expect(y.arcs[0]!.rise!.index[1]![0]).toBeCloseTo(100e-12, 24);
  });

  it('interpolates bilinearly inside the table and linearly beyond its edges', () => {
    const rise = y.arcs[0]!.rise!;
    const at = (loadFf: number, slewPs: number) => tableEnergy(rise, { load: loadFf * 1e-15, slew: slewPs * 1e-12 }) / E;
    expect(at(10, 100)).toBeCloseTo(1, 9); // grid points
    expect(at(20, 200)).toBeCloseTo(4, 9);
    expect(at(15, 150)).toBeCloseTo(2.5, 9); // the centre: mean of the corners
    expect(at(15, 100)).toBeCloseTo(2, 9); // along the load axis only
    expect(at(30, 100)).toBeCloseTo(5, 9); // beyond: the end segment extended (1 -> 3 per 10 fF)
    expect(at(10, 0)).toBeCloseTo(0, 9); // below the slew range: 1 - (2 - 1)
    // A 1-D table on the slew axis, and a scalar.
    expect(tableEnergy(lib.cells.get('INV')!.pins.get('A')!.arcs[0]!.rise!, { load: 0, slew: 15e-12 }) / E).toBeCloseTo(2, 9);
    expect(tableEnergy(y.arcs[1]!.rise!, { load: 1, slew: 1 }) / E).toBeCloseTo(7, 9);
  });

  it('a transition through an arc costs the mean of its rise and fall tables; switching costs C V^2 / 2', () => {
    const at = { load: 10e-15, slew: 100e-12 };
    expect(arcEnergy(y.arcs[0]!, at) / E).toBeCloseTo((1 + 5) / 2, 9);
    expect(arcEnergy(y.arcs[1]!, at) / E).toBeCloseTo((7 + 0) / 2, 9); // arc B has no fall table: it counts 0
    expect(switchingEnergy(1e-12, 1.8)).toBeCloseTo(1.62e-12, 24);
  });

  it.each([
    ['an unknown template', TINY.replace('rise_power (e1)', 'rise_power (nope)'), /template 'nope' is not defined/],
    ['a table of the wrong size', TINY.replace('values ("1, 3")', 'values ("1, 3, 5")'), /3 values for a 2 table/],
    [
      'an unsupported variable',
      TINY.replace('variable_1 : input_transition_time;', 'variable_1 : related_pin_transition;'),
      /variable 'related_pin_transition' is not supported/,
    ],
    ['no supply voltage', TINY.replace('nom_voltage : 1200;', ''), /states no supply voltage/],
    ['a unit that is not one', TINY.replace('"1pW"', '"lots"'), /leakage_power_unit 'lots' is not a number and unit of W/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => libraryEnergy(parseLiberty(text, 'tiny.lib'))).toThrow(message);
  });

  it.skipIf(!existsSync(OSU018))('osu018: NAND2X1 at a grid point is the listed value, in joules', () => {
    const osu = libraryEnergy(parseLiberty(readFileSync(OSU018, 'utf8'), OSU018));
    expect(osu.voltage).toBe(1.8);
    const nand = osu.cells.get('NAND2X1')!;
    expect(nand.leakage).toBeCloseTo(0.0393659e-9, 18);
    const out = nand.pins.get('Y')!;
    expect(out.arcs.map((a) => a.relatedPin)).toEqual(['A', 'B']);
    // Arc A at index_1 = load 0.005 pF, index_2 = slew 0.06 ns: rise 0.044515 pJ, fall 0.010032 pJ.
    expect(tableEnergy(out.arcs[0]!.rise!, { load: 0.005e-12, slew: 0.06e-9 })).toBeCloseTo(0.044515e-12, 20);
    expect(tableEnergy(out.arcs[0]!.fall!, { load: 0.005e-12, slew: 0.06e-9 })).toBeCloseTo(0.010032e-12, 20);
    // Orientation: the second row is the second load (0.0125 pF), the second column the second slew (0.18 ns).
    expect(tableEnergy(out.arcs[0]!.rise!, { load: 0.0125e-12, slew: 0.06e-9 })).toBeCloseTo(0.045446e-12, 20);
    expect(tableEnergy(out.arcs[0]!.rise!, { load: 0.005e-12, slew: 0.18e-9 })).toBeCloseTo(0.051923e-12, 20);
    expect(nand.pins.get('A')!.capacitance).toBeCloseTo(0.0125e-12, 20);
    // Every cell of the library reads.
    expect(osu.cells.size).toBe(32);
  });
});
