import { z } from 'zod';
import { powerSchema } from '../axtrain/schema.js';
import { SYSTEM_METHODS } from './plan.js';
import { backendRecordSchema } from '../backend-record.js';

/**
 * The AxTrain system-level experiment's result file (axtrain-system.json): ApproxAnn's approximate neurons
 * (the paper's Figure 8) and each method's lowest-power configuration within the bound on the NPU (Figure 9).
 */
const num = z.number();
const method = z.enum(SYSTEM_METHODS);
const voltage = z.union([z.number(), z.literal('nominal')]);

/** Energy per inference of one costed NPU run, pJ: compute (multipliers + datapath), control, storage (SRAM macros). */
export const energySchema = z.strictObject({
  multiplierPj: num,
  datapathPj: num,
  computePj: num,
  controlPj: num,
  /** Every memory as SRAM macros at 1.8 V. */
  storageNominalPj: num,
  /** The same with the weight memories at the chosen supply (NTV storage); the rest at 1.8 V. */
  storagePj: num,
  /** The weight memories' part of storagePj. */
  weightStoragePj: num,
});

export const candidateSchema = z.strictObject({
  method,
  config: z.string(),
  k: z.number().int().optional(),
  /** Neurons on the approximate multiplier, of all neurons (uniform settings: all or none). */
  approxNeurons: z.number().int(),
  neurons: z.number().int(),
  accuracy: num,
  /** Multiplier power estimated from the characterization: each neuron's multiplies on its multiplier's power. */
  estimatedMultiplierMw: num,
  /** MAC and control cycles per inference of the candidate compiled for its NPU (per-neuron: after placement). */
  cyclesPerInference: num,
  /**
   * The choice's criterion, compute energy per inference estimated from the exact baseline's gate-level cost:
   * its multiplier energy scaled by estimatedMultiplierMw against exact, plus its datapath energy scaled by cycles.
   */
  estimatedComputePj: num,
});

export const approxAnnRunSchema = z.strictObject({
  start: z.enum(['bp', 'axtrain']),
  setting: z.string(),
  k: z.number().int(),
  approxNeurons: z.number().int(),
  neurons: z.number().int(),
  accuracy: num,
  steps: z.array(z.strictObject({ before: z.number().int(), step: z.number().int(), accuracy: num, accepted: z.boolean() })),
  seconds: num,
});

export const chosenSchema = z.strictObject({
  method,
  config: z.string(),
  k: z.number().int().optional(),
  approxNeurons: z.number().int(),
  accuracy: num,
  storage: z.strictObject({ voltageMv: voltage, accuracy: num, draws: z.number().int() }),
  npu: z.string(),
  cyclesPerInference: num,
  energy: energySchema,
  /** Against exact hardware with nominal storage (the baseline), %. */
  computeSavingPct: num,
  storageSavingPct: num,
});

export const systemAppSchema = z.strictObject({
  app: z.strictObject({ name: z.string(), dataset: z.string(), model: z.string(), voltages: z.tuple([z.number(), z.number()]) }),
  data: z.strictObject({ train: z.number().int(), test: z.number().int(), classes: z.number().int() }),
  model: z.string(),
  seconds: num,
  exactAccuracy: num,
  targetAccuracy: num,
  candidates: z.array(candidateSchema),
  approxann: z.array(approxAnnRunSchema),
  baseline: z.strictObject({ npu: z.string(), cyclesPerInference: num, energy: energySchema }),
  chosen: z.array(chosenSchema),
});

export const systemSummarySchema = z.strictObject({
  computeSavingPct: z.record(method, num),
  storageSavingPct: z.record(method, num),
  /** Mean over applications of (ApproxAnn-bp's compute energy - AxTrain's) / ApproxAnn-bp's, %. */
  axtrainVsApproxannComputePct: num,
  /**
   * Mean over applications of ApproxAnn-AxTrain's approximate neurons over ApproxAnn-bp's, minus 1, % (per setting;
   * applications where ApproxAnn-bp placed none are left out; null when every one is).
   */
  approxannMoreApproxPct: z.record(z.string(), num.nullable()),
  paper: z.strictObject({
    computePowerSavingPct: num,
    storagePowerSavingPct: num,
    axtrainVsApproxannComputePct: num,
    approxannMoreApproxPct: z.record(z.string(), num),
  }),
});

export const axtrainSystemResultSchema = z.strictObject({
  format: z.literal('axhw-axtrain-system-experiment'),
  version: z.literal(1),
  command: z.string(),
  quick: z.boolean(),
  seed: z.number().int(),
  backend: backendRecordSchema,
  definitions: z.record(z.string(), z.string()),
  settings: z.array(z.strictObject({ name: z.string(), k: z.number().int(), mred: num, multiplier: z.string() })),
  power: powerSchema,
  pes: z.number().int(),
  samples: z.number().int(),
  clockNs: num,
  apps: z.array(systemAppSchema),
  summary: systemSummarySchema,
});

export type Energy = z.infer<typeof energySchema>;
export type Candidate = z.infer<typeof candidateSchema>;
export type ApproxAnnRun = z.infer<typeof approxAnnRunSchema>;
export type Chosen = z.infer<typeof chosenSchema>;
export type SystemAppResult = z.infer<typeof systemAppSchema>;
export type SystemSummary = z.infer<typeof systemSummarySchema>;
export type AxtrainSystemResult = z.infer<typeof axtrainSystemResultSchema>;
