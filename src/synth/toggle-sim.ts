import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { execa } from 'execa';
import { AxhwError } from '../errors.js';
import { cachedEntry } from '../util/cache-entry.js';
import { sha256 } from '../util/hash.js';
import { runToolChecked, toolVersion, verilatorMakeEnv } from '../tools.js';
import { GATE_LEVEL_MAKEFLAGS } from '../cosim/build.js';
import type { Netlist, NetlistPort } from './netlist.js';
import type { LibertyGroup } from './liberty.js';
import { clockedToggles, combinationalToggles, compileNetlist } from './gate-sim.js';

/**
 * Zero-delay toggle counting on a gate-level netlist with Verilator: the netlist is rewritten with one
 * plain wire per bit (n0, n1, ...), compiled with the cells' Verilog models and `--coverage-toggle`,
 * and driven one input vector per cycle from a file. Verilator's toggle coverage counts every change of
 * every bit; the first vector only sets the circuit up (its toggles from the all-zero start are dropped).
 */
export interface Stimulus {
  /** Input port names, in the order of each cycle's values. */
  inputs: string[];
  cycles: number;
  /** cycles x inputs.length values, each within its port's width. */
  values: BigUint64Array;
  /** A clock input the harness drives itself: low, then high, in every cycle (not in `inputs`). */
  clock?: string;
}

export interface ToggleCounts {
  /** Cycles counted (the first vector excluded). */
  cycles: number;
  /** Toggles per net bit, by the netlist's own bit names (inputs, outputs and internal nets). */
  toggles: Map<string, number>;
  /** The simulator (its version line), and whether its build came from the cache. */
  build: { cached: boolean; seconds: number; simulator: string };
  seconds: number;
}

/** Module name of the rewritten netlist (both toggle simulations instantiate it). */
export const SIM_TOP = 'axhw_toggle_sim';
const FLAGS = ['--cc', '--exe', '--build', '-O3', '--coverage-toggle', '-Wno-fatal', '-Wno-lint', '-Wno-style'];
// Light C++ optimisation, as for the gate-level NPU (synth/module-cost.ts): a gate-level netlist is a large
// model to compile and the simulated workloads are short (and their counts are cached). The binary32 fpmul's
// toggle simulation builds in about 30 s instead of 265 s this way, the counts the same.
const CXX = ['-CFLAGS', '-O0', ...GATE_LEVEL_MAKEFLAGS];

/**
 * The netlist's input ports a stimulus drives (all but its clock), after checking that the stimulus
 * names them in port order, holds one value per port and cycle, and has a set-up cycle to drop.
 */
export function stimulusInputs(net: Netlist, stim: Stimulus): NetlistPort[] {
  if (stim.clock && !net.ports.some((p) => p.direction === 'input' && p.name === stim.clock))
    throw new AxhwError(`${net.top} has no clock input ${stim.clock}.`, 'Name the clock port the netlist has.');
  const inputs = net.ports.filter((p) => p.direction === 'input' && p.name !== stim.clock);
  const names = inputs.map((p) => p.name);
  if (names.join() !== stim.inputs.join())
    throw new AxhwError(
      `The stimulus drives ${stim.inputs.join(', ')}; ${net.top} has inputs ${names.join(', ')}.`,
      'Give one value per input port per cycle, in port order.',
    );
  if (stim.cycles < 2)
    throw new AxhwError(
      'Toggle simulation needs at least 2 cycles (the first only sets the circuit up).',
      'Give at least 2 operand vectors.',
    );
  if (stim.values.length !== stim.cycles * names.length)
    throw new AxhwError(
      `The stimulus holds ${stim.values.length} values; ${stim.cycles} cycles of ${names.length} ` +
        `inputs need ${stim.cycles * names.length}.`,
      'Give one value per input port per cycle.',
    );
  return inputs;
}

/** Counts by simulator wire name, back to the netlist's bit names (wires that are not nets are dropped). */
export function countsByBit(ids: Map<string, string>, counts: Iterable<[string, number]>): Map<string, number> {
  const bitOf = new Map([...ids].map(([bit, wire]) => [wire, bit]));
  const toggles = new Map<string, number>();
  for (const [wire, n] of counts) {
    const bit = bitOf.get(wire);
    if (bit !== undefined) toggles.set(bit, (toggles.get(bit) ?? 0) + n);
  }
  return toggles;
}

/** An instance of a black-boxed module in a rewritten netlist: its name there (m0_0, m0_1, m1_0, ...) and in the netlist. */
export interface BoxInstance {
  local: string;
  name: string;
  module: string;
}

/** A box output made an input port of the rewritten netlist (`boxOutputs`): `<local>__<pin>`, `bits` wide. */
export interface BoxPort {
  port: string;
  box: BoxInstance;
  pin: string;
  bits: number;
  /** The netlist bits the port drives, least significant first. */
  nets: string[];
}

/**
 * The netlist with every bit a plain wire; returns the text and the wire name of each bit. By default the
 * module is SIM_TOP with ports of up to 64 bits (the toggle harness drives them); `module` keeps another
 * name (a part of a hierarchy), and instances of `boxed` modules are kept with their multi-bit pins
 * (`pin[k]`) joined again, renamed m<i>_<k> (the i-th module's k-th instance) so that simulator scopes need no escaping.
 * With `boxOutputs` (a boxed module's output pins) the boxes are left out instead and each of their outputs
 * becomes an input port of the module (`boxPorts`, in instance then pin order): a part replayed on its own
 * (src/synth/part-replay.ts), its children's outputs driven as they were recorded. The wires are the same.
 */
export function simulationNetlist(
  net: Netlist,
  o: { module?: string; boxed?: ReadonlySet<string>; boxOutputs?: ReadonlyMap<string, readonly string[]> } = {},
): { text: string; ids: Map<string, string>; boxes: BoxInstance[]; boxPorts: BoxPort[] } {
  const ids = new Map<string, string>();
  const id = (bit: string) => {
    if (bit === '0' || bit === '1') return `1'b${bit}`;
    let v = ids.get(bit);
    if (!v) ids.set(bit, (v = `n${ids.size}`));
    return v;
  };
  const lines: string[] = [];
  for (const p of net.ports) {
    if (!o.module && p.bits.length > 64)
      throw new AxhwError(
        `Port ${p.name} of ${net.top} is ${p.bits.length} bits wide; toggle simulation drives ports of up to 64 bits.`,
        'Use --power propagate for this design.',
      );
    const range = p.bits.length > 1 || /\[/.test(p.bits[0]!) ? `[${p.bits.length - 1}:0] ` : '';
    lines.push(`  ${p.direction} ${range}${p.name};`);
    p.bits.forEach((b, k) => {
      const sel = range ? `${p.name}[${k}]` : p.name;
      lines.push(p.direction === 'input' ? `  assign ${id(b)} = ${sel};` : `  assign ${sel} = ${id(b)};`);
    });
  }
  const body: string[] = [];
  const boxes: BoxInstance[] = [];
  const boxPorts: BoxPort[] = [];
  net.instances.forEach((inst, k) => {
    if (o.boxed?.has(inst.cell)) {
      const buses = new Map<string, string[]>();
      const nets = new Map<string, string[]>();
      for (const [pin, bit] of Object.entries(inst.pins)) {
        const m = /^(.*)\[(\d+)\]$/.exec(pin);
        const [base, at] = m ? [m[1]!, Number(m[2])] : [pin, 0];
        const bits = buses.get(base) ?? [];
        bits[at] = id(bit);
        buses.set(base, bits);
        const named = nets.get(base) ?? [];
        named[at] = bit;
        nets.set(base, named);
      }
      // Named by module (m<i>_<k>): Verilator merges the toggle points of one module's instances under
      // their common name prefix, which then names that module alone.
      const modules = [...new Set([...boxes.map((b) => b.module), inst.cell])];
      const local = `m${modules.indexOf(inst.cell)}_${boxes.filter((b) => b.module === inst.cell).length}`;
      const box = { local, name: inst.name, module: inst.cell };
      boxes.push(box);
      const outputs = o.boxOutputs?.get(inst.cell);
      if (!outputs) {
        body.push(`  ${inst.cell} ${local} (${[...buses].map(([pin, bits]) => `.${pin}(${concatenation(bits)})`).join(', ')});`);
        return;
      }
      for (const pin of outputs) {
        const bits = buses.get(pin);
        if (!bits)
          throw new AxhwError(
            `Instance ${inst.name} of ${inst.cell} in ${net.top} has no pin ${pin}.`,
            'Connect every output of a submodule.',
          );
        const port = `${local}__${pin}`;
        boxPorts.push({ port, box, pin, bits: bits.length, nets: nets.get(pin)! });
        lines.push(`  input [${bits.length - 1}:0] ${port};`);
        bits.forEach((w, k) => {
          if (w.startsWith("1'b"))
            throw new AxhwError(`Output ${pin} of ${inst.name} in ${net.top} drives a constant.`, 'Leave submodule outputs on nets.');
          body.push(`  assign ${w} = ${port}[${k}];`);
        });
      }
      return;
    }
    body.push(
      `  ${inst.cell} u${k} (${Object.entries(inst.pins)
        .map(([pin, bit]) => `.${pin}(${id(bit)})`)
        .join(', ')});`,
    );
  });
  for (const [l, r] of net.assigns) body.push(`  assign ${id(l)} = ${id(r)};`);
  const wires = [...ids.values()].map((w) => `  wire ${w};`);
  const text = [
    `module ${o.module ?? SIM_TOP} (${[...net.ports.map((p) => p.name), ...boxPorts.map((b) => b.port)].join(', ')});`,
    ...lines,
    ...wires,
    ...body,
    'endmodule',
    '',
  ].join('\n');
  return { text, ids, boxes, boxPorts };
}

/** A Verilog port connection: one bit, or the bits as a concatenation, most significant first. */
const concatenation = (bits: string[]) => (bits.length > 1 ? `{${[...bits].reverse().join(', ')}}` : bits[0]);

function harness(inputs: string[], clock?: string): string {
  return `// axhw toggle-count harness: ${SIM_TOP} driven one vector per cycle from a file of uint64 values.
#include "V${SIM_TOP}.h"
#include "verilated.h"
#include "verilated_cov.h"
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <vector>
int main(int argc, char** argv) {
  if (argc != 4) { std::fprintf(stderr, "usage: sim <stimulus> <cycles> <coverage.dat>\\n"); return 2; }
  const size_t ports = ${inputs.length};
  const size_t cycles = std::strtoull(argv[2], nullptr, 10);
  std::vector<uint64_t> v(cycles * ports);
  FILE* f = std::fopen(argv[1], "rb");
  if (!f || std::fread(v.data(), sizeof(uint64_t), v.size(), f) != v.size()) { \
std::fprintf(stderr, "cannot read %s\\n", argv[1]); return 2; }
  std::fclose(f);
  VerilatedContext ctx;
  V${SIM_TOP} top(&ctx);
  for (size_t c = 0; c < cycles; c++) {
${inputs.map((name, k) => `    top.${name} = v[c * ports + ${k}];`).join('\n')}
${clock ? `    top.${clock} = 0;\n    top.eval();\n    top.${clock} = 1;` : ''}
    top.eval();
    if (c == 0) ctx.coveragep()->zero();
  }
  ctx.coveragep()->write(argv[3]);
  return 0;
}
`;
}

/**
 * Which simulator counts: `auto` counts in JavaScript from the cells' Liberty functions (`gate-sim.ts`, no
 * build; equal counts, tested) when the Liberty library is given and the netlist has no latch, tri-state
 * cell or loop, and builds the Verilator simulation otherwise; `verilator` always builds it (the reference).
 */
export type ToggleSimulator = 'auto' | 'verilator';
export const JS_SIMULATOR = 'axhw gate-sim (JavaScript, Liberty cell functions)';

/** Toggle counts of every net bit of a netlist under a stimulus (zero delay). */
export async function simulateToggles(
  net: Netlist,
  cellModels: string,
  stim: Stimulus,
  o: { liberty?: LibertyGroup; simulator?: ToggleSimulator } = {},
): Promise<ToggleCounts> {
  const t0 = performance.now();
  const ports = stimulusInputs(net, stim);
  if (o.liberty && (o.simulator ?? 'auto') === 'auto') {
    const c = compileNetlist(net, o.liberty, { flops: stim.clock !== undefined });
    if (c.ok) {
      const compiled = (performance.now() - t0) / 1000;
      return {
        cycles: stim.cycles - 1,
        toggles: stim.clock ? clockedToggles(c.net, ports, stim) : combinationalToggles(c.net, ports, stim),
        build: { cached: false, seconds: compiled, simulator: JS_SIMULATOR },
        seconds: (performance.now() - t0) / 1000,
      };
    }
  }
  const names = ports.map((p) => p.name);
  const verilator = await toolVersion('verilator');
  await Promise.all([toolVersion('make'), toolVersion('g++')]);
  const { text, ids } = simulationNetlist(net);
  const cpp = harness(names, stim.clock);
  const key = sha256('toggle-sim v1', verilator, FLAGS.join(' '), CXX.join(' '), text, cellModels, cpp);
  const tb = performance.now();
  const entry = await cachedEntry('toggle-sim', net.top, key, async (tmp) => {
    writeFileSync(join(tmp, 'netlist.v'), text);
    writeFileSync(join(tmp, 'cells.v'), cellModels);
    writeFileSync(join(tmp, 'harness.cpp'), cpp);
    await runToolChecked(
      'verilator',
      [
        ...FLAGS,
        '-j',
        String(Math.max(1, cpus().length)),
        '--top-module',
        SIM_TOP,
        '-Mdir',
        'obj',
        '-o',
        '../sim',
        ...CXX,
        'harness.cpp',
        'netlist.v',
        'cells.v',
      ],
      {
        cwd: tmp,
        env: verilatorMakeEnv(),
        failure: `Verilator could not build the toggle simulation of ${net.top}`,
        fix: 'Check that --cells holds the Verilog models of the library the netlist was mapped to.',
      },
    );
    rmSync(join(tmp, 'obj'), { recursive: true, force: true });
    return { verilator };
  });
  const buildSeconds = (performance.now() - tb) / 1000;
  // The coverage file is a function of the simulator (its build key) and the stimulus: kept by content
  // too, so a workload simulated before (the same training trace, the same seed) is read back instead of
  // run again. The file is kept, not the counts, so reading it stays this code's on every run.
  const stimBytes = new Uint8Array(stim.values.buffer, stim.values.byteOffset, stim.values.byteLength);
  const run = await cachedEntry('toggle-run', net.top, sha256('toggle-run v1', key, String(stim.cycles), stimBytes), async (work) => {
    writeFileSync(join(work, 'stim.bin'), stimBytes);
    const r = await execa(join(entry.dir, 'sim'), ['stim.bin', String(stim.cycles), 'coverage.dat'], {
      cwd: work,
      reject: false,
      all: true,
    });
    if (r.exitCode !== 0)
      throw new AxhwError(
        `The toggle simulation of ${net.top} failed (exit ${r.exitCode}): ${r.all}`,
        `Remove ${entry.dir} and run again (it is rebuilt).`,
      );
    rmSync(join(work, 'stim.bin'));
    return { cycles: stim.cycles };
  });
  const points = readToggleCoverage(readFileSync(join(run.dir, 'coverage.dat'), 'latin1'), `TOP.${SIM_TOP}`);
  return {
    cycles: stim.cycles - 1,
    toggles: countsByBit(ids, points),
    build: { cached: entry.cached, seconds: buildSeconds, simulator: verilator },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Toggle points of one scope from a Verilator coverage file (the format: groupTogglePoints below). */
export function readToggleCoverage(text: string, scope: string): [string, number][] {
  return readToggleCoverageByScope(text).get(scope) ?? [];
}

/**
 * Toggle points of a Verilator coverage file: lines `C '<key>' <count>`, the key a list of \x01 name \x02
 * value fields (page v_toggle/<module>, o = the signal bit, h = the hierarchy), grouped by `key` of them.
 */
function groupTogglePoints(text: string, key: (fields: Map<string, string>) => string): Map<string, [string, number][]> {
  const out = new Map<string, [string, number][]>();
  for (const line of text.split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(line);
    if (!m) continue;
    const fields = new Map(
      m[1]!
        .split('\x01')
        .filter(Boolean)
        .map((f) => f.split('\x02') as [string, string]),
    );
    if (!fields.get('page')?.startsWith('v_toggle/')) continue;
    const k = key(fields);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push([fields.get('o')!, Number(m[2])]);
  }
  return out;
}

/**
 * Toggle points by module (the page). Verilator merges the points of a module's instances, their counts
 * summed, under one hierarchy name with the differing characters starred; across levels that name can be
 * ambiguous (a PE's two multipliers under every PE: 'm2_*', the PEs' own name), so a module's points are
 * told apart by their page, not their scope.
 */
export function readToggleCoverageByModule(text: string): Map<string, [string, number][]> {
  return groupTogglePoints(text, (f) => f.get('page')!.slice('v_toggle/'.length));
}

/** Toggle points by scope (the `h` field). */
export function readToggleCoverageByScope(text: string): Map<string, [string, number][]> {
  return groupTogglePoints(text, (f) => f.get('h')!);
}
