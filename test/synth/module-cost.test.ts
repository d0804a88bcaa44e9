import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parseNetlist } from '../../src/synth/netlist.js';
import { simulationNetlist, readToggleCoverageByModule, readToggleCoverageByScope } from '../../src/synth/toggle-sim.js';
import { splitConcatAssigns } from '../../src/synth/sta.js';
import { parseStat } from '../../src/synth/yosys.js';
import { MEMORY_GROUP } from '../../src/synth/module-cost.js';
import { MODULE_CLOCK_NS } from '../../src/synth/module-clock.js';
import { accessEnergy } from '../../src/synth/memory-kinds.js';
import { modelAccesses } from '../../src/npu/memory-accesses.js';
import { energyAtClock } from '../../src/util/quantities.js';
import { libraryOf } from '../../src/synth/simulated-cost.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { npuCost, npuCostFromParts, npuCostPart, type NpuCost } from '../../src/npu/cost.js';
import { compileNetwork } from '../../src/npu/compile.js';
import { randomInputs, TEST_MLP, testNetwork, testNpu } from '../helpers/npu.js';
import { requireTool } from '../helpers/tools.js';
import { axnetReference } from '../../src/infer/axnet-reference.js';
import { axnetTarget } from '../../src/npu/axnet-target.js';
import { networkTarget } from '../../src/npu/target.js';
import { axnetCase } from '../helpers/npu.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

describe('pieces of the hierarchical cost flow', () => {
  it('a netlist with black-boxed instances: cells rewritten bit by bit, boxes kept with their buses joined and named by module', () => {
    const net = parseNetlist(`module top(clk, a, y);
  input clk;
  input [1:0] a;
  output [1:0] y;
  wire [1:0] r;
  wire _0_;
  INVX1 u0 (.A(a[0]), .Y(_0_));
  ram \\mem[0].u (.clk(clk), .ra({ _0_, a[1] }), .rd(r));
  ram \\mem[1].u (.clk(clk), .ra(a), .rd(y));
  pe p (.x(r[0]));
endmodule`);
    expect(net.instances[1]!.pins).toEqual({ clk: 'clk', 'ra[0]': 'a[1]', 'ra[1]': '_0_', 'rd[0]': 'r[0]', 'rd[1]': 'r[1]' });
    const { text, ids, boxes } = simulationNetlist(net, { module: 'top', boxed: new Set(['ram', 'pe']) });
    expect(boxes).toEqual([
      { local: 'm0_0', name: 'mem[0].u', module: 'ram' },
      { local: 'm0_1', name: 'mem[1].u', module: 'ram' },
      { local: 'm1_0', name: 'p', module: 'pe' },
    ]);
    const id = (b: string) => ids.get(b)!;
    expect(text).toContain(`ram m0_0 (.clk(${id('clk')}), .ra({${id('_0_')}, ${id('a[1]')}}), .rd({${id('r[1]')}, ${id('r[0]')}}));`);
    expect(text).toContain(`pe m1_0 (.x(${id('r[0]')}));`);
    expect(text).toMatch(/^module top \(clk, a, y\);/);
    // For a replay, the boxes of modules with known outputs are left out, their outputs made input ports
    // driving the same wires; their inputs stay wires of the part (their toggles still count).
    const replay = simulationNetlist(net, { module: 'top', boxed: new Set(['ram', 'pe']), boxOutputs: new Map([['ram', ['rd']]]) });
    expect(replay.ids).toEqual(ids);
    expect(replay.boxPorts.map((b) => [b.port, b.box.name, b.pin, b.bits])).toEqual([
      ['m0_0__rd', 'mem[0].u', 'rd', 2],
      ['m0_1__rd', 'mem[1].u', 'rd', 2],
    ]);
    expect(replay.text).toMatch(/^module top \(clk, a, y, m0_0__rd, m0_1__rd\);/);
    expect(replay.text).toContain(`  input [1:0] m0_0__rd;`);
    expect(replay.text).toContain(`  assign ${id('r[1]')} = m0_0__rd[1];`);
    expect(replay.text).toContain(`  assign ${id('y[0]')} = m0_1__rd[0];`);
    expect(replay.text).not.toContain('ram m0_');
    expect(replay.text).toContain(`pe m1_0 (.x(${id('r[0]')}));`);
    // Without `module`, a port over 64 bits is refused (the toggle harness drives ports of up to 64 bits).
    const wide = parseNetlist(`module w(a);\n  input [64:0] a;\nendmodule`);
    expect(() => simulationNetlist(wide)).toThrow(/65 bits wide/);
    expect(() => simulationNetlist(wide, { module: 'w' })).not.toThrow();
  });

  it('toggle points are grouped by scope, merged scopes included', () => {
    const line = (h: string, o: string, n: number) => `C '\x01page\x02v_toggle/x\x01o\x02${o}\x01h\x02${h}\x01' ${n}`;
    const by = readToggleCoverageByScope(
      [
        line('TOP.t', 'n0', 3),
        line('TOP.t.m0_*', 'n1', 5),
        line('TOP.t', 'n2', 1),
        "C '\x01page\x02v_line/x\x01o\x02n3\x01h\x02TOP.t\x01' 9",
      ].join('\n'),
    );
    expect([...by]).toEqual([
      [
        'TOP.t',
        [
          ['n0', 3],
          ['n2', 1],
        ],
      ],
      ['TOP.t.m0_*', [['n1', 5]]],
    ]);
  });

  it(
    'toggle points by module: a merged hierarchy name shared by two modules (a PE and its two multipliers, ' +
      'all under m2_*) is split by page',
    () => {
      const line = (page: string, h: string, o: string, n: number) => `C '\x01page\x02v_toggle/${page}\x01o\x02${o}\x01h\x02${h}\x01' ${n}`;
      const by = readToggleCoverageByModule(
        [
          line('pe', 'TOP.t.m2_*', 'n1', 5),
          line('mul', 'TOP.t.m2_*', 'n1', 7),
          line('mul', 'TOP.t.m3_0.m0_0', 'n2', 1),
          line('top', 'TOP.t', 'n0', 3),
          "C '\x01page\x02v_line/pe\x01o\x02n3\x01h\x02TOP.t\x01' 9",
        ].join('\n'),
      );
      expect([...by]).toEqual([
        ['pe', [['n1', 5]]],
        [
          'mul',
          [
            ['n1', 7],
            ['n2', 1],
          ],
        ],
        ['top', [['n0', 3]]],
      ]);
    },
  );

  it('concatenated assigns are split bit by bit for OpenSTA 2.0.17 (ranges, whole buses, escaped names, constants)', () => {
    const out = splitConcatAssigns(`module m(a);
  wire [2:1] x;
  assign { s[3], s[1] } = { in_ready, done };
  assign { y[2:1], x, t } = { 1'b0, z[0], \\g.w [1], b[4:3] };
  assign q = r;
endmodule
module n(a);
  assign { x, k } = { c, d };
endmodule`);
    expect(out).toContain('  assign s[3] = in_ready;\n  assign s[1] = done;');
    expect(out).toContain(
      "  assign y[2] = 1'b0;\n  assign y[1] = z[0];\n  assign x[2] = \\g.w [1];\n  assign x[1] = b[4];\n  assign t = b[3];",
    );
    expect(out).toContain('  assign q = r;');
    // Widths are per module: in n, x is a plain one-bit name.
    expect(out).toContain('  assign x = c;\n  assign k = d;');
    // A concatenation whose sides differ in width is left as it is (OpenSTA reports it).
    expect(splitConcatAssigns('  assign { a, b } = { c };')).toBe('  assign { a, b } = { c };');
  });

  it("black-boxed modules are not counted as cells of Yosys's statistics", () => {
    const stat = `=== top ===
   Number of cells:                  6
     DFFPOSX1                        2
     INVX1                           1
     pe_x                            2
     ram_y                           1

   Chip area for module '\\top': 100.5
`;
    expect(parseStat(stat, 'top', ['pe_x', 'ram_y'])).toEqual({
      area: 100.5,
      cells: 3,
      cellTypes: { DFFPOSX1: 2, INVX1: 1 },
      flipFlops: 2,
    });
    expect(parseStat(stat, 'top').cells).toBe(6);
  });
});

describe.skipIf(!existsSync(CELLS))('NPU cost: every module synthesized, the gate-level NPU simulated on real work', () => {
  const P = 3;
  const N = 3;
  let cost: NpuCost;
  let cyclesPerInference: number;
  /** The test MLP on the P-PE NPU, N samples costed with these options (the same network and inputs each time). */
  const costTarget = () => {
    const s = testNpu('drum:width=8,k=4,signed', P);
    return networkTarget(testNetwork(TEST_MLP, s, 5, -4), s);
  };
  const costTestNpu = (o: Parameters<typeof npuCost>[3] = {}) => npuCost(costTarget(), randomInputs(N, 12, 7), N, o);
  beforeAll(async () => {
    for (const t of ['verilator', 'yosys', 'sta'] as const) requireTool(t);
    const s = testNpu('drum:width=8,k=4,signed', P);
    const q = testNetwork(TEST_MLP, s, 5, -4);
    cyclesPerInference = compileNetwork(q, s.geo).cyclesPerInference;
    cost = await npuCost(networkTarget(q, s), randomInputs(N, 12, 7), N);
  });

  it('runs the NPU bit-exact on every layer, for the cycles the cycle model gives', () => {
    expect(cost.compared).toBe(N * (9 + 7 + 4)); // every output of every layer of TEST_MLP
    expect(cost.cycles).toBe(N * cyclesPerInference);
    expect(cost.cyclesPerInference).toBe(cyclesPerInference);
  });

  it('splits area and energy into control, datapath, multiplier and memories, instance by instance', () => {
    expect(Object.keys(cost.groups).sort()).toEqual(['control', 'datapath', MEMORY_GROUP, 'multiplier']);
    const part = (suffix: RegExp) => cost.parts.find((p) => suffix.test(p.module))!;
    expect(part(/^npu_[^]*p64$/).instances).toBe(1);
    expect(part(/^pe_[^]*b16$/).instances).toBe(P);
    expect(part(/^drum_/).instances).toBe(P);
    for (const g of Object.values(cost.groups)) {
      expect(g.area).toBeGreaterThan(0);
      expect(g.energyJ).toBeGreaterThan(0);
    }
    for (const g of ['control', 'datapath', 'multiplier']) {
      const parts = cost.parts.filter((p) => p.group === g);
      expect(cost.groups[g]!.area).toBeCloseTo(
        parts.reduce((a, p) => a + p.area * p.instances, 0),
        6,
      );
      expect(cost.groups[g]!.energyJ).toBeCloseTo(
        parts.reduce((a, p) => a + p.energyJ, 0),
        18,
      );
    }
    expect(cost.total.energyJ).toBeCloseTo(
      Object.values(cost.groups).reduce((a, g) => a + g.energyJ, 0),
      18,
    );
    expect(cost.energyPerInferencePj.total).toBeCloseTo((cost.total.energyJ / N) * 1e12, 6);
  });

  it('costs memories under every kind from their counted accesses (ff-gated in the totals), and not the fault-mask memory', () => {
    const mems = cost.parts.filter((p) => p.kind === 'memory');
    expect(mems.map((p) => p.module.replace(/^.*_/, '')).sort()).toEqual(['act0', 'act1', 'bmem', 'fmask', 'prog', 'wmem']);
    expect(cost.memoryKind).toBe('ff-gated');
    for (const m of mems) {
      const mem = m.memory!;
      if (!mem.costed) {
        expect(m.module).toMatch(/fmask$/);
        expect([m.area, m.energyJ]).toEqual([0, 0]);
        continue;
      }
      const use = { instances: m.instances, cycles: cost.cycles, reads: mem.accesses.reads, writes: mem.accesses.writes };
      for (const k of ['sram', 'ff-gated'] as const)
        expect(mem.kinds[k].energyJ, `${m.module} ${k}`).toBeCloseTo(accessEnergy(mem.kinds[k].actions!, use, cost.clockNs), 24);
      // the upper bound: every bit every cycle, as before memory kinds
      expect(mem.kinds['ff-ungated'].area).toBeCloseTo(mem.bits * mem.model.areaPerBit, 6);
      expect(mem.kinds['ff-ungated'].energyJ).toBeCloseTo(m.instances * mem.bits * cost.cycles * mem.model.energyPerBitCycle, 18);
      expect([m.energyJ, m.area]).toEqual([mem.kinds['ff-gated'].energyJ, mem.kinds['ff-gated'].area]);
      expect(mem.kinds['ff-gated'].energyJ).toBeLessThan(mem.kinds['ff-ungated'].energyJ);
      expect(mem.model.flipFlops).toBe(mem.model.width * mem.model.depth);
    }
    for (const k of ['sram', 'ff-gated', 'ff-ungated'] as const) {
      const memories = mems.reduce((a, m) => a + m.memory!.kinds[k].energyJ, 0);
      expect(cost.byMemoryKind[k].memories.energyJ).toBeCloseTo(memories, 24);
      expect(cost.byMemoryKind[k].total.energyJ).toBeCloseTo(cost.total.energyJ - cost.groups[MEMORY_GROUP]!.energyJ + memories, 24);
      expect(cost.energyPerInferenceByMemoryKind[k].total).toBeCloseTo((cost.byMemoryKind[k].total.energyJ / N) * 1e12, 6);
    }
  });

  it(
    "memory kinds per role (the NPU's unit parameters): the same RTL and counts, each memory in the totals as its role's kind",
    { timeout: 600_000 },
    async () => {
      const kinds = { prog: 'sram', abuf: 'ff-ungated', wmem: 'sram', bmem: 'ff-gated' } as const;
      const s = testNpu('drum:width=8,k=4,signed', P, 32, undefined, kinds);
      expect(s.design.rtlHash).toBe(costTarget().design.rtlHash); // the kind is costing only
      expect(s.spec).toMatch(/prog=sram,abuf=ff-ungated,wmem=sram,bmem=ff-gated/);
      const mixed = await npuCost(networkTarget(testNetwork(TEST_MLP, s, 5, -4), s), randomInputs(N, 12, 7), N);
      expect(mixed.memoryKind).toBe('mixed');
      expect(mixed.cycles).toBe(cost.cycles);
      const roleOf = (module: string) =>
        ({ prog: 'prog', act0: 'abuf', act1: 'abuf', wmem: 'wmem', bmem: 'bmem', fmask: 'wmem' })[module.replace(/^.*_/, '')]!;
      let memories = 0;
      for (const m of mixed.parts.filter((p) => p.memory)) {
        const mem = m.memory!;
        const same = cost.parts.find((p) => p.module === m.module)!.memory!;
        expect(mem.accesses, m.module).toEqual(same.accesses);
        expect(mem.kinds, m.module).toEqual(same.kinds);
        if (!mem.costed) continue;
        const want = kinds[roleOf(m.module) as keyof typeof kinds];
        expect(mem.kind, m.module).toBe(want);
        expect([m.energyJ, m.area], m.module).toEqual([mem.kinds[want].energyJ, mem.kinds[want].area]);
        expect(m.flipFlops, m.module).toBe(want === 'sram' ? 0 : mem.bits);
        memories += m.energyJ;
      }
      expect(mixed.groups[MEMORY_GROUP]!.energyJ).toBeCloseTo(memories, 24);
      // the logic is the same run; only the memories' share of the total moved
      expect(mixed.total.energyJ - memories).toBeCloseTo(cost.total.energyJ - cost.groups[MEMORY_GROUP]!.energyJ, 20);
      expect(mixed.byMemoryKind).toEqual(cost.byMemoryKind);
      expect(mixed.method).toMatch(/program memory as sram: .*; activation buffer 0, activation buffer 1 as ff-ungated/);
    },
  );

  // npuCost holds the RTL's counts to the transaction model's (memory-accesses.ts); here the counts themselves.
  it("counts each memory instance's accesses in the RTL run: equal to the transaction model, every clock edge seen", () => {
    expect(cost.accesses.edges).toBe(cost.cycles);
    const want = modelAccesses(costTarget(), randomInputs(N, 12, 7), N);
    expect(cost.accesses.memories.map((m) => m.instance).sort()).toEqual([...want.keys()].sort());
    for (const m of cost.accesses.memories) {
      expect({ reads: m.reads[0], writes: m.writes }, m.instance).toEqual(want.get(m.instance));
      expect(m.reads[1], `${m.instance}: the host port is not read in the costed run`).toBe(0);
      expect(m.idle + m.reads[0]! + m.writes - m.readWrites).toBe(cost.cycles);
    }
    expect(want.get('pe_array[2].u.wmem')!.reads).toBeGreaterThan(0);
  });

  it(
    'negative control: a controller that also reads the program in every MAC cycle runs bit-exact, and its count is caught',
    { timeout: 600_000 },
    async () => {
      const t = costTarget();
      const file = Object.keys(t.design.sources).find((f) => f === `${t.design.top}.v`)!;
      const text = t.design.sources[file]!;
      expect(text).toContain('wire p_re = state == S_BOOT');
      const extra = { ...t.design, sources: { ...t.design.sources, [file]: text.replace('wire p_re = ', 'wire p_re = in_mac || ') } };
      await expect(npuCost({ ...t, design: extra }, randomInputs(N, 12, 7), N)).rejects.toThrow(
        /Memory prog: the RTL reads it \d+ times in the costed run, the transaction model \d+/,
      );
    },
  );

  // Zero-delay toggle counting is compositional: a part replayed on its inputs and its children's outputs,
  // eval by eval, takes the values it takes in the whole chip, so the counts are the same. They can differ
  // only where an RTL value feeding a part is undefined (an out-of-range read) and the gates fill it otherwise;
  // the replay reports such outputs, and here the only one is the top's out_data, which feeds no part.
  it(
    'the hierarchical estimate (each part once, replayed from the RTL run) equals the whole-chip simulation, part by part',
    { timeout: 900_000 },
    async () => {
      const whole = await costTestNpu({ simulation: 'whole-chip' });
      expect(cost.simulation.kind).toBe('hierarchical');
      // every part replayed in JavaScript from its Liberty functions (gate-replay.ts); the Verilator replay, the
      // other engine, is checked by hand against the same records in test/synth/part-replay.test.ts
      expect(cost.simulation.builds.filter((b) => /JavaScript/.test(b.top)).length).toBe(3);
      expect(whole.simulation.kind).toBe('whole-chip');
      expect(whole.cycles).toBe(cost.cycles);
      expect(whole.compared).toBe(cost.compared);
      expect(whole.parts.map((p) => p.module)).toEqual(cost.parts.map((p) => p.module));
      for (const p of whole.parts) {
        const h = cost.parts.find((x) => x.module === p.module)!;
        expect(Math.abs(h.energyJ - p.energyJ), p.module).toBeLessThanOrEqual(1e-12 * p.energyJ);
        expect(h.leakageW, p.module).toBe(p.leakageW);
      }
      const mismatched = cost.simulation.outputMismatches!;
      expect(mismatched.map((m) => [m.instance, m.output])).toEqual(mismatched.length ? [['(top)', 'out_data']] : []);
    },
  );

  it('times the whole hierarchy, mapped for the default clock, and meets that clock', () => {
    expect(cost.timing.delayNs).toBeGreaterThan(1);
    expect(cost.timing.slackNs).toBeCloseTo(cost.clockNs - cost.timing.delayNs, 0);
    expect(cost.clockNs).toBe(MODULE_CLOCK_NS);
    expect(cost.timing.mapping).toMatch(new RegExp(`^timing-driven for ${MODULE_CLOCK_NS} ns`));
    expect(cost.timing.slackNs).toBeGreaterThan(0);
  });

  // Scaling laws, against the same netlist run at another clock: the toggles (dynamic energy) do not depend on
  // the period, leakage energy grows with it, and each part's leakage power is its cells' Liberty leakage.
  it(
    'at twice the clock period: dynamic energy unchanged, leakage energy doubled; energyAtClock predicts it',
    { timeout: 600_000 },
    async () => {
      const at = cost.clockNs;
      const slow = await costTestNpu({ clockNs: 2 * at, mappingClockNs: at });
      expect(slow.cycles).toBe(cost.cycles);
      for (const p of cost.parts) {
        const p2 = slow.parts.find((x) => x.module === p.module)!;
        expect(p2.leakageW, p.module).toBeCloseTo(p.leakageW, 15);
        const dynamic = (x: typeof p, ns: number) => x.energyJ - x.leakageW * cost.cycles * ns * 1e-9;
        expect(dynamic(p2, 2 * at), p.module).toBeCloseTo(dynamic(p, at), 15);
        if (p.energyJ > 0) expect(p.leakageW, p.module).toBeGreaterThan(0);
      }
      const predicted = energyAtClock(cost, 2 * at);
      for (const [g, v] of Object.entries(slow.groups)) expect(predicted.groups[g], g).toBeCloseTo(v.energyJ, 15);
      expect(predicted.total).toBeCloseTo(slow.total.energyJ, 15);
      // The figures at the critical path are the same law at that period.
      expect(cost.atAchievableClock.clockNs).toBe(cost.timing.delayNs);
      expect(cost.atAchievableClock.energyPerInferencePj.total).toBeCloseTo((energyAtClock(cost, cost.timing.delayNs).total / N) * 1e12, 6);
    },
  );

  // Sharded by part instance (module-cost-parts.ts): each shard replays its range and the merge prices the summed
  // integer counts with the unsharded code: the same cost. (The range is cut before either replay engine runs; the
  // Verilator replay is not built here, for the test budget: test/synth/part-replay.test.ts holds it to the JavaScript one.)
  it('cut into 3 shards of the part instances, the merged cost is the unsharded one, bit for bit', { timeout: 900_000 }, async () => {
    const t = costTarget();
    const x = randomInputs(N, 12, 7);
    const o = {};
    const shards = [];
    for (let index = 0; index < 3; index++) shards.push(await npuCostPart(t, x, N, o, { index, count: 3 }));
    expect(shards.map((s) => s.units)).toEqual([2 * P + 1, 2 * P + 1, 2 * P + 1]); // the control, P PEs, P multipliers
    const merged = await npuCostFromParts(
      t,
      x,
      N,
      o,
      shards.map((s) => s.part!),
    );
    const runFields = (c: NpuCost) => ({ ...c, simulation: { ...c.simulation, builds: [], seconds: 0 } });
    expect(runFields(merged)).toEqual(runFields(cost));
    // Negative control: a shard left out loses its instances' toggles.
    const partial = await npuCostFromParts(t, x, N, o, [shards[0]!.part!, shards[1]!.part!]);
    expect(partial.total.energyJ).toBeLessThan(cost.total.energyJ);
  });

  it("each logic part's leakage is its cells' Liberty leakage times its instances (by hand from the netlist)", () => {
    const lib = resolveLibrary('osu018');
    const { energy } = libraryOf(lib);
    for (const p of cost.parts.filter((x) => x.kind === 'logic')) {
      const net = parseNetlist(readFileSync(p.netlist!, 'utf8'), p.netlist!);
      const leak = net.instances.reduce((a, i) => a + (energy.cells.get(i.cell)?.leakage ?? 0), 0);
      expect(p.leakageW, p.module).toBeCloseTo(leak * p.instances, 15);
    }
  });
});

describe.skipIf(!existsSync(CELLS))("AXNet NPU cost: the Hadamard step's second multiplier is costed", () => {
  it(
    'every group has area and energy, the multiplier counted twice per PE; the NPU is bit-exact at every stage',
    { timeout: 600_000 },
    async () => {
      for (const t of ['verilator', 'yosys', 'sta'] as const) requireTool(t);
      const n = 3;
      const { x, q, s } = axnetCase('drum:width=8,k=4,signed', 2, n);
      const cost = await npuCost(axnetTarget(q, s), x, n);
      expect(cost.compared).toBe(n * axnetReference(q, x, 1).stages.reduce((a, st) => a + st.outputs, 0));
      expect(cost.parts.find((p) => /^drum_/.test(p.module))!.instances).toBe(4);
      for (const [g, v] of Object.entries(cost.groups)) {
        expect(v.area, g).toBeGreaterThan(0);
        expect(v.energyJ, g).toBeGreaterThan(0);
      }
    },
  );
});
