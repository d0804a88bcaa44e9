import { describe, expect, it } from 'vitest';
import { dump, load } from 'js-yaml';
import { accelergyTables, artSchema, ertSchema } from '../../src/target/accelergy.js';
import type { NpuCostRecord } from '../../src/target/npu-report.js';
import { AxhwError } from '../../src/errors.js';

/**
 * The Accelergy tables of an `npu cost` record (format 0.3, as Accelergy writes them: see
 * Accelergy-Project/accelergy examples/hierarchy/output/reference/ERT.yaml and ART.yaml), on a record made
 * by hand: 2 PEs, 100 cycles at 10 ns, 40 MAC steps per PE.
 */
const gated = (idleJ: number, readJ: number, writeJ: number, leakageW: number, area: number) => ({
  energyJ: 0,
  leakageW,
  area,
  actions: { idleJ, readJ, writeJ, leakageW, area, source: 'by hand' },
});
const part = (module: string, group: string, instances: number, area: number, energyJ: number) => ({
  module,
  group,
  instances,
  area,
  cells: 10,
  energyJ,
  leakageW: 0,
});
const memory = (module: string, role: string, instances: number, reads: number, writes: number, costed = true) => ({
  ...part(module, 'memories', instances, 0, 0),
  memory: {
    role,
    depth: 16,
    width: 8,
    costed,
    kind: 'ff-gated' as const,
    accesses: { reads, writes, readWrites: 0, idle: instances * 100 - reads - writes },
    kinds: {
      sram: gated(2e-12, 8e-12, 9e-12, 1e-6, 5000),
      'ff-gated': gated(0, 3e-12, 20e-12, 2e-6, 3000),
      'ff-ungated': { energyJ: instances * 100 * 50e-12, leakageW: 1e-6, area: 4000 },
    },
  },
});
const record = (): NpuCostRecord =>
  ({
    format: 'axhw-npu-cost',
    version: 1,
    model: 'mlp',
    dataset: 'toy',
    npu: 'npu:mult=exact-mul:width=8,signed,p=2',
    top: 'npu_x',
    library: { name: 'osu018', liberty: 'osu018.lib' },
    clockNs: 10,
    cycles: 100,
    samples: 1,
    cyclesPerInference: 100,
    parts: [
      part('npu_x', 'control', 1, 900, 500e-12),
      part('mul_x', 'multiplier', 2, 300, 160e-12),
      part('pe_x', 'datapath', 2, 700, 240e-12),
      memory('pe_x_wmem', 'weight memory', 2, 80, 0),
      memory('pe_x_fmask', 'fault-mask memory (verification only)', 2, 80, 0, false),
      memory('npu_x_prog', 'program memory', 1, 10, 0),
      memory('npu_x_act0', 'activation buffer 0', 1, 30, 12),
    ],
    groups: {},
    total: { area: 0, energyJ: 0 },
    energyPerInferencePj: { total: 0 },
    compared: 1,
    timing: { delayNs: 5, slackNs: 5, memories: 'x' },
    memoryKind: 'ff-gated',
    method: 'by hand',
  }) as unknown as NpuCostRecord;

describe('Accelergy energy and area reference tables from an npu cost record', () => {
  it('names each component in the hierarchy and gives its per-action energies (pJ) and areas (um^2)', () => {
    const { ert, art } = accelergyTables(record(), 'ff-gated');
    const t = Object.fromEntries(ert.ERT.tables.map((x) => [x.name, Object.fromEntries(x.actions.map((a) => [a.name, a.energy]))]));
    expect(Object.keys(t)).toEqual([
      'npu.PE[0..1].multiplier',
      'npu.PE[0..1].datapath',
      'npu.control',
      'npu.PE[0..1].weight_memory',
      'npu.program_memory',
      'npu.activation_buffer_0',
    ]);
    // 80 MAC steps (the weight memories' reads): 160 pJ of multipliers, 240 pJ of datapath; 500 pJ over 100 cycles
    expect(t['npu.PE[0..1].multiplier']!.multiply).toBeCloseTo(2, 9);
    expect(t['npu.PE[0..1].datapath']!.mac).toBeCloseTo(3, 9);
    expect(t['npu.control']!.cycle).toBeCloseTo(5, 9);
    // gated: idle 0 + 2 uW x 10 ns = 0.02 pJ; a read 3 pJ over it, a write 20 pJ
    expect(t['npu.program_memory']).toEqual({
      read: expect.closeTo(3.02, 9),
      write: expect.closeTo(20.02, 9),
      idle: expect.closeTo(0.02, 9),
    });
    expect(art.ART.tables).toContainEqual({ name: 'npu.PE[0..1].multiplier', area: 300 });
    expect(art.ART.tables).toContainEqual({ name: 'npu.activation_buffer_0', area: 3000 });
    // the ungated bound: every action costs its every-cycle energy, 50 pJ
    const ungated = accelergyTables(record(), 'ff-ungated').ert.ERT.tables.find((x) => x.name === 'npu.program_memory')!;
    expect(ungated.actions.map((a) => a.energy)).toEqual([50, 50, 50].map((e) => expect.closeTo(e, 9)));
  });

  it('action counts x energies give back the energy the accesses were costed at (no cycle both reads and writes)', () => {
    const r = record();
    const { ert } = accelergyTables(r, 'sram');
    const energy = (name: string, action: string) =>
      ert.ERT.tables.find((x) => x.name === name)!.actions.find((a) => a.name === action)!.energy * 1e-12;
    const mem = (name: string, module: string) => {
      const p = r.parts.find((x) => x.module === module)!;
      const a = p.memory!.accesses!;
      return a.reads * energy(name, 'read') + a.writes * energy(name, 'write') + a.idle * energy(name, 'idle');
    };
    const k = (module: string) => r.parts.find((x) => x.module === module)!.memory!.kinds!.sram.actions!;
    // the access model (memory-kinds.ts): cycles x (idle + leakage) + reads x read + writes x write, per instance
    const model = (module: string, n: number, reads: number, writes: number) =>
      n * 100 * (k(module).idleJ + k(module).leakageW * 10e-9) + reads * k(module).readJ + writes * k(module).writeJ;
    expect(mem('npu.activation_buffer_0', 'npu_x_act0')).toBeCloseTo(model('npu_x_act0', 1, 30, 12), 20);
    expect(mem('npu.PE[0..1].weight_memory', 'pe_x_wmem')).toBeCloseTo(model('pe_x_wmem', 2, 80, 0), 20);
    expect(80 * energy('npu.PE[0..1].multiplier', 'multiply') + 100 * energy('npu.control', 'cycle')).toBeCloseTo(660e-12, 20);
  });

  it('round-trips through YAML and matches the format; the schema refuses what Accelergy would not read', () => {
    const { ert, art } = accelergyTables(record(), 'sram');
    const back = { ert: load(dump(ert)), art: load(dump(art)) };
    expect(ertSchema.parse(back.ert)).toEqual(ert);
    expect(artSchema.parse(back.art)).toEqual(art);
    expect(dump(ert)).toMatch(/^ERT:\n {2}version: 0\.3\n {2}tables:\n {4}- name: npu\.PE\[0\.\.1\]\.multiplier\n {6}actions:\n/);
    // negative controls: a table without its version, an action with a negative energy, an unknown field
    expect(ertSchema.safeParse({ ERT: { tables: ert.ERT.tables } }).success).toBe(false);
    const bad = structuredClone(ert);
    bad.ERT.tables[0]!.actions[0]!.energy = -1;
    expect(ertSchema.safeParse(bad).success).toBe(false);
    expect(artSchema.safeParse({ ART: { ...art.ART, unit: 'um^2' } }).success).toBe(false);
  });

  it('refuses a record written before memory kinds, naming the fix', () => {
    const old = { ...record(), memoryKind: undefined };
    expect(() => accelergyTables(old, 'sram')).toThrow(AxhwError);
    expect(() => accelergyTables(old, 'sram')).toThrow(
      expect.objectContaining({ fix: expect.stringMatching(/Run `axhw npu cost` again/) }),
    );
  });
});
