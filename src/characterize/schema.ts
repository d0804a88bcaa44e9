import { z } from 'zod';

/**
 * characterize.json, as `axhw report` reads it back. The fields the report and its document use are
 * stated exactly; nested records that only travel along (a unit's parameters, control settings) are
 * checked for their shape only.
 */
const num = z.number();
const controls = z.record(z.string(), z.union([num, z.string(), z.boolean()]));

const metricsSchema = z.looseObject({
  pairs: num,
  coverage: z.string(),
  er: num,
  me: num,
  mae: num,
  mred: num,
  nmed: num,
  wce: num,
  wcre: num,
  mse: num,
  skipped: num,
  domain: z.string(),
  seed: num.nullable(),
  controls: controls.optional(),
});

const powerSchema = z.strictObject({
  method: z.enum(['sim', 'sim-delay', 'propagate']),
  internal: num,
  switching: num,
  leakage: num,
  total: num,
  energyPerOpPj: num,
  simulation: z
    .strictObject({
      mode: z.enum(['zero-delay', 'delay']),
      cycles: num,
      toggles: z.strictObject({ internal: num, inputs: num }),
      glitchShare: num.optional(),
      seconds: num,
      buildCached: z.boolean(),
    })
    .optional(),
});

const rowSchema = z.strictObject({
  label: z.string(),
  unit: z.string(),
  top: z.string(),
  params: controls,
  controls: controls.optional(),
  metrics: metricsSchema,
  area: num,
  cells: num,
  delayNs: num,
  powerMw: num,
  power: powerSchema,
  pdpPj: num,
  savings: z.strictObject({ area: num, power: num, delay: num, pdp: num }).optional(),
});

export const characterizeReportSchema = z.strictObject({
  unit: z.string(),
  baseline: rowSchema.optional(),
  rows: z.array(rowSchema).min(1),
  library: z.strictObject({ name: z.string(), liberty: z.string() }),
  clockNs: num,
  activity: z.strictObject({
    workload: z.enum(['uniform', 'trace']),
    trace: z.strictObject({ file: z.string(), pairs: num, used: num }).optional(),
    seed: num.optional(),
    cycles: num,
    annotated: z.string(),
  }),
  tools: z.strictObject({ yosys: z.string(), sta: z.string() }),
  command: z.string().optional(),
  createdAt: z.string(),
});
