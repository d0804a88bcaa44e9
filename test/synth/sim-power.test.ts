import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseNetlist, type Netlist } from '../../src/synth/netlist.js';
import { cellModelsFor } from '../../src/synth/cell-models.js';
import { simulateToggles } from '../../src/synth/toggle-sim.js';
import { simulatedPower } from '../../src/synth/sim-power.js';
import { libraryEnergy, tableEnergy } from '../../src/synth/cell-energy.js';
import { parseLiberty } from '../../src/synth/liberty.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { timingAndPower } from '../../src/synth/sta.js';
import type { OperatorPorts } from '../../src/models/operator.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

/**
 * Validation against OpenSTA 2.0.17 where its propagation is exact. OpenSTA propagates transition
 * densities (Najm): D(y) = sum_i P(dy/dx_i) D(x_i), which assumes no two inputs of a gate switch
 * together. The stimulus honours that: every inverter and buffer chain's input toggles freely, and the
 * two inputs of the NAND take turns (one may switch on even cycles, the other on odd ones). OpenSTA is
 * given each input bit's measured toggle rate and duty.
 *
 * Two differences are OpenSTA's, measured here and pinned by the tests:
 * - OpenSTA 2.0.17 charges the rise energy plus the fall energy of a cell's internal-power tables for
 *   every output transition (later OpenSTA averages them: "average non-inf energies" in its Power.cc);
 *   a transition is a rise or a fall, so the simulation charges their mean, half of OpenSTA 2.0.17's.
 * - For an XOR whose inputs take turns, OpenSTA 2.0.17 propagates a quarter of the output's actual
 *   toggle rate (every input toggle toggles an XOR's output), so it underestimates XOR-rich logic.
 *
 * Tolerance: the chains pass every counted input toggle on exactly and both sides use the same tables,
 * slews (0 at the ports, the driver's transition tables inside) and loads (pin capacitances, no wires).
 * The only noise is the NAND's: its output toggles when its switching input does and the other input is
 * 1, a binomial count (2,500 expected over 10,000 cycles: 2% relative standard deviation) against the
 * expectation OpenSTA computes. The NAND and its inverter are under 10% of the total, so 3 standard
 * deviations of the NAND are under 0.6% of the total: the stated tolerance is 1%.
 */
const NETLIST = `module bank(a, y);
  input [5:0] a;
  output [4:0] y;
  wire [4:0] n;
  INVX1 i0 (.A(a[0]), .Y(n[0]));
  INVX1 i1 (.A(n[0]), .Y(y[0]));
  INVX2 i2 (.A(a[1]), .Y(n[1]));
  INVX1 i3 (.A(n[1]), .Y(y[1]));
  BUFX2 i4 (.A(a[2]), .Y(n[2]));
  INVX1 i5 (.A(n[2]), .Y(y[2]));
  INVX4 i6 (.A(a[3]), .Y(n[3]));
  INVX1 i7 (.A(n[3]), .Y(y[3]));
  NAND2X1 g0 (.A(a[4]), .B(a[5]), .Y(n[4]));
  INVX1 g1 (.A(n[4]), .Y(y[4]));
endmodule
`;
const XOR = `module xorbank(a, y);
  input [1:0] a;
  output y;
  wire n;
  XOR2X1 g (.A(a[0]), .B(a[1]), .Y(n));
  INVX1 i (.A(n), .Y(y));
endmodule
`;

/** Input vectors: bits 0-3 toggle with probability `rate` each cycle; the pair (4, 5) takes turns. */
function stimulus(n: number, rate: number, seed: number): BigUint64Array {
  const rng = new Rng(seed);
  const flip = () => rng.nextU32() / 2 ** 32 < rate;
  const v = new BigUint64Array(n);
  let x = 0;
  for (let c = 0; c < n; c++) {
    for (const b of [0, 1, 2, 3]) if (flip()) x ^= 1 << b;
    if (flip()) x ^= 1 << (c % 2 ? 5 : 4);
    v[c] = BigInt(x);
  }
  return v;
}

function activity(values: BigUint64Array, bits: number) {
  const n = values.length;
  return Array.from({ length: bits }, (_, b) => {
    let toggles = 0;
    let ones = 0;
    for (let c = 0; c < n; c++) {
      const v = Number((values[c]! >> BigInt(b)) & 1n);
      if (c > 0) ones += v;
      if (c > 0 && v !== Number((values[c - 1]! >> BigInt(b)) & 1n)) toggles++;
    }
    return { pin: `a[${b}]`, activity: toggles / (n - 1), duty: ones / (n - 1) };
  });
}

describe.skipIf(!existsSync(CELLS))('simulated power', () => {
  let net: Netlist;
  let models: string;
  const lib = resolveLibrary();
  const energy = libraryEnergy(parseLiberty(readFileSync(lib.liberty, 'utf8'), lib.liberty));
  const clockNs = 10;
  const run = async (values: BigUint64Array) => {
    const t = await simulateToggles(net, models, { inputs: ['a'], cycles: values.length, values });
    return { t, p: simulatedPower(net, energy, t.toggles, t.cycles, clockNs) };
  };

  beforeAll(() => {
    requireTool('verilator');
    requireTool('sta', 'opensta');
    net = parseNetlist(NETLIST, 'bank.v');
    models = cellModelsFor(readFileSync(CELLS, 'utf8'), new Set(net.instances.map((i) => i.cell)), CELLS);
  });

  const openSta = async (text: string, top: string, values: BigUint64Array, bits: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-simpower-'));
    writeFileSync(join(dir, 'netlist.v'), text);
    return timingAndPower(
      join(dir, 'netlist.v'),
      top,
      { clock: undefined } as unknown as OperatorPorts,
      lib,
      clockNs,
      activity(values, bits),
    );
  };
  const rel = (x: number, y: number) => Math.abs(x - y) / y;

  it('equals OpenSTA 2.0.17 where its independence assumption holds, after its rise + fall convention (1%)', async () => {
    const values = stimulus(10_000, 0.5, 3);
    const { p } = await run(values);
    const sta = await openSta(NETLIST, 'bank', values, 6);
    expect(
      rel(p.power.internal, sta.power.internal / 2),
      `internal: sim ${p.power.internal} W, OpenSTA ${sta.power.internal} W / 2`,
    ).toBeLessThan(0.01);
    expect(
      rel(p.power.switching, sta.power.switching),
      `switching: sim ${p.power.switching} W, OpenSTA ${sta.power.switching} W`,
    ).toBeLessThan(0.01);
    expect(rel(p.power.leakage, sta.power.leakage)).toBeLessThan(1e-6);
    // Negative control: without halving OpenSTA's internal power the comparison fails.
    expect(rel(p.power.internal, sta.power.internal)).toBeGreaterThan(0.4);
  });

  it('OpenSTA 2.0.17 gives an XOR a quarter of its counted output toggles (inputs taking turns)', async () => {
    const xorNet = parseNetlist(XOR, 'xor.v');
    const xorModels = cellModelsFor(readFileSync(CELLS, 'utf8'), ['XOR2X1', 'INVX1'], CELLS);
    const rng = new Rng(7);
    const values = new BigUint64Array(10_000);
    let x = 0;
    for (let c = 0; c < values.length; c++) {
      if (rng.nextU32() & 1) x ^= 1 << (c % 2);
      values[c] = BigInt(x);
    }
    const t = await simulateToggles(xorNet, xorModels, { inputs: ['a'], cycles: values.length, values });
    // Every input toggle toggles the XOR's output: the counts are equal.
    expect(t.toggles.get('n')).toBe(t.toggles.get('a[0]')! + t.toggles.get('a[1]')!);
    const p = simulatedPower(xorNet, energy, t.toggles, t.cycles, clockNs);
    const sta = await openSta(XOR, 'xorbank', values, 2);
    // Switching power is C V^2 / 2 x the toggle rate on both sides, so its ratio is the ratio of rates.
    expect(sta.power.switching / p.power.switching).toBeCloseTo(0.25, 1);
  });

  it('a flip-flop row: switching, leakage and internal power agree with OpenSTA 2.0.17 once its conventions are stated (1%)', async () => {
    const ROW = `module row(clk, d, y);
  input clk;
  input [3:0] d;
  output [3:0] y;
  wire [3:0] q;
${[0, 1, 2, 3].map((k) => `  DFFPOSX1 f${k} (.CLK(clk), .D(d[${k}]), .Q(q[${k}]));\n  INVX1 i${k} (.A(q[${k}]), .Y(y[${k}]));`).join('\n')}
endmodule
`;
    const rowNet = parseNetlist(ROW, 'row.v');
    const liberty = parseLiberty(readFileSync(lib.liberty, 'utf8'), lib.liberty);
    const rowModels = cellModelsFor(readFileSync(CELLS, 'utf8'), ['DFFPOSX1', 'INVX1'], CELLS, liberty);
    const values = stimulus(10_000, 0.5, 3).map((v) => v & 0xfn);
    const t = await simulateToggles(rowNet, rowModels, { inputs: ['d'], cycles: values.length, values, clock: 'clk' });
    const p = simulatedPower(rowNet, energy, t.toggles, t.cycles, clockNs);
    const dir = mkdtempSync(join(tmpdir(), 'axhw-simpower-'));
    writeFileSync(join(dir, 'netlist.v'), ROW);
    const ports = { clock: { clk: 'clk', reset: 'rst', validIn: 'valid_in' } } as unknown as OperatorPorts;
    const acts = activity(values, 4).map((a) => ({ ...a, pin: a.pin.replace('a[', 'd[') }));
    const sta = await timingAndPower(join(dir, 'netlist.v'), 'row', ports, lib, clockNs, acts);
    // Q carries D's counted toggles, and OpenSTA gives Q the activity of D: the Q nets' switching agrees.
    expect(Math.abs(p.power.switching - sta.power.switching) / sta.power.switching).toBeLessThan(0.01);
    expect(Math.abs(p.power.leakage - sta.power.leakage) / sta.power.leakage).toBeLessThan(1e-6);
    // Internal power: OpenSTA 2.0.17 charges rise + fall energy per transition on the clock pin and the
    // clock-to-Q arc (2x the simulation's mean, as on combinational cells), but weights a data input's
    // passive energy by a duty of 0.5 (so the D pins cost the mean there). Stated that way, within 1%:
    const dPin = energy.cells.get('DFFPOSX1')!.pins.get('D')!;
    const at = { slew: 0, load: 0 }; // D is driven by a port: ideal slew, as OpenSTA has it
    const dMean = dPin.arcs.reduce((e, a) => e + (tableEnergy(a.rise!, at) + tableEnergy(a.fall!, at)) / 2, 0);
    const dToggles = [0, 1, 2, 3].reduce((n, k) => n + t.toggles.get(`d[${k}]`)!, 0);
    const dPower = (dToggles * dMean) / (t.cycles * clockNs * 1e-9);
    const staModel = 2 * (p.power.internal - dPower) + dPower;
    expect(
      Math.abs(staModel - sta.power.internal) / sta.power.internal,
      `sim ${p.power.internal} W (D pins ${dPower} W), OpenSTA ${sta.power.internal} W`,
    ).toBeLessThan(0.01);
    // Negative control: the plain 2x rule does not fit the flip-flops.
    expect(Math.abs(2 * p.power.internal - sta.power.internal) / sta.power.internal).toBeGreaterThan(0.05);
  });

  it('a net held constant costs only leakage; doubling the toggle rate doubles the dynamic power', async () => {
    const still = await run(new BigUint64Array(2000).fill(0xa5n));
    expect(still.p.energy.total).toBe(0);
    expect(still.p.power.total).toBeCloseTo(still.p.power.leakage, 15);
    expect(still.p.power.leakage).toBeGreaterThan(0);
    // Inverter chains only (bits 0-3): rate 0.2 against 0.4, the same seed; dynamic power scales with the
    // counted toggles, which are themselves binomial (about 1.5% sd here): ratio within 2 +- 6%.
    const mask = (v: BigUint64Array) => v.map((x) => x & 0xfn);
    const low = await run(mask(stimulus(20_000, 0.2, 9)));
    const high = await run(mask(stimulus(20_000, 0.4, 9)));
    const ratio = high.p.energy.total / low.p.energy.total;
    const toggleRatio = high.t.toggles.get('a[0]')! / low.t.toggles.get('a[0]')!;
    expect(Math.abs(ratio - 2)).toBeLessThan(0.12);
    // Exactly proportional to the counted toggles of the chains' inputs.
    const sumIn = (r: typeof low) => [0, 1, 2, 3].reduce((s, b) => s + r.t.toggles.get(`a[${b}]`)!, 0);
    expect(ratio).toBeCloseTo(sumIn(high) / sumIn(low), 1);
    expect(toggleRatio).toBeGreaterThan(1.8);
  });
});
