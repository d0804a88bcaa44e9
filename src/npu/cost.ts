import type { RunResult } from '../gen/module.js';
import { costModule, perInferenceByMemoryKind, type ModuleCost, type ModuleCostOptions } from '../synth/module-cost.js';
import { energyAtClock } from '../util/quantities.js';
import { AxhwError } from '../errors.js';
import { z } from 'zod';
import { costModulePart, costModuleFromParts, toggleCountsPartSchema } from '../synth/module-cost-parts.js';
import type { ShardSpec } from '../shard/shard-spec.js';
import type { ModuleSession } from '../cosim/module-session.js';
import { inputWords } from './compile.js';
import { compareBatch, loadCommands } from './run.js';
import type { NpuTarget } from './target.js';
import type { MemoryKind } from '../synth/memory-kind.js';
import { checkAccesses, modelAccesses } from './memory-accesses.js';

export interface NpuCost extends ModuleCost {
  samples: number;
  cyclesPerInference: number;
  /** Energy per inference by cost group, and in all, pJ. */
  energyPerInferencePj: Record<string, number> & { total: number };
  /**
   * Every layer's outputs of the simulated NPU (its RTL for a hierarchical estimate, its gates for a whole-chip
   * one) were compared with the integer reference (and equal).
   */
  compared: number;
  /**
   * The same run at the fastest clock the design meets (its critical path): the figures to quote when
   * the requested clock is not met (timing.slackNs < 0), and the achievable speed when it is.
   */
  atAchievableClock: { clockNs: number; energyPerInferencePj: Record<string, number> & { total: number } };
  /** The memories and the total per inference under each memory kind, pJ (the logic is the same under all). */
  energyPerInferenceByMemoryKind: Record<MemoryKind, { memories: number; total: number }>;
}

/**
 * Area and energy per inference of an NPU running a network (src/synth/module-cost.ts): the NPU is loaded
 * with the target's images, then runs `n` samples with its gate-level toggles counted; every layer's
 * outputs are compared with the target's expected outputs on the way, so the energy is that of a correct run.
 */
export async function npuCost(t: NpuTarget, x: Float32Array, n: number, o: ModuleCostOptions = {}): Promise<NpuCost> {
  const work = costedWork(t, x, n, o);
  const cost = await costModule(t.design, o, work.drive);
  return perInference(t, x, n, cost, work.compared());
}

/** A shard of npu cost's toggles (module-cost-parts.ts): the RTL checked as in the unsharded run, and its outputs compared. */
export const npuCostPartSchema = z.object({ toggles: toggleCountsPartSchema, compared: z.number().int().nonnegative() });
export type NpuCostPart = z.infer<typeof npuCostPartSchema>;

/** Shard `shard` of npuCost: the whole costed run on the RTL, its range of the part instances replayed at gate level. */
export async function npuCostPart(
  t: NpuTarget,
  x: Float32Array,
  n: number,
  o: ModuleCostOptions,
  shard: ShardSpec,
): Promise<{ units: number; part: NpuCostPart | null }> {
  const work = costedWork(t, x, n, o);
  const { units, part } = await costModulePart(t.design, o, work.drive, shard);
  return { units, part: part && { toggles: part, compared: work.compared() } };
}

/** npuCost from its parts (in shard order): what the unsharded run gives. */
export async function npuCostFromParts(
  t: NpuTarget,
  x: Float32Array,
  n: number,
  o: ModuleCostOptions,
  parts: readonly NpuCostPart[],
): Promise<NpuCost> {
  // Checked before the merge's synthesis and timing: a refusal should not wait for them.
  if (parts.some((p) => p.compared !== parts[0]!.compared))
    throw new AxhwError(
      'The parts compared different numbers of layer outputs on the RTL: they ran different work.',
      'Run every shard with the same axhw, model, data and options, then merge again.',
    );
  const cost = await costModuleFromParts(
    t.design,
    o,
    parts.map((p) => p.toggles),
  );
  return perInference(t, x, n, cost, parts[0]!.compared);
}

/** The costed work: load the images, zero the counts, run `n` samples, every layer compared with the reference. */
function costedWork(t: NpuTarget, x: Float32Array, n: number, o: ModuleCostOptions) {
  const { compiled, geo } = t;
  if (!(Number.isInteger(n) && n >= 1))
    throw new AxhwError(`The costed run needs at least one sample, not ${n}.`, 'Give --samples 1 or more.');
  const features = compiled.program.inputSize;
  let compared = 0;
  const drive = async (s: ModuleSession) => {
    await s.run(loadCommands(compiled, geo));
    await s.coverage('zero');
    const input: bigint[] = [];
    for (let i = 0; i < n; i++) input.push(...inputWords(x, i * features, features, compiled.inputExp, geo.format));
    const [resp] = await s.run([{ kind: 'run', cycles: n * compiled.cyclesPerInference * 4 + 100, dones: n, input }]);
    const r = (resp as { result: RunResult }).result;
    const found = compareBatch(
      r,
      t.expected(x.subarray(0, n * features), n),
      compiled,
      geo,
      0,
      n,
      0,
      new Int32Array(n),
      new Array<number>(n).fill(0),
    );
    if (found.mismatch) {
      const m = found.mismatch;
      throw new AxhwError(
        `The ${o.simulation === 'whole-chip' ? 'gate-level' : 'RTL'} NPU differs from the integer reference: ` +
          `sample ${m.sample}, layer ${m.layer} ` +
          `(${m.kind}), output ${m.neuron}, PE ${m.pe}, cycle ${m.cycle}: expected ${m.expected}, got ${m.got ?? 'nothing'} ` +
          `(${m.what}).`,
        o.simulation === 'whole-chip'
          ? 'The synthesized netlist does not do what the RTL does: report it with the multiplier and NPU parameters.'
          : 'The RTL does not compute what the integer reference does: report it with the multiplier and NPU parameters.',
      );
    }
    compared = found.compared;
    return { cycles: r.cycles };
  };
  return { drive, compared: () => compared };
}

/** The module cost of `n` inferences, checked against the transaction model, per inference. */
function perInference(t: NpuTarget, x: Float32Array, n: number, cost: ModuleCost, compared: number): NpuCost {
  // The memories' energies rest on their counted accesses: the RTL's must be the transaction model's.
  checkAccesses(cost.accesses, modelAccesses(t, x, n));
  if (cost.accesses.edges !== cost.cycles)
    throw new AxhwError(
      `The access count saw ${cost.accesses.edges} clock edges in a run of ${cost.cycles} cycles.`,
      'Report it: the probe trace and the run disagree.',
    );
  const pj = (j: number) => (j / n) * 1e12;
  const energyPerInferencePj = {
    ...Object.fromEntries(Object.entries(cost.groups).map(([g, v]) => [g, pj(v.energyJ)])),
    total: pj(cost.total.energyJ),
  };
  const achievable = energyAtClock(cost, cost.timing.delayNs);
  const atAchievableClock = {
    clockNs: cost.timing.delayNs,
    energyPerInferencePj: {
      ...Object.fromEntries(Object.entries(achievable.groups).map(([g, j]) => [g, pj(j)])),
      total: pj(achievable.total),
    },
  };
  const energyPerInferenceByMemoryKind = perInferenceByMemoryKind(cost, n);
  return {
    ...cost,
    samples: n,
    cyclesPerInference: cost.cycles / n,
    energyPerInferencePj,
    compared,
    atAchievableClock,
    energyPerInferenceByMemoryKind,
  };
}
