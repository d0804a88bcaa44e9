import { z } from 'zod';
// The analysis is the one `axhw tetris analyze -o` writes: its schema lives with it.
import { analysisSchema } from '../../tetris/analysis-report.js';
import { MEMORY_KINDS } from '../../synth/memory-kind.js';
import { backendRecordSchema } from '../backend-record.js';

/**
 * The Tetris experiment's result file (tetris.json), as a zod schema: the runner validates the result
 * against it before writing anything; the TypeScript types are inferred from it.
 */
const num = z.number();
const int = z.number().int();

export const peCostSchema = z.strictObject({
  pe: z.enum(['mac', 'sac']),
  spec: z.string(),
  samples: int,
  computeCyclesPerInference: num,
  loadCyclesPerInference: num,
  areaUm2: z.record(z.string(), num),
  energyPerInferencePj: z.record(z.string(), num),
  /** The memories and the total per inference under each memory kind (memory-kinds.ts); absent in results before them. */
  energyPerInferenceByMemoryKind: z.record(z.enum(MEMORY_KINDS), z.strictObject({ memories: num, total: num })).optional(),
  delayNs: num,
  compared: int,
  cells: int,
  parts: z.array(
    z.strictObject({
      module: z.string(),
      group: z.string(),
      kind: z.enum(['logic', 'memory']),
      instances: int,
      areaUm2: num,
      energyPerInferencePj: num,
      bits: int.optional(),
    }),
  ),
});

export const networkSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  dataset: z.string(),
  model: z.string(),
  method: z.string(),
  /** Test accuracy of the float network, and of the integer network the PEs compute (exact-mul codes; SAC computes the same). */
  accuracy: z.strictObject({ float: num, integer: num, testSamples: int }),
  analysis: analysisSchema,
  /** The SAC PE's RTL (not gate level) on some test samples: outputs compared with the integer reference, cycles with the kneading's
   * prediction. */
  rtlCheck: z.strictObject({ group: int, samples: int, outputs: int, cyclesMeasured: int, cyclesPredicted: int }),
});

export const tetrisResultSchema = z.strictObject({
  format: z.literal('axhw-tetris-experiment'),
  version: z.literal(1),
  command: z.string(),
  quick: z.boolean(),
  seed: int,
  backend: backendRecordSchema,
  definitions: z.record(z.string(), z.string()),
  groups: z.array(int),
  costGroup: int,
  networks: z.array(networkSchema),
  cost: z.array(z.strictObject({ network: z.string(), library: z.string(), clockNs: num, mac: peCostSchema, sac: peCostSchema })),
  paper: z.strictObject({ zeroBitShare: num, speedup: num, powerEfficiency: num }),
});

export type TetrisResult = z.infer<typeof tetrisResultSchema>;
export type TetrisNetwork = z.infer<typeof networkSchema>;
export type PeCostSummary = z.infer<typeof peCostSchema>;
