import { z } from 'zod';
import { MEMORY_KINDS } from '../../synth/memory-kind.js';
import { backendRecordSchema } from '../backend-record.js';

/**
 * The AXNet experiment's result file (axnet.json), as a zod schema: the runner validates the result
 * against it before writing anything; the TypeScript types are inferred from it.
 */
const num = z.number();
const int = z.number().int();
/** NaN (no sample called safe) is written as null. */
const maybe = num.nullable();

export const metricsSchema = z.strictObject({
  trueInvocation: num,
  predictedInvocation: num,
  predictionAccuracy: num,
  safeAndPredictedSafe: num,
  approximationError: maybe,
  meanError: num,
});

export const topologySchema = z.strictObject({
  approximator: z.array(int),
  predictor: z.array(int),
  /** AXNet: the approximator hidden layers (1-based) that take a control vector. */
  connect: z.array(int).optional(),
  label: z.string(),
  params: int,
});

export const methodRunSchema = z.strictObject({
  method: z.enum(['axnet', 'onepass', 'iterative']),
  topology: topologySchema,
  /** (params - baseline params) / baseline params; 0 for the baselines. */
  paramsDifference: num,
  withinTolerance: z.boolean(),
  trainSeconds: num,
  /** Optimiser steps (mean over the seeds: iterative's subsets differ). */
  steps: num,
  /** Means over the training seeds. */
  metrics: metricsSchema,
  trueInvocationPerSeed: z.array(num),
  /** AXNet: each epoch's loss and training-set invocations as trained (Figure 2b). */
  history: z.array(
    z.strictObject({ phase: z.string(), epoch: int, loss: num, trueInvocation: num.optional(), predictedInvocation: num.optional() }),
  ),
});

export const functionResultSchema = z.strictObject({
  name: z.string(),
  doc: z.string(),
  inputs: int,
  outputs: int,
  inputRanges: z.string(),
  outputScaling: z.string(),
  errorBound: num,
  data: z.strictObject({ train: int, test: int, trainSeed: int, testSeed: int }),
  methods: z.array(methodRunSchema),
});

export const axnetResultSchema = z.strictObject({
  format: z.literal('axhw-axnet-experiment'),
  version: z.literal(1),
  command: z.string(),
  quick: z.boolean(),
  seed: int,
  backend: backendRecordSchema,
  budget: z.strictObject({ train: int, test: int, epochs: int, batchSize: int, learningRate: num, rounds: int, seeds: int }),
  definitions: z.record(z.string(), z.string()),
  functions: z.array(functionResultSchema),
  /** Averages over the functions (Figure 6, Figure 10a). */
  summary: z.strictObject({
    trueInvocation: z.strictObject({ axnet: num, onepass: num, iterative: num }),
    /** Mean over functions of AXNet / baseline - 1 (functions where the baseline's invocation is 0 left out). */
    relativeGain: z.strictObject({ vsOnepass: maybe, vsIterative: maybe }),
    /** Mean over functions of AXNet - baseline, in points. */
    pointsGain: z.strictObject({ vsOnepass: num, vsIterative: num }),
    /** Mean over functions of 1 - AXNet training time / iterative training time. */
    trainingTimeReductionVsIterative: num,
    /** Mean over functions of AXNet parameters / baseline parameters. */
    paramsRatio: num,
  }),
  /** Figure 9: invocation against parameter count on one function. */
  paramSweep: z.strictObject({
    function: z.string(),
    points: z.array(
      z.strictObject({
        method: z.enum(['axnet', 'iterative']),
        baselineHidden: int,
        topology: topologySchema,
        trainSeconds: num,
        metrics: metricsSchema,
        trueInvocationPerSeed: z.array(num),
      }),
    ),
  }),
  /** Figure 10c: AXNet with control vectors into all hidden layers, or into one. */
  fusion: z.array(
    z.strictObject({
      function: z.string(),
      connect: z.string(),
      topology: topologySchema,
      metrics: metricsSchema,
      trueInvocationPerSeed: z.array(num),
    }),
  ),
  /** AXNet trained and evaluated with its products on registry multipliers (forward pass). */
  hardware: z.array(
    z.strictObject({
      function: z.string(),
      multiplier: z.string(),
      rtlHash: z.string(),
      path: z.string(),
      method: z.enum(['axnet', 'onepass']),
      trainSeconds: num,
      metrics: metricsSchema,
      trueInvocationPerSeed: z.array(num),
    }),
  ),
  /** AXNet and onepass on the NPU RTL with the Hadamard step: bit-exact runs of the test set, invocation from the NPU's outputs, energy
   * per inference at gate level. */
  npu: z.array(
    z.strictObject({
      function: z.string(),
      method: z.enum(['axnet', 'onepass']),
      multiplier: z.string(),
      rtlHash: z.string(),
      /** The NPU as a unit spec. */
      npu: z.string(),
      topology: topologySchema,
      samples: int,
      /** Outputs compared with the integer reference (every stage of every sample), all equal. */
      compared: int,
      cyclesPerInference: int,
      /** The trained framework evaluated on the multiplier in the forward pass (dynamic fixed point), and what the NPU computed (frozen
       * exponents). */
      metricsTrained: metricsSchema,
      metrics: metricsSchema,
      cost: z
        .strictObject({
          samples: int,
          clockNs: num,
          areaUm2: num,
          energyPerInferencePj: z.record(z.string(), num),
          /** The memories and the total per inference under each memory kind (memory-kinds.ts); absent in results before them. */
          energyPerInferenceByMemoryKind: z.record(z.enum(MEMORY_KINDS), z.strictObject({ memories: num, total: num })).optional(),
          /** Energy per inference / predicted invocation on the NPU: the NPU energy spent per sample it approximates. */
          energyPerApproximatedPj: maybe,
        })
        .nullable(),
    }),
  ),
  /** Parts of the paper's evaluation not run here, and why. */
  notRun: z.array(z.string()),
});

export type AxnetResult = z.infer<typeof axnetResultSchema>;
export type FunctionResult = z.infer<typeof functionResultSchema>;
export type MethodRun = z.infer<typeof methodRunSchema>;
export type MetricsRecord = z.infer<typeof metricsSchema>;
export type TopologyRecord = z.infer<typeof topologySchema>;
