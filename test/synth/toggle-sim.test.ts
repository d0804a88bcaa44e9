import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../src/paths.js';
import { parseNetlist } from '../../src/synth/netlist.js';
import { cellModelsFor } from '../../src/synth/cell-models.js';
import { readToggleCoverage, simulateToggles } from '../../src/synth/toggle-sim.js';
import { synthesize } from '../../src/synth/yosys.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';
const cells = () => readFileSync(CELLS, 'utf8');

/** Changes between consecutive values of one bit over a sequence (the first value only sets the start). */
function changes(seq: (number | bigint)[], bit: number): number {
  let n = 0;
  for (let i = 1; i < seq.length; i++) if (((BigInt(seq[i]!) >> BigInt(bit)) & 1n) !== ((BigInt(seq[i - 1]!) >> BigInt(bit)) & 1n)) n++;
  return n;
}

describe.skipIf(!existsSync(CELLS))('zero-delay toggle counts (Verilator on the netlist)', () => {
  beforeAll(() => requireTool('verilator'));

  it('count every change of every net of a hand-made netlist, first vector excluded', async () => {
    const net = parseNetlist(`module t(a, y);
  input [1:0] a;
  output [1:0] y;
  wire _0_;
  INVX1 u0 (.A(a[0]), .Y(_0_));
  NAND2X1 u1 (.A(_0_), .B(a[1]), .Y(y[0]));
  MUX2X1 u2 (.A(a[0]), .B(a[1]), .S(_0_), .Y(y[1]));
endmodule`);
    const seq = [0, 1, 3, 2, 2, 0, 1, 1, 3, 0];
    const r = await simulateToggles(net, cellModelsFor(cells(), ['INVX1', 'NAND2X1', 'MUX2X1'], CELLS), {
      inputs: ['a'],
      cycles: seq.length,
      values: BigUint64Array.from(seq.map(BigInt)),
    });
    const inv = seq.map((v) => 1 - (v & 1));
    const nand = seq.map((v, i) => 1 - (inv[i]! & ((v >> 1) & 1)));
    // osu018's MUX2X1 is inverting: Y = !(S ? B : A).
    const mux = seq.map((v, i) => 1 - (inv[i] ? (v >> 1) & 1 : v & 1));
    expect(r.cycles).toBe(seq.length - 1);
    expect(Object.fromEntries(r.toggles)).toEqual({
      'a[0]': changes(seq, 0),
      'a[1]': changes(seq, 1),
      _0_: changes(inv, 0),
      'y[0]': changes(nand, 0),
      'y[1]': changes(mux, 0),
    });
  });

  it('a stimulus simulated before is read back from the cache (the same counts), another one is simulated', async () => {
    const net = parseNetlist(`module toggle_cache_probe(a, y);
  input [1:0] a;
  output y;
  NAND2X1 u1 (.A(a[0]), .B(a[1]), .Y(y));
endmodule`);
    const models = cellModelsFor(cells(), ['NAND2X1'], CELLS);
    const runs = () => readdirSync(join(cacheRoot(), 'toggle-run')).filter((f) => f.startsWith('toggle_cache_probe-')).length;
    // a stimulus this run has not simulated before (the cache outlives test runs)
    const rng = new Rng(Date.now() % 2 ** 31);
    const stimulus = () => ({ inputs: ['a'], cycles: 64, values: BigUint64Array.from({ length: 64 }, () => BigInt(rng.nextU32() & 3)) });
    const first = stimulus();
    const a = await simulateToggles(net, models, first);
    const before = runs();
    const again = await simulateToggles(net, models, { ...first, values: first.values.slice() });
    expect(runs()).toBe(before); // read back
    expect(again.toggles).toEqual(a.toggles);
    const seq = [...first.values].map(Number);
    expect(a.toggles.get('a[0]')).toBe(changes(seq, 0)); // and what was kept is right
    await simulateToggles(net, models, stimulus());
    expect(runs()).toBe(before + 1); // another stimulus is simulated
  });

  it("on a synthesized DRUM the output bits toggle as the model's products do, the input bits as the operands", async () => {
    requireTool('yosys');
    const r = resolveUnit('drum', { width: 6, k: 3 });
    const d = generateDesign(r.unit, r.params);
    const s = await synthesize(d, resolveLibrary());
    const net = parseNetlist(readFileSync(s.netlist, 'utf8'), s.netlist);
    const rng = new Rng(5);
    const n = 3000;
    const a = Uint32Array.from({ length: n }, () => rng.nextU32() & 63);
    const b = Uint32Array.from({ length: n }, () => rng.nextU32() & 63);
    const values = new BigUint64Array(2 * n);
    for (let i = 0; i < n; i++) [values[2 * i], values[2 * i + 1]] = [BigInt(a[i]!), BigInt(b[i]!)];
    const sim = await simulateToggles(net, cellModelsFor(cells(), new Set(net.instances.map((i) => i.cell)), CELLS), {
      inputs: ['a', 'b'],
      cycles: n,
      values,
    });
    const y = new Uint32Array(n);
    d.model!.evalBatch(a, b, n, y);
    for (let k = 0; k < 12; k++) expect(sim.toggles.get(`y[${k}]`) ?? 0, `y[${k}]`).toBe(changes(Array.from(y), k));
    for (let k = 0; k < 6; k++) expect(sim.toggles.get(`a[${k}]`), `a[${k}]`).toBe(changes(Array.from(a), k));
    // Internal nets toggle too, and every net the cells drive has a count.
    const driven = net.instances.map((i) => i.pins.Y ?? i.pins.YS).filter(Boolean);
    expect(driven.every((bit) => sim.toggles.has(bit!))).toBe(true);
    expect([...sim.toggles.values()].reduce((p, q) => p + q, 0)).toBeGreaterThan(n * 10);
  });

  it('reads only the toggle points of the top scope from a coverage file', () => {
    const key = (o: string, h: string, page = 'v_toggle/t') => `C '\x01f\x02x.v\x01l\x021\x01page\x02${page}\x01o\x02${o}\x01h\x02${h}' `;
    const text = [
      '# SystemC::Coverage-3',
      `${key('n1', 'TOP.t')}7`,
      `${key('A', 'TOP.t.u0')}9`,
      `${key('n2', 'TOP.t', 'v_line/t')}4`,
      `${key('n3', 'TOP.t')}0`,
    ].join('\n');
    expect(readToggleCoverage(text, 'TOP.t')).toEqual([
      ['n1', 7],
      ['n3', 0],
    ]);
  });
});
