import { spawn } from 'node:child_process';
import type { Netlist, NetlistPort } from './netlist.js';
import { simulationNetlist, type BoxPort } from './toggle-sim.js';
import { buildVerilated, GATE_LEVEL_MAKEFLAGS, type HarnessBuild } from '../cosim/build.js';
import { AxhwError } from '../errors.js';

/**
 * One part of a module hierarchy (a module's own gate-level logic, its submodules and memories left out)
 * simulated on its own with toggle coverage, replaying what one instance of it saw in an RTL run of the
 * whole module: its inputs and its children's outputs, eval by eval (src/synth/port-trace.ts records them).
 *
 * The replay must give the part's nets the values they had, in the same evals. Values that changed at a
 * rising clock edge came from registers (the module harness changes inputs only between edges): the part's
 * own registers sampled the values from before the edge. So the replayed values go through a register of
 * the wrapper: clocked by the part's clock, they change with the edge, after the part's registers sampled
 * them, as in the whole module; between edges a `load` strobe puts them in at once. Zero-delay toggle
 * counting sees every net take the same values in the same evals, so the counts are those of the part in
 * the whole-module simulation (test/synth/module-cost.test.ts checks it against the whole-chip run).
 * The part's outputs are compared with the RTL's after every eval of the counted work (before it, the state
 * a reset defines may not be set yet, and an RTL state and its re-encoded gates start apart): the netlist is
 * checked on the way.
 */
export interface ReplayField {
  /** What the RTL calls it, below the instance: a port name, or `<child instance>.<pin>`. */
  ref: string;
  bits: number;
  /** The rewritten part's port that carries it (a child's output: `<local>__<pin>`). */
  port: string;
  /** The netlist bits it carries, least significant first. */
  nets: string[];
}

export interface PartReplay {
  module: string;
  /** Driven by the replay, in record order: the part's inputs (clocks apart), then its children's outputs. */
  inputs: ReplayField[];
  /** Compared after every eval. */
  outputs: ReplayField[];
  /** The part's inputs that carry the clock (driven by the wrapper's clock, not recorded). */
  clocks: string[];
  /** The rewritten netlist (module `module`) and the simulator wire of each netlist bit. */
  text: string;
  ids: Map<string, string>;
  boxPorts: BoxPort[];
}

/** The wrapper's module name (and so the cache entry's): the part's, marked. */
const wrapperOf = (r: PartReplay) => `${r.module}_axhw_replay`;
/** Vectors between the harness and the model are kept over 64 bits (Verilator's VlWide) for one access path. */
const wide = (bits: number) => Math.max(65, bits);
const sum = (fields: readonly ReplayField[]) => fields.reduce((n, f) => n + f.bits, 0);

/** The part of `net` (module `module`) to replay: `boxOutputs` names each boxed module's output pins. */
export function partReplay(
  net: Netlist,
  module: string,
  boxed: ReadonlySet<string>,
  boxOutputs: ReadonlyMap<string, readonly string[]>,
  clocks: readonly string[],
): PartReplay {
  for (const c of clocks)
    if (!net.ports.some((p) => p.name === c && p.direction === 'input'))
      throw new AxhwError(`${module} has no clock input ${c}.`, 'Name the clock port the netlist has.');
  const inout = net.ports.find((p) => p.direction === 'inout');
  if (inout)
    throw new AxhwError(
      `Port ${inout.name} of ${module} is an inout; a part is replayed through inputs and outputs.`,
      'Cost it --whole-chip.',
    );
  const { text, ids, boxPorts } = simulationNetlist(net, { module, boxed, boxOutputs });
  const own = (p: NetlistPort): ReplayField => ({ ref: p.name, bits: p.bits.length, port: p.name, nets: p.bits });
  return {
    module,
    inputs: [
      ...net.ports.filter((p) => p.direction === 'input' && !clocks.includes(p.name)).map(own),
      ...boxPorts.map((b) => ({ ref: `${b.box.name}.${b.pin}`, bits: b.bits, port: b.port, nets: b.nets })),
    ],
    outputs: net.ports.filter((p) => p.direction === 'output').map(own),
    clocks: [...clocks],
    text,
    ids,
    boxPorts,
  };
}

/** The part inside its replay wrapper: clock, load strobe, the recorded values in, its outputs out. */
function wrapper(r: PartReplay): string {
  const nIn = wide(sum(r.inputs));
  const nOut = wide(sum(r.outputs));
  const pins: string[] = r.clocks.map((c) => `.${c}(clk)`);
  let at = 0;
  for (const f of r.inputs) {
    pins.push(`.${f.port}(q[${at + f.bits - 1}:${at}])`);
    at += f.bits;
  }
  const outs: string[] = [];
  r.outputs.forEach((f, i) => {
    outs.push(`  wire [${f.bits - 1}:0] o${i};`);
    pins.push(`.${f.port}(o${i})`);
  });
  const pad = nOut - sum(r.outputs);
  const got = [...(pad ? [`${pad}'d0`] : []), ...r.outputs.map((_, i) => `o${i}`).reverse()];
  return `/*verilator coverage_off*/
module ${wrapperOf(r)} (clk, load, next, got);
  input clk;
  input load;
  input [${nIn - 1}:0] next;
  output [${nOut - 1}:0] got;
  reg [${nIn - 1}:0] q;
  // At a clock edge the part's registers sample q before it changes; a load changes it between edges.
  always @(posedge clk or posedge load) q <= next;
${outs.join('\n')}
  ${r.module} part (${pins.join(', ')});
  assign got = {${got.join(', ')}};
endmodule
/*verilator coverage_on*/
`;
}

function harness(r: PartReplay): string {
  const inBits = sum(r.inputs);
  const outBits = sum(r.outputs);
  return `// axhw part replay (src/synth/part-replay.ts): ${r.module} driven by one instance's records of an RTL run.
// usage: replay <records> <u32 words per record> <bit offset of the instance> <coverage.dat>
// Prints: records, mismatching evals, the first one's record number and output bit (or -1 -1).
#include "V${wrapperOf(r)}.h"
#include "verilated.h"
#include "verilated_cov.h"
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <vector>

// n bits of src from bit \`from\` into the words of dst (bit 0 up).
template <typename W> static void take(W& dst, const uint32_t* src, uint64_t from, uint64_t n) {
  for (uint64_t i = 0; 32 * i < n; i++) {
    const uint64_t bit = from + 32 * i;
    const uint64_t pair = src[bit / 32] | (static_cast<uint64_t>(src[bit / 32 + 1]) << 32);
    uint32_t w = static_cast<uint32_t>(pair >> (bit % 32));
    if (n - 32 * i < 32) w &= (1u << (n - 32 * i)) - 1u;
    dst[i] = w;
  }
}

int main(int argc, char** argv) {
  if (argc != 5) { std::fprintf(stderr, "usage: replay <records> <words> <offset> <coverage.dat>\\n"); return 2; }
  const size_t words = std::strtoull(argv[2], nullptr, 10);
  const uint64_t offset = std::strtoull(argv[3], nullptr, 10);
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) { std::fprintf(stderr, "cannot read %s\\n", argv[1]); return 2; }
  static char buffer[1 << 20];
  std::setvbuf(f, buffer, _IOFBF, sizeof buffer);
  VerilatedContext ctx;
  V${wrapperOf(r)} top(&ctx);
  std::vector<uint32_t> rec(words + 2, 0);  // flags, the probe words, one spare word for take()
  std::vector<uint32_t> want(${Math.ceil(wide(outBits) / 32)}, 0);
  uint64_t records = 0, bad = 0;
  bool counting = false;  // outputs are compared in the counted work: before it, state may not be reset yet
  int64_t first = -1, firstBit = -1;
  while (std::fread(rec.data(), 4, words + 1, f) == words + 1) {
    const uint32_t flags = rec[0];
    const uint32_t* probe = rec.data() + 1;
    if (flags & 4) {
      ctx.coveragep()->zero();
      counting = true;
      records++;
      continue;
    }
    take(top.next, probe, offset, ${inBits});
    if (records == 0) {
      // The model's first eval sees no edge (as the recorded run's did); the load then takes the values in.
      top.clk = flags & 1;
      top.load = 0;
      top.eval();
      top.load = 1;
    } else if (flags & 2) {
      top.clk = 1;
    } else {
      top.load = 0;
      top.eval();
      top.load = 1;
      top.clk = flags & 1;
    }
    top.eval();
    take(want, probe, offset + ${inBits}, ${outBits});
    for (size_t i = 0; counting && i < want.size(); i++)
      if (want[i] != top.got[i]) {
        if (first < 0) {
          first = static_cast<int64_t>(records);
          firstBit = static_cast<int64_t>(32 * i + __builtin_ctz(want[i] ^ top.got[i]));
        }
        bad++;
        break;
      }
    records++;
  }
  std::fclose(f);
  ctx.coveragep()->write(argv[4]);
  std::printf("%" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 "\\n", records, bad, first, firstBit);
  return 0;
}
`;
}

/** The replay simulator of a part (cached by content like every Verilator build). */
export function buildPartReplay(r: PartReplay, cellModels: string, log?: (m: string) => void): Promise<HarnessBuild> {
  const uncounted = (text: string) => `/*verilator coverage_off*/\n${text}\n/*verilator coverage_on*/\n`;
  return buildVerilated(
    {
      top: wrapperOf(r),
      sources: { 'cells.v': uncounted(cellModels), [`${r.module}.gate.v`]: r.text, 'replay.v': wrapper(r) },
      harness: harness(r),
      protocol: 'part replay 1',
      // As the whole-chip simulation (module-cost.ts): a gate-level model to compile, runs that are short.
      flags: ['--coverage-toggle', ...GATE_LEVEL_MAKEFLAGS],
      cxxFlags: '-O0 -std=c++17',
    },
    log,
  );
}

export interface ReplayRun {
  records: number;
  /** Evals after which the part's outputs differed from the RTL's, and the first (record, output field). */
  mismatches: number;
  first?: { record: number; output: string };
}

/** Replay one instance (its fields start at bit `offset` of every record); the toggle counts go to `coverageFile`. */
export async function runPartReplay(
  r: PartReplay,
  build: HarnessBuild,
  trace: { file: string; words: number },
  offset: number,
  coverageFile: string,
): Promise<ReplayRun> {
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(build.binary, [trace.file, String(trace.words), String(offset), coverageFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    p.on('error', reject);
    p.on('close', (code, signal) =>
      code === 0
        ? resolve(stdout)
        : reject(
            new AxhwError(
              `The replay of ${r.module} failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${stderr}`,
              `Remove ${build.dir} and run again (it is rebuilt).`,
            ),
          ),
    );
  });
  const [records, mismatches, first, firstBit] = out.trim().split(/\s+/).map(Number) as [number, number, number, number];
  const run: ReplayRun = { records, mismatches };
  if (mismatches > 0) {
    let bit = firstBit;
    const field = r.outputs.find((f) => (bit -= f.bits) < 0);
    run.first = { record: first, output: field?.ref ?? `bit ${firstBit}` };
  }
  return run;
}
