import { z } from 'zod';
import { AxhwError } from '../errors.js';
import type { MemoryKind } from '../synth/memory-kind.js';
import type { NpuCostRecord } from './npu-report.js';

/**
 * Accelergy's energy reference table (ERT) and area reference table (ART), format version 0.3 (as Accelergy
 * writes them: `ERT: {version, tables: [{name, actions: [{name, arguments, energy}]}]}`, `ART: {version,
 * tables: [{name, area}]}`; energy in pJ, area in um^2), from an `npu cost` record: what each component of the
 * NPU costs per action, measured at gate level on the network's own inferences, so that Timeloop / Accelergy
 * users can evaluate other mappings with the energies of an approximate multiplier under real operands.
 *
 * Per action (all at the record's clock, leakage included, so counts x energies give the record's total):
 * - multiplier `multiply`, PE datapath `mac` (accumulate, and the bias, ReLU and requantisation of each
 *   output amortised over its products): their energy over the run / the MAC steps (a MAC step reads the PE's
 *   weight memory once, so the steps are its counted reads); control `cycle`: its energy / cycles;
 * - a memory `read`, `write` and `idle`: the energy of a cycle with that access under the chosen memory kind
 *   (memory-kinds.ts), its leakage over the cycle included.
 */
export const ERT_VERSION = 0.3;

const action = z.strictObject({ name: z.string(), arguments: z.null(), energy: z.number().nonnegative() });
export const ertSchema = z.strictObject({
  ERT: z.strictObject({
    version: z.literal(ERT_VERSION),
    tables: z.array(z.strictObject({ name: z.string(), actions: z.array(action).min(1) })).min(1),
  }),
});
export const artSchema = z.strictObject({
  ART: z.strictObject({
    version: z.literal(ERT_VERSION),
    tables: z.array(z.strictObject({ name: z.string(), area: z.number().nonnegative() })).min(1),
  }),
});
export type Ert = z.infer<typeof ertSchema>;
export type Art = z.infer<typeof artSchema>;

type Part = NpuCostRecord['parts'][number];

/** A component's name in the hierarchy: `npu.PE[0..15].weight_memory`. */
const snake = (role: string) =>
  role
    .replace(/\(.*\)/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

/** The ERT and ART of the NPU an `npu cost` record costed, its memories as `kind`. */
export function accelergyTables(c: NpuCostRecord, kind: MemoryKind): { ert: Ert; art: Art } {
  if (!c.memoryKind || !c.parts.every((p) => !p.memory?.costed || (p.memory.kinds?.[kind] && p.memory.accesses)))
    throw new AxhwError(
      'This npu cost record has no memory kinds or access counts (it was written before they were measured).',
      'Run `axhw npu cost` again with this version and give its -o file.',
    );
  const pe = c.parts.find((p) => p.group === 'datapath' && !p.memory);
  const mult = c.parts.find((p) => p.group === 'multiplier');
  const control = c.parts.find((p) => p.group === 'control');
  if (!pe || !mult || !control)
    throw new AxhwError(
      `The record costs ${c.parts.map((p) => p.group).join(', ')}: not an NPU's control, datapath and multiplier.`,
      'Give the -o file of `axhw npu cost`.',
    );
  const P = pe.instances;
  const inPe = (p: Part) => p.module.startsWith(`${pe.module}_`);
  const peName = P > 1 ? `npu.PE[0..${P - 1}]` : 'npu.PE';
  const weights = c.parts.find((p) => inPe(p) && p.memory?.role === 'weight memory');
  const macSteps = weights?.memory?.accesses?.reads ?? 0;
  if (!(macSteps > 0)) throw new AxhwError('The record counts no MAC steps (weight-memory reads).', 'Cost a run of at least one sample.');
  const pj = (j: number) => j * 1e12;
  const clockS = c.clockNs * 1e-9;
  const ert: Ert['ERT']['tables'] = [
    { name: `${peName}.multiplier`, actions: [{ name: 'multiply', arguments: null, energy: pj(mult.energyJ / macSteps) }] },
    { name: `${peName}.datapath`, actions: [{ name: 'mac', arguments: null, energy: pj(pe.energyJ / macSteps) }] },
    { name: 'npu.control', actions: [{ name: 'cycle', arguments: null, energy: pj(control.energyJ / c.cycles) }] },
  ];
  const art: Art['ART']['tables'] = [
    { name: `${peName}.multiplier`, area: mult.area * (mult.instances / P) },
    { name: `${peName}.datapath`, area: pe.area },
    { name: 'npu.control', area: control.area },
  ];
  for (const p of c.parts) {
    const m = p.memory;
    if (!m?.costed) continue;
    const name = `${inPe(p) ? peName : 'npu'}.${snake(m.role)}`;
    const k = m.kinds![kind];
    // A cycle of each access, per instance: the kind's per-action energies (memory-kinds.ts), or for the
    // ungated bound its every-cycle energy.
    const actions = k.actions;
    const idle = actions ? actions.idleJ + actions.leakageW * clockS : k.energyJ / (p.instances * c.cycles);
    const read = actions ? idle + actions.readJ : idle;
    const write = actions ? idle + actions.writeJ : idle;
    ert.push({
      name,
      actions: [
        { name: 'read', arguments: null, energy: pj(read) },
        { name: 'write', arguments: null, energy: pj(write) },
        { name: 'idle', arguments: null, energy: pj(idle) },
      ],
    });
    art.push({ name, area: k.area });
  }
  return { ert: { ERT: { version: ERT_VERSION, tables: ert } }, art: { ART: { version: ERT_VERSION, tables: art } } };
}
