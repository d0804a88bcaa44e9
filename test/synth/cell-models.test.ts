import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { cellModelsFor, udpToModule } from '../../src/synth/cell-models.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';
const MUX = `primitive udp_mux2 (out, in0, in1, sel);
   output out;
   input  in0, in1, sel;
   table
// in0 in1 sel :  out
    1  ?  0 :  1 ;
    0  ?  0 :  0 ;
    ?  1  1 :  1 ;
    ?  0  1 :  0 ;
    0  0  x :  0 ;
    1  1  x :  1 ;
   endtable
endprimitive`;

/** Evaluate the module's single assign for input values, in JS. */
function evalAssign(module: string, inputs: Record<string, number>): number {
  const expr = /assign \w+ = (.*);/
    .exec(module)![1]!
    .replace(/~(\w+)/g, '(1 - $1)')
    .replace(/1'b0/g, '0');
  return Function(...Object.keys(inputs), `return (${expr}) & 1;`)(...Object.values(inputs)) as number;
}

describe('cell models for zero-delay simulation', () => {
  it('a combinational UDP becomes a sum of products equal to its table on every 0/1 input', () => {
    const m = udpToModule(MUX, 'udp_mux2');
    expect(m).toMatch(/^module udp_mux2 \(out, in0, in1, sel\);/);
    for (let c = 0; c < 8; c++) {
      const [in0, in1, sel] = [c & 1, (c >> 1) & 1, (c >> 2) & 1];
      expect(evalAssign(m, { in0, in1, sel }), `in0=${in0} in1=${in1} sel=${sel}`).toBe(sel ? in1 : in0);
    }
  });

  it.each([
    ['a sequential UDP', MUX.replace('output out;', 'output out; reg out;'), /is sequential/],
    ['an incomplete table', MUX.replace('    ?  0  1 :  0 ;\n', ''), /inputs in0=0 in1=0 sel=1 have no 0\/1 output/],
    ['a contradictory table', MUX.replace('    ?  0  1 :  0 ;', '    ?  0  1 :  0 ;\n    0  0  1 :  1 ;'), /give both 0 and 1/],
    ['a row of the wrong arity', MUX.replace('1  ?  0 :  1 ;', '1  ?  :  1 ;'), /has 2 inputs, the primitive 3/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => udpToModule(text, 'udp_mux2')).toThrow(message);
  });

  it('a cell the library does not have is named, with the fix', () => {
    expect(() => cellModelsFor('module A (x); input x; endmodule', ['B'], 'cells.v')).toThrow(/Cell B has no module in cells\.v[\s\S]*/);
  });

  it.skipIf(!existsSync(CELLS))('every combinational osu018 cell model passes Verilator, UDPs converted and instances named', async () => {
    requireTool('verilator');
    const text = readFileSync(CELLS, 'utf8');
    const comb = [
      'AND2X1',
      'AND2X2',
      'AOI21X1',
      'AOI22X1',
      'BUFX2',
      'BUFX4',
      'FAX1',
      'HAX1',
      'INVX1',
      'INVX2',
      'INVX4',
      'INVX8',
      'MUX2X1',
      'NAND2X1',
      'NAND3X1',
      'NOR2X1',
      'NOR3X1',
      'OAI21X1',
      'OAI22X1',
      'OR2X1',
      'OR2X2',
      'XNOR2X1',
      'XOR2X1',
    ];
    const models = cellModelsFor(text, comb, CELLS);
    expect(models.split('\n').slice(1).join('\n')).not.toMatch(/specify|primitive/);
    expect(models).toMatch(/udp_mux2 u_udp_mux2_0 \(/);
    expect(() => cellModelsFor(text, ['DFFPOSX1'], CELLS)).toThrow(/udp_dff is sequential/);
    const dir = mkdtempSync(join(tmpdir(), 'axhw-cells-'));
    // One instance of every cell (pins left open: lint only), so each model and converted UDP is elaborated.
    const top = `module top;\n${comb.map((c, k) => `  ${c} u${k} ();`).join('\n')}\nendmodule\n`;
    writeFileSync(join(dir, 'cells.v'), models);
    writeFileSync(join(dir, 'top.v'), top);
    const r = await execa(
      'verilator',
      ['--lint-only', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'top', 'top.v', 'cells.v'],
      { cwd: dir, reject: false, all: true },
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/%Error/);
  });
});
