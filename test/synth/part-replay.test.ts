import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseNetlist } from '../../src/synth/netlist.js';
import { buildPartReplay, partReplay, runPartReplay } from '../../src/synth/part-replay.js';
import { cellModelsFor } from '../../src/synth/cell-models.js';
import { libraryOf } from '../../src/synth/simulated-cost.js';
import { resolveLibrary } from '../../src/synth/library.js';
import { countsByBit, readToggleCoverageByModule } from '../../src/synth/toggle-sim.js';
import { compileNetlist } from '../../src/synth/gate-sim.js';
import { replayPart } from '../../src/synth/gate-replay.js';
import { requireTool } from '../helpers/tools.js';

const CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';

// A part: y is a register of ~a; w = ~z, z the output of a black-boxed child fed by y.
const PART = `module part(clk, a, y, w);
  input clk;
  input a;
  output y;
  output w;
  wire _0_;
  wire z;
  INVX1 u0 (.A(a), .Y(_0_));
  DFFPOSX1 u1 (.CLK(clk), .D(_0_), .Q(y));
  child c (.i(y), .z(z));
  INVX1 u2 (.A(z), .Y(w));
endmodule
`;

// Records as the probed RTL run writes them: flags (1 clock high, 2 a rising edge, 4 the counted work
// starts), then the probe: a, c.z (the replayed inputs), y, w (the outputs to compare), bit 0 first.
const record = (flags: number, a: number, z: number, y: number, w: number) => [flags, a | (z << 1) | (y << 2) | (w << 3)];
const RECORDS = [
  record(1, 0, 0, 0, 1), // the first eval: the clock high, no edge seen
  record(0, 1, 0, 0, 1), // between edges: a rises
  record(4, 1, 0, 0, 1), // the counted work starts
  // An edge that also changes a (as a register upstream would): the part's register takes a from before
  // the edge (1), so y = ~1 = 0. Had the replay applied a before the edge, y would be ~0 = 1.
  record(3, 0, 0, 0, 1),
  record(0, 0, 1, 0, 0), // between edges: the child's output rises, w falls
  record(3, 0, 0, 1, 1), // an edge: y = ~0 = 1; the child's output falls with it
];

// The Verilator replay (the reference) and the JavaScript one (gate-replay.ts) must agree on everything.
describe.skipIf(!existsSync(CELLS)).each(['verilator', 'javascript'] as const)(
  'part replay (%s): one part at gate level on recorded values',
  (engine) => {
    const replayOf = (records: number[][]) => {
      requireTool('verilator');
      const net = parseNetlist(PART);
      const r = partReplay(net, 'part', new Set(['child']), new Map([['child', ['z']]]), ['clk']);
      const lib = resolveLibrary('osu018');
      const models = cellModelsFor(readFileSync(lib.cells!, 'utf8'), new Set(['INVX1', 'DFFPOSX1']), lib.cells!, libraryOf(lib).liberty);
      return { r, net, models, records };
    };
    const replay = async (records: number[][]) => {
      const { r, net, models } = replayOf(records);
      const work = mkdtempSync(join(tmpdir(), 'axhw-replay-test-'));
      try {
        writeFileSync(join(work, 'trace.bin'), new Uint32Array(records.flat()));
        if (engine === 'javascript') {
          const c = compileNetlist(net, libraryOf(resolveLibrary('osu018')).liberty, { flops: true, boxed: new Map([['child', ['z']]]) });
          if (!c.ok) throw new Error(c.why);
          const js = replayPart(r, c.net, { file: join(work, 'trace.bin'), words: 1 }, [0]);
          return { run: js.runs[0]!, toggles: Object.fromEntries(js.toggles) };
        }
        const build = await buildPartReplay(r, models);
        const run = await runPartReplay(r, build, { file: join(work, 'trace.bin'), words: 1 }, 0, join(work, 'cov.dat'));
        const entries = readToggleCoverageByModule(readFileSync(join(work, 'cov.dat'), 'latin1')).get('part') ?? [];
        return { run, toggles: Object.fromEntries(countsByBit(r.ids, entries)) };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    };

    it('lays out the replayed inputs (clock apart, then the children outputs) and the compared outputs', () => {
      const { r } = replayOf(RECORDS);
      expect(r.inputs).toEqual([
        { ref: 'a', bits: 1, port: 'a', nets: ['a'] },
        { ref: 'c.z', bits: 1, port: 'm0_0__z', nets: ['z'] },
      ]);
      expect(r.outputs).toEqual([
        { ref: 'y', bits: 1, port: 'y', nets: ['y'] },
        { ref: 'w', bits: 1, port: 'w', nets: ['w'] },
      ]);
      expect(r.boxPorts.map((b) => b.port)).toEqual(['m0_0__z']);
      expect(r.text).not.toMatch(/child m0_0/); // the child is left out; its output is a port
    });

    it(
      'registers take the values from before an edge, between edges values go in at once; the counted toggles are by hand',
      { timeout: 300_000 },
      async () => {
        const { run, toggles } = await replay(RECORDS);
        expect(run).toEqual({ records: RECORDS.length, mismatches: 0 });
        // From the counted start (a = 1, z = 0, y = 0, w = 1, clk low) over the three records after it.
        expect(toggles).toEqual({ clk: 3, a: 1, _0_: 1, y: 1, z: 2, w: 2 });
      },
    );

    it('a recorded output the gates do not produce is reported with its record (negative control)', { timeout: 300_000 }, async () => {
      const wrong = RECORDS.map((r) => [...r]);
      wrong[3]![1]! ^= 1 << 2; // y after the first counted edge: 1 instead of 0
      const { run } = await replay(wrong);
      expect(run.mismatches).toBe(1);
      expect(run.first).toEqual({ record: 3, output: 'y' });
    });
  },
);
