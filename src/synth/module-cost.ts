import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { MemoryDecl } from '../gen/module.js';
import { getModule } from '../gen/registry.js';
import { resolveLibrary, type CellLibrary } from './library.js';
import { synthesize, type SynthResult } from './yosys.js';
import { readNetlist, type Netlist } from './netlist.js';
import { cellModelsFor } from './cell-models.js';
import { countsByBit, readToggleCoverageByModule, simulationNetlist, type BoxInstance, type ToggleSimulator } from './toggle-sim.js';
import { buildAccessProbe, buildHierarchical, hierarchicalToggles, probeAccesses, type OutputMismatch } from './port-trace.js';
import type { AccessCounts, MemoryAccessCount } from './memory-access.js';
import {
  accessEnergy,
  characteriseGatedMemory,
  gatedActions,
  gatedBank,
  sramActions,
  sramMacros,
  ungatedEnergy,
  type MemoryActions,
} from './memory-kinds.js';
import { DEFAULT_MEMORY_KIND, MEMORY_KIND_METHODS, MEMORY_KINDS, type MemoryKind, type TotalsMemoryKind } from './memory-kind.js';
import { GATE_LEVEL_MAKEFLAGS, type HarnessBuild } from '../cosim/build.js';
import { simulatedPower } from './sim-power.js';
import { libraryOf } from './simulated-cost.js';
import { characteriseMemory, memoryOutputs, type MemoryCharacterisation } from './memory-cost.js';
import { buildModuleHarness, ModuleSession } from '../cosim/module-session.js';
import { timingAndPower } from './sta.js';
import { renderRam } from '../gen/render-ram.js';
import { addressBits } from '../util/bits.js';
import { writeFileSync } from 'node:fs';
import { AxhwError } from '../errors.js';
import { MODULE_CLOCK_NS } from './module-clock.js';
import { describeMapping, mappingTarget, type MappingTarget } from './mapping-target.js';

/**
 * Area and energy of a module unit, part by part, from a gate-level simulation of real work.
 *
 * Every module of the hierarchy is synthesized on its own (Yosys + ABC, `synth.ts`'s flow) with the
 * modules below it black-boxed: the module's own logic, each unit named by a parameter (the multiplier),
 * each submodule (the PE). The memories (rtl-templates/ram.v.hbs) are costed by `memory-cost.ts`. The
 * caller's `drive` loads the module through its harness and runs real work, zeroing the counts where the
 * counted work starts; the toggles of every part's nets are counted at gate level, either part by part on
 * what each instance saw in an RTL run of that work (`hierarchical`, port-trace.ts) or with the mapped
 * parts put back together and simulated whole (`whole-chip`). Each instance's toggles give its energy
 * through the Liberty file (`sim-power.ts`), summed by the cost group its module declares (`costGroup`:
 * 'control', 'datapath'; a unit parameter's group: 'multiplier'; 'memories').
 */
export interface CostPart {
  module: string;
  group: string;
  kind: 'logic' | 'memory';
  instances: number;
  /** Per instance, um^2 (memories: costed as below). */
  area: number;
  cells: number;
  flipFlops: number;
  /** All instances over the counted cycles, J (dynamic + leakage). */
  energyJ: number;
  /** All instances' leakage power, W: the part of energyJ that grows with the clock period. */
  leakageW: number;
  /** Logic parts: the mapped netlist (in the synthesis cache). */
  netlist?: string;
  /** Memories: what they hold, their size, and how they are costed. */
  memory?: {
    role: string;
    width: number;
    depth: number;
    bits: number;
    costed: boolean;
    model: MemoryCharacterisation;
    /** The kind the part's energy, leakage and area above are of. */
    kind: MemoryKind;
    /** Counted in the run, all instances: datapath-port reads, writes, cycles with both, cycles with neither. */
    accesses: { reads: number; writes: number; readWrites: number; idle: number };
    /** The same accesses under every kind (memory-kinds.ts); zero for a memory that is not costed. */
    kinds: Record<MemoryKind, { energyJ: number; leakageW: number; area: number; actions?: MemoryActions }>;
  };
}

export interface ModuleCost {
  top: string;
  library: { name: string; liberty: string };
  clockNs: number;
  /** Clock cycles counted (from the caller's zero of the counts to the end of its work). */
  cycles: number;
  parts: CostPart[];
  /** By cost group: area (um^2, all instances) and energy over the counted cycles (J). */
  groups: Record<string, { area: number; energyJ: number }>;
  total: { area: number; energyJ: number };
  /**
   * The memory kind of `groups` and `total` (`mixed` where the module's parameters give its memory roles
   * different kinds: each part's `memory.kind` says which), and the memories and the total under each kind
   * for all memories alike (memory-kinds.ts).
   */
  memoryKind: TotalsMemoryKind;
  byMemoryKind: Record<
    MemoryKind,
    { method: string; memories: { area: number; energyJ: number }; total: { area: number; energyJ: number } }
  >;
  /** The SRAM kind's supply, V, and whether its energies are extrapolated beyond the characterized corners. */
  sramSupply: { voltage: number; extrapolated: boolean };
  /** Every memory instance's accesses in the counted work, and the rising clock edges the count saw (memory-access.ts). */
  accesses: AccessCounts;
  /** OpenSTA on the whole mapped hierarchy, the memories timed as stated in `memories`. */
  timing: { delayNs: number; slackNs: number; memories: string; mapping: string };
  simulation: {
    kind: GateSimulation;
    cells: number;
    /** The builds: the whole chip, or the probed RTL and one per distinct part (a JavaScript replay: its compile). */
    builds: { top: string; cached: boolean; seconds: number }[];
    seconds: number;
    /**
     * Hierarchical only: part instances whose gate-level outputs differed from the RTL's in the counted work,
     * which happens where the RTL leaves a value undefined (an out-of-range read) and synthesis fills it.
     * Where such an output feeds another part, that part's counts follow the RTL's value, not the gates'.
     */
    outputMismatches?: OutputMismatch[];
  };
  method: string;
}

/**
 * How the gate-level toggles are counted: `hierarchical` simulates each distinct part alone on what each of
 * its instances saw in an RTL run (port-trace.ts); `whole-chip` simulates the whole gate-level hierarchy at
 * once, the reference. The two give the same counts (test/synth/module-cost.test.ts).
 */
export const GATE_SIMULATIONS = ['hierarchical', 'whole-chip'] as const;
export type GateSimulation = (typeof GATE_SIMULATIONS)[number];
const SIMULATION_METHODS: Record<GateSimulation, string> = {
  hierarchical: 'each distinct part once, replaying what each instance saw in an RTL run of the same work',
  'whole-chip': 'the whole hierarchy in one simulation, memories as RTL',
};

/** Memories in the timed netlist: the same module (ports and address width) holding two words. */
const TIMING_DEPTH = 2;

/**
 * The critical path of the whole hierarchy: every logic part's mapped netlist, and each memory as a
 * register file of the same ports holding TIMING_DEPTH words (writes end at its flip-flops; a read goes
 * from the address through one multiplexer level, into the read register of a synchronous port; the deeper
 * read multiplexer of the real memory is not timed), read by OpenSTA as one hierarchical netlist with the
 * clock on `clk`.
 */
async function timeHierarchy(
  d: ModuleDesign,
  logic: Map<string, { synth: SynthResult }>,
  memories: Map<string, MemoryDecl & { top: string }>,
  lib: CellLibrary,
  clockNs: number,
  clock: string,
  target: MappingTarget | undefined,
) {
  const texts = [...logic.values()].map((p) => readFileSync(p.synth.netlist, 'utf8'));
  for (const m of memories.values()) {
    const text = renderRam({ ...m, depth: TIMING_DEPTH, aw: addressBits(m.depth) });
    const s = await synthesize({ top: m.top, sources: { [`${m.top}.v`]: text } }, lib, { target });
    texts.push(readFileSync(s.netlist, 'utf8'));
  }
  const work = mkdtempSync(join(tmpdir(), 'axhw-module-sta-'));
  try {
    const file = join(work, 'netlist.v');
    writeFileSync(file, texts.join('\n'));
    const t = await timingAndPower(file, d.top, { clock: { clk: clock } }, lib, clockNs, []);
    return {
      delayNs: t.delayNs,
      slackNs: t.slackNs,
      mapping: describeMapping(target),
      memories:
        `each memory timed as a ${TIMING_DEPTH}-word register file with its ports (a read: address through one ` +
        "multiplexer level, into the read register of a synchronous port; the real memory's deeper read multiplexer is not timed)",
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface ModuleCostOptions {
  lib?: string;
  cells?: string;
  clockNs?: number;
  /**
   * How ABC maps each part: `timing` (the default) for the clock period, buffering and sizing
   * (mapping-target.ts); `area` for the smallest netlist, timed as it comes.
   */
  mapping?: Mapping;
  /** The period timing-driven mapping aims at, ns (default: clockNs); another gives the same netlist at another clock. */
  mappingClockNs?: number;
  /** Default: hierarchical. */
  simulation?: GateSimulation;
  /**
   * Hierarchical only: `auto` replays a part in JavaScript from its cells' Liberty functions where it can
   * (gate-replay.ts) and in Verilator otherwise; `verilator` replays every part in Verilator (the reference).
   */
  replay?: ToggleSimulator;
  /**
   * The kind of the memories whose module declares none (default ff-gated); a PE's or an NPU's memories have
   * theirs from its parameters. Every kind is reported in `byMemoryKind`.
   */
  memory?: MemoryKind;
  /** The SRAM kind's supply, V (default 1.8, the characterized corner; others from sram-voltage.ts's model). */
  sramVoltage?: number;
  log?: (m: string) => void;
}

interface LogicPart {
  module: string;
  group: string;
  synth: SynthResult;
  net: Netlist;
  text: string;
  ids: Map<string, string>;
  boxes: BoxInstance[];
}

export const MEMORY_GROUP = 'memories';

export type Mapping = 'timing' | 'area';

/** The parts of a module's hierarchy, synthesized: logic parts by module name, and the memories. */
async function synthesizeParts(
  d: ModuleDesign,
  lib: CellLibrary,
  log: (m: string) => void,
  target: MappingTarget | undefined,
): Promise<{ logic: Map<string, Omit<LogicPart, 'text' | 'ids' | 'boxes'>>; memories: Map<string, MemoryDecl & { top: string }> }> {
  const logic = new Map<string, Omit<LogicPart, 'text' | 'ids' | 'boxes'>>();
  const memories = new Map<string, MemoryDecl & { top: string }>();
  const part = async (module: string, group: string, synth: () => Promise<SynthResult>) => {
    if (logic.has(module)) return;
    log(`synthesizing ${module} (${group})`);
    const s = await synth();
    logic.set(module, { module, group, synth: s, net: readNetlist(s.netlist) });
  };
  const visit = async (md: ModuleDesign) => {
    const boxed = [...Object.values(md.children).map((c) => c.top), ...md.submodules.map((s) => s.top), ...md.memories.map((m) => m.top)];
    await part(md.top, md.costGroup, () =>
      synthesize({ top: md.top, sources: md.sources }, lib, { blackboxes: [...new Set(boxed)], target }),
    );
    for (const decl of getModule(md.unit).params) {
      if (decl.kind !== 'unit') continue;
      const child = md.children[decl.name];
      if (child) await part(child.top, decl.costGroup ?? decl.name, () => synthesize(child, lib, { target }));
    }
    for (const s of md.submodules) await visit(s);
    for (const m of md.memories) memories.set(m.top, m);
  };
  await visit(d);
  return { logic, memories };
}

export interface PartToggles {
  /** Hierarchical: part instances whose gate-level outputs differed from the RTL's (port-trace.ts). */
  mismatches?: OutputMismatch[];
  cycles: number;
  /** Toggles per netlist bit by part, its instances summed. */
  counts: Map<string, Map<string, number>>;
  /** The memories' accesses in the counted work (an RTL run: the probed one, or one beside a whole-chip simulation). */
  accesses: AccessCounts;
  seconds: number;
}

export type Drive = (s: ModuleSession) => Promise<{ cycles: number }>;

type Builds = ModuleCost['simulation']['builds'];

/** A gate-level toggle simulation, built: what it built, and its run under the caller's work. */
interface PartSimulation {
  kind: GateSimulation;
  builds: Builds;
  /** `only`: a range of the part instances (hierarchical only: a shard replays its range). */
  run(drive: Drive, only?: { first: number; end: number }): Promise<PartToggles>;
}

/** The memories' RTL, uninstrumented (costed per bit, not by their toggles). */
const uncounted = (text: string) => `/*verilator coverage_off*/\n${text}\n/*verilator coverage_on*/\n`;

/**
 * The reference: the mapped parts put back together, one wire per bit, around the memories' RTL, Verilated
 * whole with toggle coverage and driven through the module's own harness.
 */
async function wholeChipSimulation(s: CostSetup): Promise<PartSimulation> {
  const { d, logic, memories, log } = s;
  // Toggles are counted on the parts' nets only: the cells' insides and the memories' arrays are not
  // instrumented (they would multiply the simulator's code without adding a count that is used).
  const sources: Record<string, string> = { 'cells.v': uncounted(s.cellModels) };
  for (const p of logic.values()) sources[`${p.module}.gate.v`] = p.text;
  for (const m of memories.keys()) sources[`${m}.v`] = uncounted(d.sources[`${m}.v`]!);
  log(`Verilating the gate-level ${d.top} with toggle coverage`);
  // A gate-level hierarchy is large to compile and the costed runs are short: light C++ optimisation.
  // OPT_FAST=-O1 builds a gate-level 16-PE NPU in 248 s instead of 421 s (-O0: 199 s, but twice as slow to run).
  const [build, probe] = await Promise.all([
    buildModuleHarness({ top: d.top, sources, ports: d.ports }, log, {
      flags: ['--coverage-toggle', ...GATE_LEVEL_MAKEFLAGS],
      cxxFlags: '-O0 -std=c++17',
    }),
    buildAccessProbe(d, logic, boxOutputsOf(s), memoryReadsOf(s), log),
  ]);
  return {
    kind: 'whole-chip',
    builds: [
      { top: d.top, cached: build.cached, seconds: build.seconds },
      { top: `${d.top} (RTL, memory accesses probed)`, cached: probe.rtl.cached, seconds: probe.rtl.seconds },
    ],
    async run(drive) {
      const work = mkdtempSync(join(tmpdir(), 'axhw-module-cost-'));
      const t0 = performance.now();
      try {
        const file = join(work, 'coverage.dat');
        const session = await ModuleSession.open({ top: d.top, sources, ports: d.ports }, log, build, { AXHW_COVERAGE_FILE: file });
        let cycles: number;
        try {
          ({ cycles } = await drive(session));
          await session.coverage('write');
        } finally {
          await session.close();
        }
        // Verilator merges the points of a module's instances, their counts summed (readToggleCoverageByModule).
        const counts = new Map<string, Map<string, number>>();
        for (const [module, entries] of readToggleCoverageByModule(readFileSync(file, 'latin1'))) {
          const p = logic.get(module);
          if (p) counts.set(module, countsByBit(p.ids, entries));
        }
        // The same work again on the RTL, for the memories' access counts.
        const accesses = await probeAccesses(probe, drive, log);
        return { cycles, counts, accesses, seconds: (performance.now() - t0) / 1000 };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

/** The output pins of every black-boxed module: the logic parts' and the memories'. */
function boxOutputsOf(s: CostSetup): Map<string, readonly string[]> {
  const boxOutputs = new Map<string, readonly string[]>();
  for (const p of s.logic.values())
    boxOutputs.set(
      p.module,
      p.net.ports.filter((q) => q.direction === 'output').map((q) => q.name),
    );
  for (const m of s.memories.values()) boxOutputs.set(m.top, memoryOutputs(m));
  return boxOutputs;
}

const memoryReadsOf = (s: CostSetup) => new Map([...s.memories.values()].map((m) => [m.top, m.reads]));

/**
 * Each distinct part alone, on what each of its instances saw in an RTL run (port-trace.ts); `instances` is how
 * many part instances it replays, and `run` may replay a range of them (a shard: its counts are that range's).
 */
export async function hierarchicalSimulation(s: CostSetup, o: ModuleCostOptions): Promise<PartSimulation & { instances: number }> {
  const b = await buildHierarchical(s.d, s.logic, boxOutputsOf(s), s.cellModels, s.log, {
    liberty: libraryOf(s.lib).liberty,
    simulator: o.replay,
    memoryReads: memoryReadsOf(s),
  });
  const built = (top: string, h: HarnessBuild) => ({ top, cached: h.cached, seconds: h.seconds });
  return {
    kind: 'hierarchical',
    builds: [
      built(`${s.d.top} (RTL, probed)`, b.rtl),
      ...[...b.parts].map(([m, p]) =>
        p.kind === 'verilator'
          ? built(m, p.build)
          : { top: `${m} (JavaScript from the Liberty functions)`, cached: false, seconds: p.seconds },
      ),
    ],
    instances: b.instances.length,
    run: (drive, only) => hierarchicalToggles(b, drive, s.log, only),
  };
}

/** Everything a cost needs before a simulation: the library, the synthesized parts, their instances, the timing. */
export interface CostSetup {
  d: ModuleDesign;
  lib: CellLibrary & { cells: string };
  clockNs: number;
  log: (m: string) => void;
  logic: Map<string, LogicPart>;
  memories: Map<string, MemoryDecl & { top: string }>;
  boxedNames: Set<string>;
  instances: Map<string, number>;
  timing: ModuleCost['timing'];
  cellModels: string;
}

export async function costSetup(d: ModuleDesign, o: ModuleCostOptions): Promise<CostSetup> {
  const lib = resolveLibrary(o.lib, o.cells);
  const cells = lib.cells;
  if (!cells)
    throw new AxhwError(
      `No Verilog cell models are known for ${lib.liberty}.`,
      'Give them with --cells <file.v> (the models of the same library).',
    );
  const clockNs = o.clockNs ?? MODULE_CLOCK_NS;
  if (!(clockNs > 0))
    throw new AxhwError(
      `--clock-ns must be a positive number of nanoseconds, not ${clockNs}.`,
      `Give a period above 0, e.g. --clock-ns ${MODULE_CLOCK_NS}.`,
    );
  const log = o.log ?? (() => {});
  const mapping = o.mapping ?? 'timing';
  const target = mapping === 'timing' ? mappingTarget(libraryOf(lib).liberty, lib.liberty, o.mappingClockNs ?? clockNs) : undefined;
  const { logic: synthesized, memories } = await synthesizeParts(d, lib, log, target);
  const boxedNames = new Set([...synthesized.keys(), ...memories.keys()]);
  log('timing the whole hierarchy (OpenSTA)');
  const timing = await timeHierarchy(d, synthesized, memories, lib, clockNs, d.ports.clock, target);
  const logic = new Map<string, LogicPart>();
  for (const [module, p] of synthesized) logic.set(module, { ...p, ...simulationNetlist(p.net, { module, boxed: boxedNames }) });

  // Every instance's scope in the hierarchy, from the top down.
  const scopes = new Map<string, string>();
  const walk = (scope: string, module: string) => {
    scopes.set(scope, module);
    for (const b of logic.get(module)?.boxes ?? []) walk(`${scope}.${b.local}`, b.module);
  };
  walk(`TOP.${d.top}`, d.top);
  const instances = new Map<string, number>();
  for (const m of scopes.values()) instances.set(m, (instances.get(m) ?? 0) + 1);
  for (const m of memories.keys())
    if (!instances.has(m))
      throw new AxhwError(
        `Memory ${m} is declared by ${d.top} but not instantiated in its netlist.`,
        'Instantiate every declared memory in the template.',
      );
  const cellsUsed = new Set<string>();
  for (const p of logic.values()) for (const i of p.net.instances) if (!boxedNames.has(i.cell)) cellsUsed.add(i.cell);
  const cellModels = cellModelsFor(readFileSync(cells, 'utf8'), cellsUsed, cells, libraryOf(lib).liberty);
  return { d, lib: { ...lib, cells }, clockNs, log, logic, memories, boxedNames, instances, timing, cellModels };
}

/** The memories' reference register files and clock-gated banks, characterised (memory-cost.ts, memory-kinds.ts). */
export interface MemoryModels {
  models: Map<number, MemoryCharacterisation>;
  gated: Map<string, MemoryActions>;
}

/** `build` (a simulation's build, or nothing) and the memories' models characterised beside it. */
export async function withMemoryModels<T>(s: CostSetup, build: Promise<T>): Promise<MemoryModels & { built: T }> {
  const reads = [...new Set([...s.memories.values()].map((m) => m.reads))];
  const shapes = new Map(
    [...s.memories.values()].filter((m) => m.costed).map((m) => [shapeOf(m), { ...m, depth: gatedBank(m.depth).words }]),
  );
  const characterised = Promise.all(
    reads.map((r) => {
      s.log(`characterising the reference register file (${r} read ports)`);
      return characteriseMemory(r, s.lib, s.clockNs);
    }),
  );
  const [built, models] = await Promise.all([build, characterised]);
  // One at a time after the builds: each is a synthesis and three simulations of a file of the memory's size.
  const gated = new Map<string, MemoryActions>();
  for (const [shape, m] of shapes) {
    s.log(`characterising a clock-gated ${m.width} x ${m.depth} register file (bank)`);
    gated.set(shape, await characteriseGatedMemory(m.width, m.depth, m.reads, s.lib, s.clockNs));
  }
  return { built, models: new Map(reads.map((r, i) => [r, models[i]!])), gated };
}

/** How the SRAM kind's supply was modelled, in words. */
function sramSupply(v: number): string {
  return (
    `at ${v} V from the power-law supply model of the 1.8, 3.3 and 5.0 V corners (sram-voltage.ts)` +
    (sramMacros(v).extrapolated ? ', an extrapolation outside them' : '')
  );
}

/** The gated bank a memory is built of (memory-kinds.ts), as a key. */
const shapeOf = (m: { width: number; depth: number; reads: number }) => `${m.width}x${gatedBank(m.depth).words}r${m.reads}`;

/** The accesses of a memory module's instances, summed (every instance of `top`). */
function accessesOf(top: string, a: AccessCounts): NonNullable<CostPart['memory']>['accesses'] {
  const byInstance = a.memories.filter((m) => m.module === top);
  const sum = (f: (m: MemoryAccessCount) => number) => byInstance.reduce((n, m) => n + f(m), 0);
  return {
    reads: sum((m) => m.reads[0] ?? 0),
    writes: sum((m) => m.writes),
    readWrites: sum((m) => m.readWrites),
    idle: sum((m) => m.idle),
  };
}

/** The memories and the total under each memory kind per unit of work (`n` inferences in the costed run), pJ. */
export function perInferenceByMemoryKind(c: ModuleCost, n: number): Record<MemoryKind, { memories: number; total: number }> {
  const pj = (j: number) => (j / n) * 1e12;
  return Object.fromEntries(
    MEMORY_KINDS.map((k) => [k, { memories: pj(c.byMemoryKind[k].memories.energyJ), total: pj(c.byMemoryKind[k].total.energyJ) }]),
  ) as Record<MemoryKind, { memories: number; total: number }>;
}

/**
 * What the totals assume of the costed memories: the kind of all of them, or `mixed` (with `fallback` where
 * none is costed), and in words, per role where the kinds differ.
 */
function memoryKindsOf(parts: readonly CostPart[], fallback: MemoryKind): { kind: TotalsMemoryKind; words: string } {
  const roles = new Map<MemoryKind, Set<string>>();
  for (const p of parts) if (p.memory?.costed) roles.set(p.memory.kind, (roles.get(p.memory.kind) ?? new Set()).add(p.memory.role));
  const kinds = [...roles.keys()];
  if (kinds.length > 1)
    return { kind: 'mixed', words: [...roles].map(([k, r]) => `${[...r].join(', ')} as ${k}: ${MEMORY_KIND_METHODS[k]}`).join('; ') };
  const [k] = kinds;
  return { kind: k ?? fallback, words: k ? `memories as ${k}: ${MEMORY_KIND_METHODS[k]}` : 'no costed memories' };
}

/** The kind of the memories whose module declares none: the option's, checked. */
export function fallbackKindOf(o: ModuleCostOptions): MemoryKind {
  const kind = o.memory ?? DEFAULT_MEMORY_KIND;
  if (!(MEMORY_KINDS as readonly string[]).includes(kind))
    throw new AxhwError(`Unknown memory kind '${kind}'.`, `Give one of ${MEMORY_KINDS.join(', ')}.`);
  return kind;
}

/** Cost a module under the work `drive` runs on its gate-level simulation (see the interface above). */
export async function costModule(d: ModuleDesign, o: ModuleCostOptions, drive: Drive): Promise<ModuleCost> {
  fallbackKindOf(o);
  const setup = await costSetup(d, o);
  const { built: sim, ...memoryModels } = await withMemoryModels(
    setup,
    o.simulation === 'whole-chip' ? wholeChipSimulation(setup) : hierarchicalSimulation(setup, o),
  );
  const run = await sim.run(drive);
  return priceParts(setup, o, memoryModels, { kind: sim.kind, builds: sim.builds }, run);
}

/** Areas, energies and timing of the module from its counted toggles and accesses (Liberty energies, memory models). */
export function priceParts(
  setup: CostSetup,
  o: ModuleCostOptions,
  { models, gated }: MemoryModels,
  sim: { kind: GateSimulation; builds: Builds },
  run: PartToggles,
): ModuleCost {
  const { clockNs, logic, memories, boxedNames, instances, timing } = setup;
  const { energy } = libraryOf(setup.lib);
  const fallbackKind = fallbackKindOf(o);
  const { cycles, counts } = run;
  if (!(cycles > 0)) throw new AxhwError('The costed run counted no clock cycles.', 'Run some work after zeroing the counts.');

  // Logic: each module's toggles through the Liberty file, the counts of its instances summed (energy is
  // linear in toggles), with the leakage of every instance of it.
  const energyOf = new Map<string, number>();
  const leakageOf = new Map<string, number>();
  for (const [module, bits] of counts) {
    const p = logic.get(module);
    if (!p) continue; // the memories' RTL
    const cellsOnly: Netlist = { ...p.net, instances: p.net.instances.filter((i) => !boxedNames.has(i.cell)) };
    const sp = simulatedPower(cellsOnly, energy, bits, cycles, clockNs);
    leakageOf.set(module, (instances.get(module) ?? 0) * sp.power.leakage);
    energyOf.set(module, sp.energy.total + leakageOf.get(module)! * cycles * clockNs * 1e-9);
  }
  const parts: CostPart[] = [];
  for (const p of logic.values()) {
    parts.push({
      module: p.module,
      group: p.group,
      kind: 'logic',
      instances: instances.get(p.module) ?? 0,
      area: p.synth.area,
      cells: p.synth.cells,
      flipFlops: p.synth.flipFlops,
      energyJ: energyOf.get(p.module) ?? 0,
      leakageW: leakageOf.get(p.module) ?? 0,
      netlist: p.synth.netlist,
    });
  }
  // Memories: under every kind (memory-kinds.ts), the counted accesses of their instances.
  for (const m of memories.values()) {
    const model = models.get(m.reads)!;
    const bits = m.width * m.depth;
    const n = instances.get(m.top)!;
    const accesses = accessesOf(m.top, run.accesses);
    const use = { instances: n, cycles, reads: accesses.reads, writes: accesses.writes };
    const byActions = (a: MemoryActions) => ({
      energyJ: accessEnergy(a, use, clockNs),
      leakageW: n * a.leakageW,
      area: a.area,
      actions: a,
    });
    const none = { energyJ: 0, leakageW: 0, area: 0 };
    const kinds: Record<MemoryKind, { energyJ: number; leakageW: number; area: number; actions?: MemoryActions }> = m.costed
      ? {
          sram: byActions(sramActions(m.width, m.depth, o.sramVoltage)),
          'ff-gated': byActions(gatedActions(gated.get(shapeOf(m))!, m.depth)),
          'ff-ungated': {
            energyJ: ungatedEnergy(bits, n, cycles, model),
            leakageW: n * bits * model.leakagePerBit,
            area: bits * model.areaPerBit,
          },
        }
      : { sram: none, 'ff-gated': none, 'ff-ungated': none };
    const kind = m.kind ?? fallbackKind;
    const chosen = kinds[kind];
    parts.push({
      module: m.top,
      group: MEMORY_GROUP,
      kind: 'memory',
      instances: n,
      area: chosen.area,
      cells: 0,
      flipFlops: m.costed && kind !== 'sram' ? bits : 0,
      energyJ: chosen.energyJ,
      leakageW: chosen.leakageW,
      memory: { role: m.role, width: m.width, depth: m.depth, bits, costed: m.costed, model, kind, accesses, kinds },
    });
  }
  const memoryKinds = memoryKindsOf(parts, fallbackKind);
  const groups: ModuleCost['groups'] = {};
  for (const p of parts) {
    const g = (groups[p.group] ??= { area: 0, energyJ: 0 });
    g.area += p.area * p.instances;
    g.energyJ += p.energyJ;
  }
  const total = Object.values(groups).reduce((t, g) => ({ area: t.area + g.area, energyJ: t.energyJ + g.energyJ }), {
    area: 0,
    energyJ: 0,
  });
  const logicTotal = Object.entries(groups)
    .filter(([g]) => g !== MEMORY_GROUP)
    .reduce((t, [, g]) => ({ area: t.area + g.area, energyJ: t.energyJ + g.energyJ }), { area: 0, energyJ: 0 });
  const byMemoryKind = Object.fromEntries(
    MEMORY_KINDS.map((k) => {
      const mem = parts
        .filter((p) => p.memory)
        .reduce((t, p) => ({ area: t.area + p.memory!.kinds[k].area * p.instances, energyJ: t.energyJ + p.memory!.kinds[k].energyJ }), {
          area: 0,
          energyJ: 0,
        });
      return [
        k,
        {
          method:
            k === 'sram' && o.sramVoltage !== undefined
              ? `${MEMORY_KIND_METHODS[k]}; ${sramSupply(o.sramVoltage)}`
              : MEMORY_KIND_METHODS[k],
          memories: mem,
          total: { area: logicTotal.area + mem.area, energyJ: logicTotal.energyJ + mem.energyJ },
        },
      ];
    }),
  ) as ModuleCost['byMemoryKind'];
  const cellCount = [...logic.values()].reduce((n, p) => n + p.synth.cells * (instances.get(p.module) ?? 0), 0);
  return {
    top: setup.d.top,
    library: { name: setup.lib.name, liberty: setup.lib.liberty },
    clockNs,
    cycles,
    parts,
    groups,
    total,
    memoryKind: memoryKinds.kind,
    byMemoryKind,
    accesses: run.accesses,
    sramSupply: { voltage: o.sramVoltage ?? 1.8, extrapolated: sramMacros(o.sramVoltage).extrapolated },
    timing,
    simulation: {
      kind: sim.kind,
      cells: cellCount,
      builds: sim.builds,
      seconds: run.seconds,
      ...(run.mismatches ? { outputMismatches: run.mismatches } : {}),
    },
    method:
      `gate-level zero-delay toggle simulation of the synthesized parts (${SIMULATION_METHODS[sim.kind]}), Liberty ` +
      `energies per toggle (sim-power.ts); ${memoryKinds.words} (memory-kinds.ts; every kind in byMemoryKind)`,
  };
}

/**
 * The costed run's memories as SRAM macros, the roles in `scaled` at supply `voltage` (V; undefined: as
 * characterized, 1.8 V) and the rest at 1.8 V: energy over the counted cycles (J), from each memory's counted
 * accesses (the logic is untouched; e.g. NTV weight storage: the weight memories scaled, activations and program
 * at nominal).
 */
export function sramMemoriesAt(
  c: ModuleCost,
  scaled: (role: string) => boolean,
  voltage: number | undefined,
): { energyJ: number; scaledJ: number } {
  let energyJ = 0;
  let scaledJ = 0;
  for (const p of c.parts) {
    const m = p.memory;
    if (!m?.costed) continue;
    const use = { instances: p.instances, cycles: c.cycles, reads: m.accesses.reads, writes: m.accesses.writes };
    const atScale = scaled(m.role);
    const e = accessEnergy(sramActions(m.width, m.depth, atScale ? voltage : undefined), use, c.clockNs);
    energyJ += e;
    if (atScale) scaledJ += e;
  }
  return { energyJ, scaledJ };
}
