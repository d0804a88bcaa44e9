import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { Netlist } from './netlist.js';
import { buildModuleHarness, ModuleSession } from '../cosim/module-session.js';
import type { HarnessBuild } from '../cosim/build.js';
import { countsByBit, readToggleCoverageByModule, type ToggleSimulator } from './toggle-sim.js';
import { buildPartReplay, partReplay, runPartReplay, type PartReplay, type ReplayRun } from './part-replay.js';
import { compileNetlist, type CompiledNetlist } from './gate-sim.js';
import { replayPart } from './gate-replay.js';
import type { LibertyGroup } from './liberty.js';
import { countAccesses, memoryProbeFields, type AccessCounts, type ProbedMemory } from './memory-access.js';
import { AxhwError } from '../errors.js';

/**
 * Hierarchical toggle counting: every distinct part of a module hierarchy simulated once at gate level,
 * on what each of its instances sees in an RTL run of the same work.
 *
 * The RTL of the whole module is wrapped in a probe: one wide output made of hierarchical references to
 * every part instance's inputs, its children's outputs and its own outputs. The module harness, built with
 * that probe, records it after every eval that changed it (cosim/module-harness.cpp.hbs) while the caller's
 * `drive` runs the work on the RTL. Each part then replays the records of each of its instances at gate level
 * (part-replay.ts), its outputs compared with the RTL's on the way; the counts of its instances are summed
 * (energy is linear in toggles). A part replays in JavaScript from its cells' Liberty functions
 * (gate-replay.ts: no build, 32 instances at a time) where gate-sim.ts compiles it, flip-flops included, and
 * is Verilated alone with toggle coverage otherwise (or when asked: the reference, the same counts). Either
 * way no gate-level build of the whole hierarchy is needed, whose size grows with the instances (16 PEs: 16 copies).
 */
export interface PartNetlist {
  module: string;
  net: Netlist;
}

export interface HierarchicalToggles {
  cycles: number;
  /** Toggles per netlist bit, all instances of the part summed, by part. */
  counts: Map<string, Map<string, number>>;
  /**
   * Part instances whose gate-level outputs differed from the RTL's in the counted work: where the RTL leaves a
   * value undefined (an out-of-range read, X), synthesis may fill it with anything (see HierarchicalToggles).
   */
  mismatches: OutputMismatch[];
  /** The memories' accesses in the counted work, from the same RTL run. */
  accesses: AccessCounts;
  /** Records of the RTL run, and its trace size in bytes. */
  records: number;
  traceBytes: number;
  seconds: number;
}

export interface OutputMismatch {
  instance: string;
  module: string;
  /** Evals of the counted work after which some output differed; the first one's record and output. */
  evals: number;
  record: number;
  output: string;
}

/** A part instance: its module, its hierarchical name in the RTL (below the wrapper), and its probe's first bit. */
interface Instance {
  module: string;
  path: string;
  offset: number;
}

const PROBE = 'axhw_probe';
const DUT = 'dut';
/** An instance as a result names it: its path below the module, the module itself '(top)'. */
const instanceName = (i: Instance): string => i.path.slice(DUT.length + 1) || '(top)';

/** Add one instance's (or shard's) toggles per netlist bit to a part's total in `counts` (energy is linear in toggles). */
export function addToggles(counts: Map<string, Map<string, number>>, module: string, toggles: Iterable<[string, number]>): void {
  const total = counts.get(module) ?? new Map<string, number>();
  for (const [bit, n] of toggles) total.set(bit, (total.get(bit) ?? 0) + n);
  counts.set(module, total);
}
/** A name a hierarchical reference can hold: identifiers and constant indices (a generate loop's), joined by dots. */
const REFERABLE = /^[A-Za-z_][A-Za-z0-9_$]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_$]*(\[\d+\])?)*$/;

/** The parts' replays and the instances of each, from the top down; clocks follow the top's clock through the pins. */
function instancesOf(
  top: string,
  clock: string,
  parts: ReadonlyMap<string, PartNetlist>,
  boxed: ReadonlySet<string>,
  boxOutputs: ReadonlyMap<string, readonly string[]>,
  memoryReads: ReadonlyMap<string, number>,
): { replays: Map<string, PartReplay>; instances: Instance[]; memories: ProbedMemory[] } {
  const replays = new Map<string, PartReplay>();
  const instances: Instance[] = [];
  const memories: ProbedMemory[] = [];
  const visit = (module: string, path: string, clocks: string[]) => {
    const part = parts.get(module)!;
    let r = replays.get(module);
    if (!r) replays.set(module, (r = partReplay(part.net, module, boxed, boxOutputs, clocks)));
    else if (r.clocks.join() !== clocks.join())
      throw new AxhwError(
        `Instances of ${module} are clocked through different ports (${r.clocks.join(', ')} and ${clocks.join(', ')}).`,
        'Clock every instance of a module through the same port.',
      );
    instances.push({ module, path, offset: 0 });
    const clockBits = new Set(part.net.ports.filter((p) => clocks.includes(p.name)).flatMap((p) => p.bits));
    for (const inst of part.net.instances) {
      const reads = memoryReads.get(inst.cell);
      if (reads !== undefined) memories.push({ module: inst.cell, path: `${path}.${inst.name}`, reads, offset: 0 });
      if (!parts.has(inst.cell)) continue;
      if (!REFERABLE.test(inst.name))
        throw new AxhwError(
          `Instance ${inst.name} of ${inst.cell} in ${module} cannot be named in a hierarchical reference.`,
          'Name submodule instances with plain identifiers (generate-loop indices allowed), or cost the module --whole-chip.',
        );
      const childClocks = [
        ...new Set(
          Object.entries(inst.pins)
            .filter(([, bit]) => clockBits.has(bit))
            .map(([pin]) => pin.replace(/\[\d+\]$/, '')),
        ),
      ];
      visit(inst.cell, `${path}.${inst.name}`, childClocks);
    }
  };
  visit(top, DUT, [clock]);
  for (const m of memories)
    if (!REFERABLE.test(m.path.slice(DUT.length + 1)))
      throw new AxhwError(
        `Memory instance ${m.path} cannot be named in a hierarchical reference.`,
        'Name memory instances with plain identifiers (generate-loop indices allowed).',
      );
  return { replays, instances, memories };
}

/** The RTL top wrapped with the probe: the top's ports passed through, the probe (`refs`, bit 0 first) an extra output. */
function probeWrapper(topNet: Netlist, top: string, refs: readonly { ref: string; bits: number }[], bits: number): string {
  const width = (n: number) => (n > 1 ? `[${n - 1}:0] ` : '');
  const pad = bits - refs.reduce((n, f) => n + f.bits, 0);
  return `// axhw probe (src/synth/port-trace.ts): ${top} with every part instance's ports on one output.
module ${top}_axhw_probe (${[...topNet.ports.map((p) => p.name), PROBE].join(', ')});
${topNet.ports.map((p) => `  ${p.direction} ${width(p.bits.length)}${p.name};`).join('\n')}
  output [${bits - 1}:0] ${PROBE};
  ${top} ${DUT} (${topNet.ports.map((p) => `.${p.name}(${p.name})`).join(', ')});
  assign ${PROBE} = {${[...(pad ? [`${pad}'d0`] : []), ...refs.map((f) => f.ref).reverse()].join(', ')}};
endmodule
`;
}

export type PartSimulator = { kind: 'verilator'; build: HarnessBuild } | { kind: 'javascript'; compiled: CompiledNetlist; seconds: number };

/** The simulators of a hierarchical count, built: the probed RTL and one replay per distinct part. */
export interface HierarchicalBuild {
  top: string;
  replays: Map<string, PartReplay>;
  instances: Instance[];
  /** Every memory instance, probed after the parts (their enables: memory-access.ts). */
  memories: ProbedMemory[];
  wrapped: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>;
  /** u32 words of the probe in every record. */
  words: number;
  rtl: HarnessBuild;
  /** How each distinct part replays: its Verilator build, or its netlist compiled for JavaScript. */
  parts: Map<string, PartSimulator>;
  seconds: number;
}

/**
 * Build what a hierarchical count runs (cached by content, so a build ahead of the run makes the run's own
 * call find them). `parts`: every logic part's netlist by module; `boxOutputs`: the output pins of every
 * black-boxed module (parts and memories); `cellModels`: the library's cell models for the parts' netlists.
 */
export async function buildHierarchical(
  d: ModuleDesign,
  parts: ReadonlyMap<string, PartNetlist>,
  boxOutputs: ReadonlyMap<string, readonly string[]>,
  cellModels: string,
  log: (m: string) => void,
  o: { liberty?: LibertyGroup; simulator?: ToggleSimulator; memoryReads?: ReadonlyMap<string, number> } = {},
): Promise<HierarchicalBuild> {
  const t0 = performance.now();
  const boxed = new Set(boxOutputs.keys());
  const { replays, instances, memories } = instancesOf(d.top, d.ports.clock, parts, boxed, boxOutputs, o.memoryReads ?? new Map());
  const fields: { ref: string; bits: number }[] = [];
  let bits = 0;
  for (const inst of instances) {
    inst.offset = bits;
    const r = replays.get(inst.module)!;
    for (const f of [...r.inputs, ...r.outputs]) {
      fields.push({ ref: `${inst.path}.${f.ref}`, bits: f.bits });
      bits += f.bits;
    }
  }
  bits = addMemoryFields(memories, fields, bits);
  const { wrapped, probeBits } = probed(d, parts.get(d.top)!.net, fields, bits);
  log(`building the RTL ${d.top} with a probe on ${instances.length} part and ${memories.length} memory instances (${bits} bits)`);
  const [rtl, ...partBuilds] = await Promise.all([
    buildModuleHarness(wrapped, log, { probe: { name: PROBE, bits: probeBits } }),
    ...[...replays.values()].map(async (r): Promise<PartSimulator> => {
      const net = parts.get(r.module)!.net;
      if (o.liberty && (o.simulator ?? 'auto') === 'auto') {
        const t = performance.now();
        const c = compileNetlist(net, o.liberty, { flops: true, boxed: boxOutputs });
        if (c.ok) return { kind: 'javascript', compiled: c.net, seconds: (performance.now() - t) / 1000 };
        log(`${r.module} replays in Verilator: ${c.why}`);
      }
      log(`Verilating the gate-level ${r.module} alone, for replay`);
      return { kind: 'verilator', build: await buildPartReplay(r, cellModels, log) };
    }),
  ]);
  return {
    top: d.top,
    replays,
    instances,
    memories,
    wrapped,
    words: probeBits / 32,
    rtl: rtl!,
    parts: new Map([...replays.keys()].map((m, i) => [m, partBuilds[i]!])),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Append the probe fields of `memories` at bit `bits` (setting their offsets); the probe's new width. */
function addMemoryFields(memories: ProbedMemory[], fields: { ref: string; bits: number }[], bits: number): number {
  for (const m of memories) {
    m.offset = bits;
    for (const f of memoryProbeFields(m)) {
      fields.push(f);
      bits += f.bits;
    }
  }
  return bits;
}

/** The top wrapped with a probe of `fields` (`bits` wide, rounded up to whole words, over 64 bits). */
function probed(
  d: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>,
  topNet: Netlist,
  fields: { ref: string; bits: number }[],
  bits: number,
) {
  const probeBits = Math.max(96, Math.ceil(bits / 32) * 32); // whole words, over 64 bits (a wide Verilator signal)
  const wrapped = {
    top: `${d.top}_axhw_probe`,
    sources: { ...d.sources, 'axhw_probe.v': probeWrapper(topNet, d.top, fields, probeBits) },
    ports: d.ports,
  };
  return { wrapped, probeBits };
}

/** An RTL build that probes only the memories' enables: access counts beside a whole-chip simulation. */
export interface AccessProbe {
  memories: ProbedMemory[];
  wrapped: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>;
  words: number;
  rtl: HarnessBuild;
}

export async function buildAccessProbe(
  d: ModuleDesign,
  parts: ReadonlyMap<string, PartNetlist>,
  boxOutputs: ReadonlyMap<string, readonly string[]>,
  memoryReads: ReadonlyMap<string, number>,
  log: (m: string) => void,
): Promise<AccessProbe> {
  const { memories } = instancesOf(d.top, d.ports.clock, parts, new Set(boxOutputs.keys()), boxOutputs, memoryReads);
  const fields: { ref: string; bits: number }[] = [];
  const bits = addMemoryFields(memories, fields, 0);
  const { wrapped, probeBits } = probed(d, parts.get(d.top)!.net, fields, bits);
  log(`building the RTL ${d.top} with a probe on its ${memories.length} memory instances' enables`);
  const rtl = await buildModuleHarness(wrapped, log, { probe: { name: PROBE, bits: probeBits } });
  return { memories, wrapped, words: probeBits / 32, rtl };
}

/** Run the work `drive` runs on a probed RTL build, its probe recorded to `trace`. */
async function recordProbe(
  wrapped: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>,
  rtl: HarnessBuild,
  trace: string,
  drive: (s: ModuleSession) => Promise<{ cycles: number }>,
  log: (m: string) => void,
): Promise<{ cycles: number }> {
  const session = await ModuleSession.open(wrapped, log, rtl, { AXHW_PROBE_FILE: trace });
  try {
    return await drive(session);
  } finally {
    await session.close();
  }
}

/** Run the work `drive` runs on the access probe's RTL and count the memories' accesses. */
export async function probeAccesses(
  p: AccessProbe,
  drive: (s: ModuleSession) => Promise<{ cycles: number }>,
  log: (m: string) => void,
): Promise<AccessCounts> {
  const work = mkdtempSync(join(tmpdir(), 'axhw-access-probe-'));
  try {
    const trace = join(work, 'probe.bin');
    log('running the work on the RTL, counting memory accesses');
    await recordProbe(p.wrapped, p.rtl, trace, drive, log);
    return countAccesses({ file: trace, words: p.words }, p.memories, `${DUT}.`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Count each part's toggles hierarchically under the work `drive` runs (see above), on the simulators `b`. */
export async function hierarchicalToggles(
  b: HierarchicalBuild,
  drive: (s: ModuleSession) => Promise<{ cycles: number }>,
  log: (m: string) => void,
  only: { first: number; end: number } = { first: 0, end: b.instances.length },
): Promise<HierarchicalToggles> {
  const t0 = performance.now();
  const { replays, wrapped, rtl, words } = b;
  // A shard replays a range of the instances (in b.instances' order); the RTL run is the whole work either way.
  const instances = b.instances.slice(only.first, only.end);
  const work = mkdtempSync(join(tmpdir(), 'axhw-port-trace-'));
  try {
    const trace = join(work, 'probe.bin');
    log('running the work on the RTL, recording every part instance');
    const { cycles } = await recordProbe(wrapped, rtl, trace, drive, log);
    const traceBytes = readFileSync(trace).length;
    const counts = new Map<string, Map<string, number>>();
    const mismatches: OutputMismatch[] = [];
    let records = 0;
    log(`replaying ${instances.length} part instances at gate level`);
    const add = (module: string, toggles: Iterable<[string, number]>) => addToggles(counts, module, toggles);
    const mismatch = (inst: Instance, run: ReplayRun) => {
      if (run.first)
        mismatches.push({
          instance: instanceName(inst),
          module: inst.module,
          evals: run.mismatches,
          ...run.first,
        });
    };
    const inVerilator = instances.filter((i) => b.parts.get(i.module)!.kind === 'verilator');
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < inVerilator.length && !failed) {
        const k = next++;
        const inst = inVerilator[k]!;
        const r = replays.get(inst.module)!;
        const sim = b.parts.get(inst.module)! as Extract<PartSimulator, { kind: 'verilator' }>;
        const file = join(work, `coverage-${k}.dat`);
        const run = await runPartReplay(r, sim.build, { file: trace, words }, inst.offset, file).catch((e: unknown) => {
          failed = true;
          throw e;
        });
        mismatch(inst, run);
        records = run.records;
        const entries = readToggleCoverageByModule(readFileSync(file, 'latin1')).get(inst.module) ?? [];
        add(inst.module, countsByBit(r.ids, entries));
        rmSync(file);
      }
    };
    // The Verilator replays run as child processes while the JavaScript ones run here.
    const verilated = Promise.all(Array.from({ length: Math.min(inVerilator.length, Math.max(1, cpus().length)) }, worker));
    try {
      for (const [module, sim] of b.parts) {
        if (sim.kind !== 'javascript') continue;
        const own = instances.filter((i) => i.module === module);
        if (own.length === 0) continue; // none in this shard's range
        const result = replayPart(
          replays.get(module)!,
          sim.compiled,
          { file: trace, words },
          own.map((i) => i.offset),
        );
        own.forEach((inst, k) => mismatch(inst, result.runs[k]!));
        records = result.runs[0]?.records ?? records;
        add(module, result.toggles);
      }
    } finally {
      await verilated;
    }
    // In instance order, not the order the replays finished in: the result must not depend on the race.
    const order = new Map(b.instances.map((i, k) => [instanceName(i), k]));
    mismatches.sort((x, y) => order.get(x.instance)! - order.get(y.instance)!);
    const accesses = countAccesses({ file: trace, words }, b.memories, `${DUT}.`);
    return { cycles, counts, mismatches, accesses, records, traceBytes, seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
