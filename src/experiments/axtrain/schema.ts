import { z } from 'zod';
import { backendRecordSchema } from '../backend-record.js';

/**
 * The AxTrain experiment's result file (axtrain.json), as a zod schema: the runner validates every result
 * against it before writing, and `axhw report` (later) validates the files it reads. The TypeScript types
 * of the result are inferred from it, so the file's shape is stated once.
 */
const num = z.number();
const method3 = <T extends z.ZodType>(t: T) => z.strictObject({ bp: t, act: t, axtrain: t });

export const onMultiplierSchema = z.strictObject({
  accuracy: num,
  /** Mean test cross-entropy on this multiplier. */
  loss: num,
  /** The paper's normalised output error: loss / (loss of the bp network on exact-mul). */
  outputError: num,
  /** sum |z - z_exact| / sum |z_exact| over the test logits, z_exact: this same network on exact-mul. */
  deviation: num,
});
export const ntvResultSchema = z.strictObject({ mean: num, std: num, accuracies: z.array(num) });
export const layerMapSchema = z.strictObject({ rows: z.number().int(), cols: z.number().int(), values: z.array(num) });
const choice = z.strictObject({ config: z.string(), k: z.number().int().optional(), accuracy: num, powerMw: num, savingPct: num });
const storage = z.strictObject({ voltageMv: z.union([z.number(), z.literal('nominal')]), accuracy: num });
export const lowestPowerSchema = z.strictObject({
  targetAccuracy: num,
  compute: z.strictObject({ bp: choice, axtrain: choice }),
  storage: z.strictObject({ bp: storage, axtrain: storage }),
});

export const appResultSchema = z.strictObject({
  app: z.strictObject({ name: z.string(), dataset: z.string(), model: z.string(), voltages: z.tuple([z.number(), z.number()]) }),
  budget: z.strictObject({
    epochs: z.number().int(),
    pasEpochs: z.number().int(),
    batchSize: z.number().int(),
    learningRate: num,
    limitTrain: z.number().int().optional(),
    limitTest: z.number().int().optional(),
    draws: z.number().int(),
  }),
  data: z.strictObject({ train: z.number().int(), test: z.number().int(), classes: z.number().int(), split: z.string() }),
  model: z.string(),
  seconds: num,
  /** Float32 test accuracy of each trained network, and on the exact 8-bit multiplier. */
  exact: z.strictObject({
    bp: z.strictObject({ float: num, exactMultiplier: num }),
    act: z.strictObject({ float: num, exactMultiplier: num }),
  }),
  act: z.strictObject({
    lambdaFinal: num,
    history: z.array(z.strictObject({ epoch: z.number().int(), loss: num, sensitivity: num, lambda: num })),
  }),
  /** (1) per DRUM setting. `axtrain` is the act network fine-tuned with pas on that very setting. */
  multipliers: z.array(
    z.strictObject({
      setting: z.string(),
      k: z.number().int(),
      bp: onMultiplierSchema,
      act: onMultiplierSchema,
      axtrain: onMultiplierSchema,
    }),
  ),
  /** (2) per voltage [aggressive, conservative]: weights stored at 8 bits, exact multiplier. */
  ntv: z.array(
    z.strictObject({
      voltageMv: z.number(),
      role: z.enum(['aggressive', 'conservative']),
      rate: num,
      draws: z.number().int(),
      bp: ntvResultSchema,
      act: ntvResultSchema,
      axtrain: ntvResultSchema,
    }),
  ),
  /** Sensitivity |dO/dw w| on the test set: totals per layer, and the last layer's map (rows x cols). */
  sensitivity: method3(z.strictObject({ total: num, layers: z.array(num), last: layerMapSchema })),
  /** (3) lowest-power configurations within 2 points of bp on the exact multiplier. */
  lowestPower: lowestPowerSchema,
});

const reduction = z.array(
  z.strictObject({ setting: z.string(), k: z.number().int(), meanPct: num, perApp: z.array(num), deviationMeanPct: num }),
);
export const summarySchema = z.strictObject({
  outputErrorReduction: z.strictObject({ act: reduction, axtrain: reduction }),
  ntv: z.array(
    z.strictObject({
      role: z.enum(['aggressive', 'conservative']),
      meanPointsAxtrain: num,
      meanPointsAct: num,
      meanRelativePctAxtrain: num,
    }),
  ),
  computePowerSaving: z.strictObject({ bpMeanPct: num, axtrainMeanPct: num, axtrainVsBpMeanPct: num }),
  paper: z.strictObject({
    outputErrorReductionAct: z.record(z.string(), num),
    outputErrorReductionAxtrain: z.record(z.string(), num),
    ntvAccuracyGain: z.strictObject({ aggressive: num, conservative: num }),
    computePowerSavingPct: num,
    storagePowerSavingPct: num,
  }),
});

export const powerSchema = z.strictObject({
  library: z.string(),
  clockNs: num,
  workload: z.string(),
  exact: z.strictObject({ unit: z.string(), powerMw: num, area: num, delayNs: num }),
  drum: z.array(z.strictObject({ k: z.number().int(), powerMw: num, area: num, delayNs: num, savingPct: num })),
});

export const axtrainResultSchema = z.strictObject({
  format: z.literal('axhw-axtrain-experiment'),
  version: z.literal(2),
  command: z.string(),
  quick: z.boolean(),
  seed: z.number().int(),
  backend: backendRecordSchema,
  definitions: z.strictObject({
    output: z.string(),
    act: z.strictObject({ lambda: num, lambdaStep: num, errorBound: num, convergeTol: num }),
    settings: z.array(z.strictObject({ name: z.string(), k: z.number().int(), mred: num, multiplier: z.string() })),
    settingRule: z.string(),
    operands: z.string(),
    exactMultiplier: z.string(),
    outputError: z.string(),
    deviation: z.string(),
    calibration: z.string(),
    errorReduction: z.string(),
    axtrain: z.string(),
    ntv: z.string(),
    lowestPower: z.string(),
  }),
  power: powerSchema,
  apps: z.array(appResultSchema),
  summary: summarySchema,
});

export type OnMultiplier = z.infer<typeof onMultiplierSchema>;
export type NtvResult = z.infer<typeof ntvResultSchema>;
export type LayerMap = z.infer<typeof layerMapSchema>;
export type LowestPower = z.infer<typeof lowestPowerSchema>;
/** One application's result; every weighted layer's map goes to sensitivity-<app>.json, not to axtrain.json. */
export type AppResult = z.infer<typeof appResultSchema> & {
  sensitivityMaps: Record<'bp' | 'act' | 'axtrain', (LayerMap & { layer: number })[]>;
};
export type AxtrainSummary = z.infer<typeof summarySchema>;
export type AxtrainResult = Omit<z.infer<typeof axtrainResultSchema>, 'apps'> & { apps: AppResult[] };
