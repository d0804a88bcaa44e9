import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ModuleDesign } from '../gen/generate-module.js';
import { AxhwError } from '../errors.js';
import { sha256Plain } from '../util/hash.js';
import { shardRange, type ShardSpec } from '../shard/shard-spec.js';
import { addToggles } from './port-trace.js';
import {
  costSetup,
  fallbackKindOf,
  hierarchicalSimulation,
  priceParts,
  withMemoryModels,
  type CostSetup,
  type Drive,
  type ModuleCost,
  type ModuleCostOptions,
} from './module-cost.js';

/**
 * A module's cost cut into shards by part instance (docs/scale-out.md). The gate-level toggles of the part
 * instances are independent once the RTL run has recorded what each saw (port-trace.ts), and they are integers
 * that sum exactly: every shard runs the same RTL work, replays its range of the instances, and returns their
 * counts; the merge sums them and prices the sum once, the same code as the unsharded cost (priceParts), so
 * its result is the unsharded one. Cutting by samples would not be: an inference's toggles depend on the
 * state the one before left in the gates.
 */
export const toggleCountsPartSchema = z.object({
  /** Clock cycles of the counted work (every shard's RTL run is the whole work: they must agree). */
  cycles: z.number().int().positive(),
  /** Toggles per netlist bit of each part, the shard's instances summed. */
  counts: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  /** sha256 of each logic part's mapped netlist: the merge's synthesis must be the one the shards counted on. */
  netlists: z.record(z.string(), z.string()),
  mismatches: z.array(
    z.object({ instance: z.string(), module: z.string(), evals: z.number().int(), record: z.number().int(), output: z.string() }),
  ),
  accesses: z.object({
    edges: z.number().int(),
    memories: z.array(
      z.object({
        instance: z.string(),
        module: z.string(),
        reads: z.array(z.number().int()),
        writes: z.number().int(),
        readWrites: z.number().int(),
        idle: z.number().int(),
      }),
    ),
  }),
  builds: z.array(z.object({ top: z.string(), cached: z.boolean(), seconds: z.number() })),
  seconds: z.number(),
});
export type ToggleCountsPart = z.infer<typeof toggleCountsPartSchema>;

/** What the parts count: the plan's unit. */
export const PART_INSTANCE_UNIT = 'gate-level part instances replayed';

const netlistHashes = (s: CostSetup): Record<string, string> =>
  Object.fromEntries([...s.logic.values()].map((p) => [p.module, sha256Plain(readFileSync(p.synth.netlist))]));

function refuseWholeChip(o: ModuleCostOptions): void {
  if (o.simulation === 'whole-chip')
    throw new AxhwError(
      'The whole-chip simulation cannot be cut into shards: it simulates every instance in one process.',
      'Drop --whole-chip: shards replay the part instances hierarchically, which gives the same counts.',
    );
}

/**
 * Shard `shard` of the cost: the RTL runs the whole work, the shard's range of the part instances is replayed.
 * `units` is the plan's size (the part instances); `part` is null for a shard with no instances (more shards than instances).
 */
export async function costModulePart(
  d: ModuleDesign,
  o: ModuleCostOptions,
  drive: Drive,
  shard: ShardSpec,
): Promise<{ units: number; part: ToggleCountsPart | null }> {
  refuseWholeChip(o);
  fallbackKindOf(o);
  const setup = await costSetup(d, o);
  const sim = await hierarchicalSimulation(setup, o);
  const range = shardRange(sim.instances, shard);
  if (range.end === range.first) return { units: sim.instances, part: null };
  const run = await sim.run(drive, range);
  const counts = Object.fromEntries([...run.counts].map(([m, bits]) => [m, Object.fromEntries(bits)]));
  return {
    units: sim.instances,
    part: {
      cycles: run.cycles,
      counts,
      netlists: netlistHashes(setup),
      mismatches: run.mismatches ?? [],
      accesses: run.accesses,
      builds: sim.builds,
      seconds: run.seconds,
    },
  };
}

/**
 * The cost from its parts (in shard order): the counts summed, priced once. Every part's RTL run must have
 * counted the same cycles and accesses, and the synthesis here must give the netlists the parts counted on.
 */
export async function costModuleFromParts(d: ModuleDesign, o: ModuleCostOptions, parts: readonly ToggleCountsPart[]): Promise<ModuleCost> {
  refuseWholeChip(o);
  fallbackKindOf(o);
  const [first] = parts;
  if (!first) throw new AxhwError('No part replayed any instance.', 'Merge the parts of a plan with at least one part instance.');
  for (const p of parts)
    if (p.cycles !== first.cycles || !isDeepStrictEqual(p.accesses, first.accesses))
      throw new AxhwError(
        'The parts ran different work on the RTL (their cycles or memory accesses differ).',
        'Run every shard with the same axhw, model, data and options, then merge again.',
      );
  const setup = await costSetup(d, o);
  const hashes = netlistHashes(setup);
  for (const p of parts)
    for (const [module, hash] of Object.entries(p.netlists))
      if (hashes[module] !== hash)
        throw new AxhwError(
          `The netlist of ${module} synthesized for the merge is not the one the shards counted toggles on.`,
          'Merge with the same axhw, Yosys and cell library the shards used (their synthesis cache shared, or the same tools).',
        );
  const counts = new Map<string, Map<string, number>>();
  for (const p of parts) for (const [module, bits] of Object.entries(p.counts)) addToggles(counts, module, Object.entries(bits));
  const { built: _, ...memoryModels } = await withMemoryModels(setup, Promise.resolve(undefined));
  return priceParts(
    setup,
    o,
    memoryModels,
    { kind: 'hierarchical', builds: first.builds },
    {
      cycles: first.cycles,
      counts,
      accesses: first.accesses,
      mismatches: parts.flatMap((p) => p.mismatches),
      seconds: parts.reduce((t, p) => t + p.seconds, 0),
    },
  );
}
