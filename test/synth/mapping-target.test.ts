import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveLibrary, type CellLibrary } from '../../src/synth/library.js';
import { libraryOf } from '../../src/synth/simulated-cost.js';
import { abcConstraints, describeMapping, mappingTarget, smallestInverter } from '../../src/synth/mapping-target.js';
import { synthesize } from '../../src/synth/yosys.js';
import { timingAndPower } from '../../src/synth/sta.js';
import { requireTool } from '../helpers/tools.js';

describe('timing-driven mapping (mapping-target.ts)', () => {
  const osu = resolveLibrary('osu018');
  const inverterOf = (lib: CellLibrary) => smallestInverter(libraryOf(lib).liberty, lib.liberty);
  const targetOf = (lib: CellLibrary, clockNs: number) => mappingTarget(libraryOf(lib).liberty, lib.liberty, clockNs);

  it("takes the library's smallest inverter as the boundary driver and four of its inputs as the load", () => {
    // osu018_stdcells.lib: INVX1, area 16, input capacitance 0.00932456 pF (capacitive_load_unit 1 pF)
    expect(inverterOf(osu)).toEqual({ cell: 'INVX1', inputFf: expect.closeTo(9.32456, 5) });
    const t = targetOf(osu, 20);
    expect(t).toEqual({ clockNs: 20, drivingCell: 'INVX1', loadFf: 37.298 });
    expect(abcConstraints(t)).toBe('set_driving_cell INVX1\nset_load 37.298\n');
    expect(describeMapping(t)).toMatch(/^timing-driven for 20 ns \(ABC -D 20000/);
    expect(describeMapping(undefined)).toMatch(/^for area/);
  });

  it('refuses a library without an inverter, naming the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-noinv-'));
    const file = join(dir, 'nand.lib');
    writeFileSync(
      file,
      'library (nand) {\n  nom_voltage : 1.8;\n  capacitive_load_unit (1, ff);\n  cell (NAND2) {\n    area : 2;\n' +
        '    pin (A) { direction : input; capacitance : 1; }\n    pin (B) { direction : input; capacitance : 1; }\n' +
        '    pin (Y) { direction : output; function : "!(A&B)"; }\n  }\n}\n',
    );
    expect(() => inverterOf(resolveLibrary(file))).toThrow(/has no inverter[\s\S]*cost without a target clock|has no inverter/);
  });

  // A register broadcast to 128 XORs in front of four 32-bit adders: the area mapping leaves it behind a
  // minimum-size driver; the timing-driven one buffers and sizes it (the same RTL mapped for area is the control).
  it('buffers a high fan-out net and shortens the critical path against the area mapping', { timeout: 300_000 }, async () => {
    requireTool('yosys');
    requireTool('sta');
    const rtl = `module fanout (input wire clk, input wire s, input wire [127:0] a, input wire [127:0] b, output reg [127:0] z);
  reg sq;
  integer i;
  always @(posedge clk) begin
    sq <= s;
    for (i = 0; i < 4; i = i + 1) z[32*i +: 32] <= (a[32*i +: 32] ^ {32{sq}}) + b[32*i +: 32];
  end
endmodule
`;
    const d = { top: 'fanout', sources: { 'fanout.v': rtl } };
    const area = await synthesize(d, osu);
    const timed = await synthesize(d, osu, { target: targetOf(osu, 5) });
    const delay = async (netlist: string) => (await timingAndPower(netlist, 'fanout', { clock: { clk: 'clk' } }, osu, 5, [])).delayNs;
    const [da, dt] = [await delay(area.netlist), await delay(timed.netlist)];
    expect(dt).toBeLessThan(0.8 * da);
    expect(Object.keys(timed.cellTypes).some((c) => /^BUF/.test(c))).toBe(true);
  });
});
