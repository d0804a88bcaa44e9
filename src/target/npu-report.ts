import { clockWarning, energyScale, timingPhrase, pct } from '../util/quantities.js';
import { z } from 'zod';
import { figure, table, text, type Block, type ResultDocument, type Section } from '../doc/document.js';
import { accuracy } from '../ir/classes.js';
import { referenceInference } from '../infer/reference.js';
import { Rng } from '../util/rng.js';
import { popcount } from '../util/bits.js';
import { networkTarget } from '../npu/target.js';
import type { NpuForModel } from './from-model.js';
import { multipliesPerInference, operandTrace, resultCodes } from '../npu/operand-trace.js';
import { faultMasks, runOnNpu, type NpuMismatch } from '../npu/run.js';
import type { NpuCost } from '../npu/cost.js';
import { MEMORY_KINDS, TOTALS_MEMORY_KINDS } from '../synth/memory-kind.js';
import { GATE_SIMULATIONS } from '../synth/module-cost.js';
import { MismatchError } from '../errors.js';

/**
 * The results of `axhw npu run` and `axhw npu cost` as records (JSON with a schema), and both as one
 * document for the Markdown and HTML reports. The CLI and the demo build them the same way here.
 */
const num = z.number();
const int = z.number().int();

export const npuMismatchSchema = z.strictObject({
  sample: int,
  layer: int,
  kind: z.string(),
  neuron: int,
  pe: int,
  cycle: num,
  expected: num.nullable(),
  got: num.optional(),
  what: z.string(),
});

/** What both records start with: the command that made them, and which network on which NPU. */
const recordHead = {
  version: z.literal(1),
  command: z.string().optional(),
  model: z.string(),
  dataset: z.string(),
  npu: z.string(),
  top: z.string(),
};

export const npuRunSchema = z.strictObject({
  format: z.literal('axhw-npu-run'),
  ...recordHead,
  samples: int,
  ntv: z.strictObject({ rate: num, seed: int, flippedBits: int }).optional(),
  bitExact: z.boolean(),
  comparedOutputs: int,
  mismatch: npuMismatchSchema.optional(),
  accuracyRtl: num.optional(),
  accuracyReference: num,
  /** measured: the first inference's; distinct: every count the inferences took. */
  cyclesPerInference: z.strictObject({ measured: num.optional(), distinct: z.array(num), model: num, allEqualModel: z.boolean() }),
  multipliesPerInference: int,
  simulatedCycles: num,
  seconds: num,
  inferencesPerSecond: num,
  operandTrace: z.strictObject({ file: z.string(), pairs: int, samples: int }).optional(),
});
export type NpuRunRecord = z.infer<typeof npuRunSchema>;

const part = z.object({
  module: z.string(),
  group: z.string(),
  instances: int,
  area: num,
  cells: num,
  energyJ: num,
  leakageW: num.optional(),
  memory: z
    .object({
      role: z.string(),
      depth: int,
      width: int,
      costed: z.boolean(),
      /** Absent in records written before memory kinds were added (all costed as ff-ungated). */
      kind: z.enum(MEMORY_KINDS).optional(),
      accesses: z.object({ reads: int, writes: int, readWrites: int, idle: int }).optional(),
      kinds: z
        .record(
          z.enum(MEMORY_KINDS),
          z.object({
            energyJ: num,
            leakageW: num,
            area: num,
            /** The access-based kinds' per-action energies (memory-kinds.ts). */
            actions: z.object({ idleJ: num, readJ: num, writeJ: num, leakageW: num, area: num, source: z.string() }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
const byKind = z.object({ memories: num, total: num });
export const npuCostSchema = z.object({
  format: z.literal('axhw-npu-cost'),
  ...recordHead,
  library: z.strictObject({ name: z.string(), liberty: z.string() }),
  clockNs: num,
  cycles: num,
  samples: int,
  cyclesPerInference: num,
  parts: z.array(part),
  groups: z.record(z.string(), z.strictObject({ area: num, energyJ: num })),
  total: z.strictObject({ area: num, energyJ: num }),
  energyPerInferencePj: z.record(z.string(), num),
  compared: int,
  /** `mapping` is absent in records written before timing-driven mapping (their parts were mapped for area). */
  timing: z.object({ delayNs: num, slackNs: num, memories: z.string(), mapping: z.string().optional() }),
  /** Absent in records written before it was added. */
  atAchievableClock: z.strictObject({ clockNs: num, energyPerInferencePj: z.record(z.string(), num) }).optional(),
  /** Absent in records written before memory kinds were added (memories costed as ff-ungated); `mixed`: see each memory part. */
  memoryKind: z.enum(TOTALS_MEMORY_KINDS).optional(),
  sramSupply: z.object({ voltage: num, extrapolated: z.boolean() }).optional(),
  energyPerInferenceByMemoryKind: z.strictObject({ sram: byKind, 'ff-gated': byKind, 'ff-ungated': byKind }).optional(),
  /** How the toggles were counted (module-cost.ts); absent in records written before it was added (whole chip). */
  simulation: z.object({ kind: z.enum(GATE_SIMULATIONS) }).optional(),
  method: z.string(),
});
export type NpuCostRecord = z.infer<typeof npuCostSchema>;

export interface NpuRunRequest {
  samples?: number;
  ntvRate?: number;
  seed?: number;
  jobs?: number;
  /** Write the operand pairs one PE's multiplier sees (for simulated power) here. */
  operandTraceFile?: string;
  command?: string;
  log?: (m: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** Run only samples [first, end) of the `samples` (a shard): the record counts those, its mismatch names the sample of the whole run. */
  range?: { first: number; end: number };
}

/** A shard's run: its record over its samples, and the counts the whole run's accuracies are made of. */
export interface NpuRunPart {
  record: NpuRunRecord;
  first: number;
  correctRtl: number;
  correctReference: number;
  /** The simulated cycles of each of its samples, in order (the whole run's first sample and distinct values). */
  cyclesMeasured: number[];
}

/** Stream test samples through the Verilated NPU, every layer compared with the integer reference. */
export async function npuRunRecord(
  n: NpuForModel,
  req: NpuRunRequest,
): Promise<{ record: NpuRunRecord; mismatch?: NpuMismatch; operandTraceNpy?: Uint8Array; part?: NpuRunPart }> {
  const test = n.data.test;
  const whole = req.samples ?? test.n;
  const { first, end } = req.range ?? { first: 0, end: whole };
  const samples = end - first;
  const features = test.x.length / test.n;
  const x = test.x.subarray(first * features, end * features);
  const rate = req.ntvRate;
  const seed = req.seed ?? 1;
  const clean = n.target;
  // NTV: the NPU holds the clean images and the fault port flips them into the drawn ones, which the reference runs.
  const q = rate ? n.withNtv({ rate, rng: new Rng(seed) }) : n.q;
  const t = rate ? networkTarget(q, clean) : clean;
  const masks = rate ? faultMasks(clean.compiled, t.compiled) : undefined;
  const r = await runOnNpu(t, x, samples, {
    faultMasks: masks,
    images: clean.compiled,
    jobs: req.jobs ?? 2,
    log: req.log,
    onProgress: req.onProgress,
  });
  const y = test.y.subarray(first, end);
  // Mismatches name the sample of the whole run (a shard's sample 0 is the run's sample `first`).
  if (r.mismatch) r.mismatch = { ...r.mismatch, sample: r.mismatch.sample + first };
  const referencePredictions = r.mismatch ? referenceInference(q, x, samples).predictions : r.predictions;
  const record: NpuRunRecord = {
    format: 'axhw-npu-run',
    version: 1,
    ...(req.command ? { command: req.command } : {}),
    model: n.q.spec.name,
    dataset: n.data.name,
    npu: clean.spec,
    top: clean.design.top,
    samples,
    ntv: rate ? { rate, seed, flippedBits: masks!.reduce((s, m) => s + m.reduce((a, v) => a + popcount(v), 0), 0) } : undefined,
    bitExact: !r.mismatch,
    comparedOutputs: r.compared,
    mismatch: r.mismatch ? { ...r.mismatch, expected: Number.isFinite(r.mismatch.expected) ? r.mismatch.expected : null } : undefined,
    accuracyRtl: r.mismatch ? undefined : accuracy(r.predictions, y),
    // Bit-exact runs compared the final accumulators, so the reference predicts what the RTL predicts.
    accuracyReference: accuracy(referencePredictions, y),
    cyclesPerInference: {
      measured: r.cyclesMeasured[0],
      distinct: [...new Set(r.cyclesMeasured)],
      model: r.cyclesModel,
      allEqualModel: r.cyclesMeasured.every((c) => c === r.cyclesModel),
    },
    multipliesPerInference: multipliesPerInference(clean.compiled, clean.geo.P),
    simulatedCycles: r.simulatedCycles,
    seconds: r.seconds,
    inferencesPerSecond: samples / r.seconds,
  };
  let operandTraceNpy: Uint8Array | undefined;
  if (req.operandTraceFile && !r.mismatch) {
    const trace = operandTrace(clean, resultCodes(n.q.mult, clean.geo.format), x, samples, { faultMasks: masks });
    operandTraceNpy = trace.npy;
    record.operandTrace = { file: req.operandTraceFile, pairs: trace.pairs, samples: trace.samples };
  }
  const correct = (p: Int32Array) => p.reduce((c, v, i) => c + (v === y[i] ? 1 : 0), 0);
  const part = req.range && {
    record,
    first,
    correctRtl: r.mismatch ? 0 : correct(r.predictions),
    correctReference: correct(referencePredictions),
    cyclesMeasured: r.cyclesMeasured,
  };
  return { record, mismatch: r.mismatch, operandTraceNpy, part };
}

/** Fields of a run record that say how the run went: a merged record differs from the unsharded run's in these only. */
export const NPU_RUN_FIELDS = ['seconds', 'inferencesPerSecond', 'simulatedCycles'] as const;

/**
 * Fields of a cost record that say how the run went: a merged record differs from the unsharded one in these
 * only (the simulation's seconds, there the sum of the shards', and each build's time and whether it was cached).
 */
export const NPU_COST_RUN_FIELDS = ['seconds', 'cached'] as const;

/**
 * The whole run's record from its shards' parts in order: counts summed, accuracies from the summed correct
 * counts (as `accuracy` divides them), the first sample's cycles and the distinct cycles in sample order, the
 * earliest mismatch of any part. For a failing run, the counts cover what the parts ran before they stopped,
 * as an unsharded run's do (its simulator processes stop at a mismatch too).
 */
export function mergeNpuRunParts(parts: NpuRunPart[]): NpuRunRecord {
  const r0 = parts[0]!.record;
  const samples = parts.reduce((t, p) => t + p.record.samples, 0);
  const mismatch = parts.map((p) => p.record.mismatch).find((m) => m !== undefined);
  const cycles = parts.flatMap((p) => p.cyclesMeasured);
  const sum = (f: (r: NpuRunRecord) => number) => parts.reduce((t, p) => t + f(p.record), 0);
  const seconds = sum((r) => r.seconds);
  // Field by field in npuRunRecord's order, so the JSON text matches the unsharded run's.
  return {
    format: r0.format,
    version: r0.version,
    ...(r0.command ? { command: r0.command } : {}),
    model: r0.model,
    dataset: r0.dataset,
    npu: r0.npu,
    top: r0.top,
    samples,
    ntv: r0.ntv,
    bitExact: parts.every((p) => p.record.bitExact),
    comparedOutputs: sum((r) => r.comparedOutputs),
    mismatch,
    accuracyRtl: mismatch ? undefined : parts.reduce((t, p) => t + p.correctRtl, 0) / samples,
    accuracyReference: parts.reduce((t, p) => t + p.correctReference, 0) / samples,
    cyclesPerInference: {
      measured: cycles[0]!,
      distinct: [...new Set(cycles)],
      model: r0.cyclesPerInference.model,
      allEqualModel: cycles.every((c) => c === r0.cyclesPerInference.model),
    },
    multipliesPerInference: r0.multipliesPerInference,
    simulatedCycles: sum((r) => r.simulatedCycles),
    seconds,
    inferencesPerSecond: samples / seconds,
  };
}

/** Why a run on the NPU failed, as the error to throw: a layer output that differs from the reference, or cycles off the model. */
export function npuRunFailure(r: NpuRunRecord, mismatch: NpuMismatch | NpuRunRecord['mismatch']): MismatchError | undefined {
  if (mismatch) {
    const m = mismatch;
    return new MismatchError(
      `The NPU differs from the integer reference: sample ${m.sample}, layer ${m.layer} (${m.kind}), ` +
        `output ${m.neuron}, PE ${m.pe}, cycle ${m.cycle}: expected ${m.expected}, got ${m.got ?? 'nothing'} ` +
        `(${m.what}).`,
      'The RTL (PE, controller or multiplier) or the images disagree with the reference at this point; --json gives the whole record.',
    );
  }
  if (!r.cyclesPerInference.allEqualModel)
    return new MismatchError(
      `Simulated cycles per inference differ from ` +
        `the cycle model (${r.cyclesPerInference.model}): ${r.cyclesPerInference.distinct.join(', ')}.`,
      'The controller and src/models/npu-program.ts cycleModel disagree: one of them is wrong.',
    );
  return undefined;
}

export function npuCostRecord(n: NpuForModel, c: NpuCost, command?: string): NpuCostRecord {
  return {
    format: 'axhw-npu-cost',
    version: 1,
    ...(command ? { command } : {}),
    model: n.q.spec.name,
    dataset: n.data.name,
    npu: n.target.spec,
    ...c,
  };
}

/** What ran the costed samples, and what was checked. */
function simulationPhrase(cost: NpuCostRecord): string {
  const checked = `checked bit-exact (${cost.compared} outputs compared)`;
  return cost.simulation?.kind === 'hierarchical'
    ? `the NPU's RTL ran ${cost.samples} test sample(s), ${checked}, and each distinct module was simulated once ` +
        'at gate level on what each of its instances saw in that run'
    : `the gate-level NPU ran ${cost.samples} test sample(s), ${checked}`;
}

/** Area and energy per inference by cost group (and at the achievable clock), energies in one readable unit. */
export function costGroupsTable(cost: NpuCostRecord): Extract<Block, { kind: 'table' }> {
  const groups = Object.keys(cost.groups);
  const at = cost.atAchievableClock;
  const s = energyScale(Math.max(cost.energyPerInferencePj.total!, at?.energyPerInferencePj.total ?? 0));
  const e = (pj: number | undefined) => (pj === undefined ? 'n/a' : (pj / s.pj).toPrecision(4));
  const bold = (x: string) => `**${x}**`;
  return {
    kind: 'table',
    headers: [
      'share',
      'area (um^2)',
      `energy per inference at ${cost.clockNs} ns (${s.unit})`,
      ...(at ? [`at the ${at.clockNs.toFixed(2)} ns critical path (${s.unit})`] : []),
    ],
    rows: [
      ...groups.map((g) => [
        g,
        cost.groups[g]!.area.toFixed(0),
        e(cost.energyPerInferencePj[g]),
        ...(at ? [e(at.energyPerInferencePj[g])] : []),
      ]),
      [
        bold('total'),
        bold(cost.total.area.toFixed(0)),
        bold(e(cost.energyPerInferencePj.total)),
        ...(at ? [bold(e(at.energyPerInferencePj.total))] : []),
      ],
    ],
  };
}

/**
 * The memories under each kind (memory-kinds.ts) with the same counted accesses, side by side: their energy per
 * inference, the total's, and the memories' and the multipliers' shares of it. Undefined for older records.
 */
export function memoryKindsTable(cost: NpuCostRecord): Extract<Block, { kind: 'table' }> | undefined {
  const by = cost.energyPerInferenceByMemoryKind;
  if (!by) return undefined;
  const s = energyScale(Math.max(...Object.values(by).map((k) => k.total)));
  const e = (pj: number) => (pj / s.pj).toPrecision(4);
  const multiplier = cost.energyPerInferencePj.multiplier ?? 0;
  const area = (k: (typeof MEMORY_KINDS)[number]) => cost.parts.reduce((a, p) => a + (p.memory?.kinds?.[k]?.area ?? 0) * p.instances, 0);
  return {
    kind: 'table',
    headers: [
      'memories as',
      'memory area (um^2)',
      `memories per inference (${s.unit})`,
      `total per inference (${s.unit})`,
      "memories' share",
      "multipliers' share",
    ],
    rows: MEMORY_KINDS.map((k) => [
      k === cost.memoryKind ? `**${k}**` : k,
      area(k).toFixed(0),
      e(by[k].memories),
      e(by[k].total),
      pct(by[k].memories / by[k].total),
      pct(multiplier / by[k].total),
    ]),
  };
}

const sramPhrase = (c: NpuCostRecord) =>
  !c.sramSupply || c.sramSupply.voltage === 1.8
    ? '1.8 V'
    : `${c.sramSupply.voltage} V from a power-law fit of the 1.8, 3.3 and 5.0 V corners` +
      (c.sramSupply.extrapolated ? ', extrapolated' : '');

function memoryKindsParagraphs(cost: NpuCostRecord): Block[] {
  const t = memoryKindsTable(cost);
  if (!t) return [];
  return [
    text(
      (cost.memoryKind === 'mixed'
        ? 'The memories above are costed as their roles are built (each memory says its kind). '
        : `The memories above are costed as ${cost.memoryKind}. `) +
        'The same counted accesses under each kind of memory, for all memories alike: sram is ' +
        `GF180MCU SRAM macro tiles (tt, ${sramPhrase(cost)}) charged per access, ff-gated a register file whose words are clocked only ` +
        'when written, ff-ungated one clocked every cycle (an upper bound).',
    ),
    t,
  ];
}

/** The NPU's run and cost as a document: bit-exactness, accuracy, cycles, and energy per inference by part. */
export function npuDocument(run: NpuRunRecord | undefined, cost: NpuCostRecord | undefined): ResultDocument {
  const any = (run ?? cost)!;
  const sections: Section[] = [];
  if (run) {
    sections.push({
      title: 'Run on the NPU RTL',
      command: run.command,
      blocks: [
        text(
          run.bitExact
            ? `${run.samples} test samples streamed through the Verilated NPU; all ${run.comparedOutputs.toLocaleString('en-US')} ` +
                `layer outputs equal the integer reference, bit for bit.`
            : `**Not bit-exact**: sample ${run.mismatch!.sample}, layer ${run.mismatch!.layer}, output ${run.mismatch!.neuron}: ` +
                `expected ${run.mismatch!.expected}, got ${run.mismatch!.got ?? 'nothing'} (${run.mismatch!.what}).`,
        ),
        table(
          [
            'model',
            'data set',
            'NPU',
            'samples',
            'bit-exact',
            'accuracy (RTL)',
            'accuracy (reference)',
            'cycles per inference (simulated / model)',
            'multiplies per inference',
            'NTV',
          ],
          [
            [
              run.model,
              run.dataset,
              `\`${run.npu}\``,
              run.samples,
              run.bitExact ? 'yes' : 'NO',
              run.accuracyRtl === undefined ? 'n/a' : pct(run.accuracyRtl),
              pct(run.accuracyReference),
              `${run.cyclesPerInference.measured ?? 'n/a'} ` +
                `/ ${run.cyclesPerInference.model}${run.cyclesPerInference.allEqualModel ? '' : ' (differ)'}`,
              run.multipliesPerInference,
              run.ntv ? `rate ${run.ntv.rate}, seed ${run.ntv.seed}, ${run.ntv.flippedBits} bits flipped` : 'none',
            ],
          ],
        ),
      ],
    });
  }
  if (cost) {
    const warning = clockWarning({ clockNs: cost.clockNs, ...cost.timing });
    const times = (n: number) => (n > 1 ? ` (x${n})` : '');
    const values = cost.parts.map((p) => ({
      part: `${p.memory ? p.memory.role : p.group}${times(p.instances)}`,
      module: p.module,
      group: p.group,
      pj: (p.energyJ / cost.samples) * 1e12,
    }));
    sections.push({
      title: 'Area and energy per inference (gate level)',
      command: cost.command,
      blocks: [
        text(
          `Each module synthesized on ${cost.library.name}; ${simulationPhrase(cost)}, every toggle counted; ` +
            `${cost.cyclesPerInference} cycles per inference at a ${cost.clockNs} ns clock; ` +
            `${timingPhrase({ clockNs: cost.clockNs, ...cost.timing })}.`,
        ),
        ...(warning ? [text(`**${warning}** (the last column).`)] : []),
        costGroupsTable(cost),
        ...memoryKindsParagraphs(cost),
        figure('npu-energy', 'NPU energy per inference by part', {
          title: {
            text: `${cost.model} on the NPU: energy per inference by part`,
            subtitle: `${cost.library.name}, ${cost.clockNs} ns clock, ${cost.samples} sample(s) at gate level`,
          },
          data: { values },
          mark: 'bar',
          width: 420,
          encoding: {
            y: { field: 'part', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 260 } },
            x: { field: 'pj', type: 'quantitative', title: 'energy per inference (pJ)' },
            color: { field: 'group', type: 'nominal', title: 'share' },
          },
        }),
      ],
    });
  }
  return {
    title: `${any.model} on the NPU (${any.top})`,
    command: run?.command ?? cost?.command,
    provenance: {
      command: run?.command ?? cost?.command,
      seeds: run?.ntv ? `NTV draw seed ${run.ntv.seed}` : 'none (no random draws: the first test samples in order)',
      tools: cost ? { library: cost.library.liberty, method: cost.method } : undefined,
      parameters: {
        npu: any.npu,
        samples: run?.samples ?? cost!.samples,
        ...(cost ? { costedSamples: cost.samples, clockNs: cost.clockNs } : {}),
      },
    },
    intro: [text(`The trained ${any.model} (${any.dataset}), quantised and compiled for the NPU \`${any.npu}\` (${any.top}).`)],
    sections,
  };
}
