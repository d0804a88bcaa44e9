import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { libertyToVerilog, sequentialCellModel } from '../../src/synth/liberty-function.js';
import { groupsOf, parseLiberty } from '../../src/synth/liberty.js';
import { parseNetlist } from '../../src/synth/netlist.js';
import { cellModelsFor } from '../../src/synth/cell-models.js';
import { simulateToggles } from '../../src/synth/toggle-sim.js';
import { simulateTogglesWithDelays } from '../../src/synth/delay-sim.js';
import { synthesize } from '../../src/synth/yosys.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const LIB = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';
const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

/** Evaluate a translated expression in JS for given inputs (~ on one bit). */
function evalVerilog(v: string, env: Record<string, number>): number {
  const js = v.replace(/1'b([01])/g, '$1').replace(/~/g, '+!'); // one-bit NOT, as tight as Verilog's ~
  return Function(...Object.keys(env), `return (${js}) & 1;`)(...Object.values(env)) as number;
}

describe('Liberty functions and sequential cells', () => {
  it('translates every operator form with Liberty precedence (NOT > AND > XOR > OR)', () => {
    const cases: [string, (x: Record<string, number>) => number][] = [
      ['(!((A B)+(C D)))', (x) => 1 - ((x.A! & x.B!) | (x.C! & x.D!))],
      ["A' * B + C", (x) => ((1 - x.A!) & x.B!) | x.C!],
      ['A + B ^ C & D', (x) => x.A! | (x.B! ^ (x.C! & x.D!))],
      ['(!((S A) + (!S B)))', (x) => 1 - ((x.S! & x.A!) | ((1 - x.S!) & x.B!))],
      ['((A^B)^C)', (x) => x.A! ^ x.B! ^ x.C!],
      ['A & 1 | 0', (x) => x.A!],
    ];
    for (const [f, want] of cases) {
      const v = libertyToVerilog(f);
      for (let c = 0; c < 32; c++) {
        const env = { A: c & 1, B: (c >> 1) & 1, C: (c >> 2) & 1, D: (c >> 3) & 1, S: (c >> 4) & 1 };
        expect(evalVerilog(v, env), `${f} at ${JSON.stringify(env)}`).toBe(want(env));
      }
    }
    expect(() => libertyToVerilog('(A B')).toThrow(/a '\(' is not closed/);
    expect(() => libertyToVerilog('A +')).toThrow(/ends where an operand is expected/);
    expect(() => libertyToVerilog('A % B')).toThrow(/outside its grammar/);
  });

  it.skipIf(!existsSync(LIB))("models osu018's flip-flops and latch from their ff / latch groups", () => {
    const lib = parseLiberty(readFileSync(LIB, 'utf8'), LIB);
    const cell = (n: string) => groupsOf(lib, 'cell').find((c) => c.names[0] === n)!;
    expect(sequentialCellModel(cell('DFFPOSX1'))).toMatch(
      /wire axhw_clk = CLK;[\s\S]*always @\(posedge axhw_clk\)[\s\S]*else DS0000 <= D;[\s\S]*assign Q = DS0000;/,
    );
    expect(sequentialCellModel(cell('DFFNEGX1'))).toMatch(/wire axhw_clk = \(~CLK\);/);
    expect(sequentialCellModel(cell('DFFSR'))).toMatch(
      /wire axhw_clr = \(~R\);[\s\S]*posedge axhw_clk or posedge axhw_clr or posedge axhw_pre/,
    );
    expect(sequentialCellModel(cell('LATCH'))).toMatch(/always @\*[\s\S]*else if \(CLK\) DS0000 = D;/);
    expect(() => sequentialCellModel(cell('NAND2X1'))).toThrow(/has no ff or latch group/);
  });

  it.skipIf(!existsSync(CELLS))('a flip-flop row: each Q toggles as its D did, one cycle later; the clock twice a cycle', async () => {
    requireTool('verilator');
    const net = parseNetlist(`module row(clk, d, q);
  input clk;
  input [3:0] d;
  output [3:0] q;
${[0, 1, 2, 3].map((k) => `  DFFPOSX1 f${k} (.CLK(clk), .D(d[${k}]), .Q(q[${k}]));`).join('\n')}
endmodule`);
    const lib = parseLiberty(readFileSync(LIB, 'utf8'), LIB);
    const models = cellModelsFor(readFileSync(CELLS, 'utf8'), ['DFFPOSX1'], CELLS, lib);
    expect(() => cellModelsFor(readFileSync(CELLS, 'utf8'), ['DFFPOSX1'], CELLS)).toThrow(/udp_dff is sequential/);
    const rng = new Rng(4);
    const n = 2000;
    const d = Array.from({ length: n }, () => rng.nextU32() & 15);
    const r = await simulateToggles(net, models, { inputs: ['d'], cycles: n, values: BigUint64Array.from(d.map(BigInt)), clock: 'clk' });
    const changes = (bit: number) => d.slice(1).filter((v, i) => ((v >> bit) & 1) !== ((d[i]! >> bit) & 1)).length;
    for (let k = 0; k < 4; k++) expect(r.toggles.get(`q[${k}]`), `q[${k}]`).toBe(changes(k));
    expect(r.toggles.get('clk')).toBe(2 * (n - 1));
    // With the library's own flip-flop models and their delays: the same Q toggles (a register output
    // changes once per clock at most), and the clock's toggles.
    requireTool('iverilog');
    const delayed = await simulateTogglesWithDelays(
      net,
      readFileSync(CELLS, 'utf8'),
      { inputs: ['d'], cycles: n, values: BigUint64Array.from(d.map(BigInt)), clock: 'clk' },
      10,
    );
    for (let k = 0; k < 4; k++) expect(delayed.toggles.get(`q[${k}]`), `q[${k}] with delays`).toBe(changes(k));
    expect(Math.abs(delayed.toggles.get('clk')! - 2 * (n - 1))).toBeLessThanOrEqual(1);
  });

  it("a pipelined fpmul under --power sim: its outputs toggle as the model's results do, one cycle late", async () => {
    requireTool('verilator');
    requireTool('yosys');
    const u = resolveUnit('fpmul', { pipeline: 1 }, 'binary16');
    const d = generateDesign(u.unit, u.params);
    const s = await synthesize(d, resolveLibrary());
    expect(s.flipFlops).toBeGreaterThan(0);
    const net = parseNetlist(readFileSync(s.netlist, 'utf8'), s.netlist);
    const lib = parseLiberty(readFileSync(LIB, 'utf8'), LIB);
    const models = cellModelsFor(readFileSync(CELLS, 'utf8'), new Set(net.instances.map((i) => i.cell)), CELLS, lib);
    const inputs = net.ports.filter((p) => p.direction === 'input' && p.name !== 'clk').map((p) => p.name);
    const rng = new Rng(8);
    const n = 1500;
    const a = Uint32Array.from({ length: n }, () => rng.nextBits(16));
    const b = Uint32Array.from({ length: n }, () => rng.nextBits(16));
    const mbits = d.ports.controls[0]!;
    const values = new BigUint64Array(n * inputs.length);
    for (let c = 0; c < n; c++)
      inputs.forEach((name, k) => {
        const v =
          name === 'a'
            ? a[c]!
            : name === 'b'
              ? b[c]!
              : name === 'rst'
                ? c === 0
                  ? 1
                  : 0
                : name === 'valid_in'
                  ? 1
                  : name === mbits.name
                    ? mbits.value
                    : NaN;
        values[c * inputs.length + k] = BigInt(v);
      });
    const r = await simulateToggles(net, models, { inputs, cycles: n, values, clock: 'clk' });
    const y = new Uint32Array(n);
    d.modelFor!({ [mbits.name]: mbits.value }).evalBatch(a, b, n, y);
    // With one register stage, y during cycle c is the product of cycle c's operands (registered at
    // the clock edge of cycle c): count its changes over cycles 1..n-1.
    for (let k = 0; k < 16; k++) {
      const want = Array.from(y)
        .slice(1)
        .filter((v, i) => ((v >> k) & 1) !== ((y[i]! >> k) & 1)).length;
      expect(r.toggles.get(`y[${k}]`) ?? 0, `y[${k}]`).toBe(want);
    }
  });
});
