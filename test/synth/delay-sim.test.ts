import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parseNetlist } from '../../src/synth/netlist.js';
import { cellModelsFor } from '../../src/synth/cell-models.js';
import { simulateToggles } from '../../src/synth/toggle-sim.js';
import { countVcdToggles, simulateTogglesWithDelays } from '../../src/synth/delay-sim.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

const fullAdder = (i: number) => `  FAX1 f${i} (.A(a[${i}]), .B(b[${i}]), .C(c[${i - 1}]), .YS(s[${i}]), .YC(c[${i}]));`;

/** An 8-bit ripple-carry adder of osu018 full adders: carries ripple, so sum bits glitch. */
const RIPPLE = `module ripple(a, b, s);
  input [7:0] a;
  input [7:0] b;
  output [8:0] s;
  wire [7:0] c;
  FAX1 f0 (.A(a[0]), .B(b[0]), .C(1'b0), .YS(s[0]), .YC(c[0]));
${Array.from({ length: 7 }, (_, k) => fullAdder(k + 1)).join('\n')}
  BUFX2 o (.A(c[7]), .Y(s[8]));
endmodule
`;

describe.skipIf(!existsSync(CELLS))("toggle counts with the cells' delays (Icarus Verilog, -gspecify)", () => {
  beforeAll(() => {
    requireTool('verilator');
    requireTool('iverilog');
  });

  it('count at least the zero-delay toggles on every net, and more (glitches) on a ripple adder', async () => {
    const net = parseNetlist(RIPPLE, 'ripple.v');
    const rng = new Rng(11);
    const n = 1500;
    const values = new BigUint64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) values[i] = BigInt(rng.nextU32() & 255);
    const stim = { inputs: ['a', 'b'], cycles: n, values };
    const text = readFileSync(CELLS, 'utf8');
    const zero = await simulateToggles(net, cellModelsFor(text, ['FAX1', 'BUFX2'], CELLS), stim);
    const delay = await simulateTogglesWithDelays(net, text, stim, 10);
    expect(delay.cycles).toBe(zero.cycles);
    // Inputs change once per cycle in both.
    for (let k = 0; k < 8; k++) expect(delay.toggles.get(`a[${k}]`), `a[${k}]`).toBe(zero.toggles.get(`a[${k}]`));
    // A net ends each cycle at its settled value in both runs, so a delay count is the zero-delay count
    // plus an even number of glitch transitions.
    for (const [bit, z] of zero.toggles) {
      const d = delay.toggles.get(bit) ?? 0;
      expect(d, bit).toBeGreaterThanOrEqual(z);
      expect((d - z) % 2, bit).toBe(0);
    }
    const sum = (m: Map<string, number>) => [...m.values()].reduce((p, q) => p + q, 0);
    const glitchShare = sum(delay.toggles) / sum(zero.toggles);
    expect(glitchShare).toBeGreaterThan(1.05);
    // The high sum bits glitch most: their carry arrives last.
    expect(delay.toggles.get('s[7]')! - zero.toggles.get('s[7]')!).toBeGreaterThan(delay.toggles.get('s[0]')! - zero.toggles.get('s[0]')!);
  });

  it('reads scalar and vector changes from a VCD, the initial values excluded', () => {
    const vcd =
      `$var wire 1 ! n0 $end\n$var wire 2 " a $end\n$enddefinitions $end\n#0\n$dumpvars\n0!\nb00 "\n$end\n#10\n1!\nb11 ` +
      `"\n#15\n0!\n#20\nb10 "\n`;
    expect(Object.fromEntries(countVcdToggles(vcd))).toEqual({ n0: 2, 'a[0]': 2, 'a[1]': 1 });
  });
});
