import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AxhwError } from '../errors.js';

/**
 * Which neurons multiply on a heterogeneous NPU's second multiplier, as a file: JSON, one list per weighted
 * layer in order, each either a 0/1 mask over the layer's outputs (filters) or `{ "neurons": [indices] }`.
 * The layer sizes are checked when the network is quantised (one entry per output).
 */
const layerSchema = z.union([
  z.array(z.union([z.literal(0), z.literal(1)])),
  z.strictObject({ outputs: z.number().int().positive(), neurons: z.array(z.number().int().nonnegative()) }),
]);
const fileSchema = z.union([z.array(layerSchema), z.strictObject({ masks: z.array(layerSchema) })]);

export const NEURON_MASKS_FORM =
  'JSON: one entry per weighted layer, a 0/1 mask over its outputs ([[1,0,...],[...]]) or {"outputs": n, "neurons": [indices]}';

export function readNeuronMasks(file: string): Uint8Array[] {
  const fix = `Write ${file} as ${NEURON_MASKS_FORM}.`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AxhwError(`${file} is not readable JSON (${(e as Error).message}).`, fix);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success)
    throw new AxhwError(
      `${file} is not a neuron mask file: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}.`,
      fix,
    );
  const layers = Array.isArray(parsed.data) ? parsed.data : parsed.data.masks;
  return layers.map((l, k) => {
    if (Array.isArray(l)) return Uint8Array.from(l);
    const mask = new Uint8Array(l.outputs);
    for (const j of l.neurons) {
      if (j >= l.outputs) throw new AxhwError(`${file}: layer ${k} names neuron ${j} of ${l.outputs}.`, fix);
      mask[j] = 1;
    }
    return mask;
  });
}
