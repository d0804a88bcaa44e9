import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { groupsOf, numbers, parseLiberty } from '../../src/synth/liberty.js';

const OSU018 = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';

describe('Liberty reader', () => {
  it('reads groups, simple and complex attributes, comments, continuations and strings', () => {
    const lib = parseLiberty(
      `/* a header
   over two lines */
library (tiny) {
  delay_model : table_lookup;
  capacitive_load_unit (1,pf);   // a complex attribute
  define (drive_strength, cell, float);
  define (extra, pin, string);
  nom_voltage : 1.8 ;
  time_unit : "1ns"
  power_lut_template (energy_5x5) {
    variable_1 : input_transition_time;
    index_1 ("0.1, 0.2");
  }
  cell (INVX1) {
    area : 16;
    function_text : "this ; and : are { inside } a string";
    pin (A) { direction : input; capacitance : 0.0090; }
    pin (Y) {
      direction : output;
      function : "(!A)";
      internal_power () {
        related_pin : "A";
        rise_power (energy_5x5) {
          index_1 ("0.1, 0.2");
          values ( \\
            "1, 2", \\
            "3, 4");
        }
      }
    }
  }
}
`,
      'tiny.lib',
    );
    expect(lib.type).toBe('library');
    expect(lib.names).toEqual(['tiny']);
    expect(lib.simple).toMatchObject({ delay_model: 'table_lookup', nom_voltage: '1.8', time_unit: '1ns' });
    expect(lib.complex.capacitive_load_unit).toEqual([['1', 'pf']]);
    expect(lib.complex.define).toEqual([
      ['drive_strength', 'cell', 'float'],
      ['extra', 'pin', 'string'],
    ]);
    const [cell] = groupsOf(lib, 'cell');
    expect(cell!.names).toEqual(['INVX1']);
    expect(cell!.simple.function_text).toBe('this ; and : are { inside } a string');
    const pins = groupsOf(cell!, 'pin');
    expect(pins.map((p) => [p.names[0], p.simple.direction])).toEqual([
      ['A', 'input'],
      ['Y', 'output'],
    ]);
    expect(Number(pins[0]!.simple.capacitance)).toBe(0.009);
    const rise = groupsOf(groupsOf(pins[1]!, 'internal_power')[0]!, 'rise_power')[0]!;
    expect(rise.names).toEqual(['energy_5x5']);
    expect(numbers(rise.complex.values![0]!, 'values')).toEqual([1, 2, 3, 4]);
    expect(rise.line).toBe(23);
  });

  it.each([
    ['an unterminated comment', 'library (x) { /* open', /x\.lib:1: unterminated comment/],
    ['an unterminated string', 'library (x) {\n a : "open;\n}', /x\.lib:2: unterminated string/],
    ['an unclosed group', 'library (x) {\n cell (A) {\n area : 1;\n}', /x\.lib:4: group 'library' is not closed/],
    ['a stray token', 'library (x) {\n area 1;\n}', /x\.lib:2: 'area' is followed by '1', not ':' or '\('/],
    ['a value missing', 'library (x) {\n area : ;\n}', /x\.lib:2: attribute 'area' has no value/],
    ['two libraries', 'library (x) { }\nlibrary (y) { }', /holds one top-level group \(library\); found 2/],
    ['not a number list', null, /values: '1, x' is not a list of numbers/],
  ])('names the line and the problem: %s', (_what, text, message) => {
    if (text === null) expect(() => numbers(['1, x'], 'values')).toThrow(message);
    else expect(() => parseLiberty(text, 'x.lib')).toThrow(message);
  });

  it.skipIf(!existsSync(OSU018))('reads the whole osu018 library (qflow-tech-osu018)', () => {
    const text = readFileSync(OSU018, 'utf8');
    const lib = parseLiberty(text, OSU018);
    expect(lib.names).toEqual(['osu018_stdcells']);
    const cells = groupsOf(lib, 'cell');
    // Every cell group of the file, counted independently of the parser.
    expect(cells).toHaveLength(text.match(/^\s*cell\s*\(/gm)!.length);
    // Every cell has an area (osu018's LATCH declares 0).
    expect(cells.every((c) => Number.isFinite(Number(c.simple.area)))).toBe(true);
    expect(cells.filter((c) => Number(c.simple.area) > 0)).toHaveLength(cells.length - 1);
    const nand = cells.find((c) => c.names[0] === 'NAND2X1')!;
    expect(Number(nand.simple.area)).toBe(24);
    expect(Number(nand.simple.cell_leakage_power)).toBeCloseTo(0.0393659, 9);
    expect(groupsOf(nand, 'pin').map((p) => [p.names[0], p.simple.capacitance])).toEqual([
      ['A', '0.0125'],
      ['B', '0.0129035'],
      ['Y', '0'],
    ]);
    expect(lib.complex.capacitive_load_unit).toEqual([['1', 'pf']]);
    // Every power table is index_1 x index_2 numbers.
    let tables = 0;
    for (const c of cells)
      for (const p of groupsOf(c, 'pin'))
        for (const ip of groupsOf(p, 'internal_power'))
          for (const t of [...groupsOf(ip, 'rise_power'), ...groupsOf(ip, 'fall_power')]) {
            const i1 = numbers(t.complex.index_1![0]!, 'index_1');
            const i2 = t.complex.index_2 ? numbers(t.complex.index_2[0]!, 'index_2') : [1];
            expect(numbers(t.complex.values![0]!, 'values')).toHaveLength(i1.length * i2.length);
            tables++;
          }
    expect(tables).toBeGreaterThan(50);
  });
});
