import { z } from 'zod';
import { backendRecordSchema } from '../backend-record.js';

/**
 * The FramNN experiment's result file (framnn.json), as a zod schema: the runner validates the result
 * against it before writing anything; the TypeScript types are inferred from it.
 */
const num = z.number();
const int = z.number().int();
const stepSchema = z.strictObject({ m: int, iterations: int });
const levelSchema = z.strictObject({ m: int, dynamicPj: num, leakageW: num, delayNs: num });

export const scheduleRunSchema = z.strictObject({
  kind: z.enum(['uniform', 'linear', 'adaptive']),
  final: int,
  levels: z.array(int),
  /** adaptive: the power p_i (W, fixed clock) of each level the closed form used. */
  power: z.array(num).optional(),
  steps: z.array(stepSchema),
  /** On the fpmul at the final level, and exact float32. */
  accuracy: num,
  accuracyExact: num,
  accuracyLoss: num,
  seconds: num,
  energyPj: num,
  energyRatio: num,
  edpRatio: z.strictObject({ fixed: num, perLevel: num }),
});

export const appResultSchema = z.strictObject({
  app: z.strictObject({ name: z.string(), dataset: z.string() }),
  budget: z.strictObject({
    epochs: int,
    batchSize: int,
    learningRate: num,
    limitTrain: int.optional(),
    limitTest: int.optional(),
    hidden: z.array(int),
  }),
  data: z.strictObject({ train: int, test: int, classes: int, split: z.string() }),
  model: z.string(),
  iterations: int,
  /** Multiplications per training iteration. */
  work: z.strictObject({ forward: int, backward: int }),
  exactAccuracy: num,
  /** Figure 2 / Table I: test accuracy on the fpmul at m of the network trained each way. */
  sweep: z.array(
    z.strictObject({ m: int, exact: num, approxTraining: num, framnn: num, seconds: z.strictObject({ framnn: num, approxTraining: num }) }),
  ),
  /** The backward products' operands recorded during approx-training, run on the Verilated fpmul at m. */
  backwardProof: z.array(
    z.strictObject({ m: int, pairs: int, mismatches: int, first: z.strictObject({ a: int, b: int, rtl: int, expected: int }).optional() }),
  ),
  /** framnn network trained at trainM, accuracy at each m of the sweep (same order). */
  crossAccuracy: z.array(z.strictObject({ trainM: int, accuracy: z.array(num) })),
  bestTrainM: z.array(z.strictObject({ inferM: int, trainM: int, accuracy: num, sameM: num })),
  fpmul: z.strictObject({ top: z.string(), rtlHash: z.string(), library: z.string(), area: num, netlistDelayNs: num }),
  /** Per m, under the operands of framnn training at m (the inference workload). */
  inferenceLevels: z.array(levelSchema),
  /** Per schedule level, under the operands of approx-training at that level (forward and backward). */
  trainingLevels: z.array(levelSchema),
  exactTraining: z.strictObject({ energyPj: num, delayNsFixed: num, delayNsPerLevel: num }),
  schedules: z.array(scheduleRunSchema),
  inference: z.array(
    z.strictObject({
      lossBoundPoints: num,
      m: int,
      accuracy: num,
      energyPerOpPj: num,
      energyPerOpPjFull: num,
      energyGain: num,
      delayNs: num,
      delayNsFull: num,
      speedup: num,
    }),
  ),
  trainingTime: z.strictObject({ exactSeconds: num, framnnSeconds: num, approxTrainingSeconds: num }),
  seconds: num,
});

export const framnnResultSchema = z.strictObject({
  format: z.literal('axhw-framnn-experiment'),
  version: z.literal(1),
  command: z.string(),
  quick: z.boolean(),
  seed: int,
  /** The fpmul format the networks train on, its full precision P and the schedules' levels. */
  fpmulFormat: z.strictObject({ preset: z.enum(['binary32', 'bfloat16', 'binary16']), P: int, levelFrom: int, levelStep: int }),
  backend: backendRecordSchema,
  definitions: z.strictObject({
    unit: z.string(),
    modes: z.record(z.string(), z.string()),
    schedules: z.string(),
    edp: z.string(),
    accuracyLoss: z.string(),
    inferenceEfficiency: z.string(),
    unavailable: z.string(),
  }),
  apps: z.array(appResultSchema),
});

export type FramnnResult = z.infer<typeof framnnResultSchema>;
export type AppResult = z.infer<typeof appResultSchema>;
export type ScheduleRun = z.infer<typeof scheduleRunSchema>;
