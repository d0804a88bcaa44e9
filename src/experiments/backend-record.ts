import { z } from 'zod';
import type { BackendInfo } from '../nn/backend.js';

/** The TensorFlow.js backend an experiment ran on, as every result file records it. */
export const backendRecordSchema = z.strictObject({
  name: z.string(),
  tfjs: z.string(),
  notes: z.array(z.string()),
  quantiser: z.string(),
});

export const backendRecord = (b: BackendInfo): z.infer<typeof backendRecordSchema> => ({
  name: b.name,
  tfjs: b.tfjsVersion,
  notes: b.notes,
  quantiser: b.quantiser,
});
