import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sha256, sha256Plain } from '../util/hash.js';
import { AxhwError } from '../errors.js';
import type { ModelSpec } from '../ir/model-spec.js';
import type { Preprocessing } from '../data/preprocessing.js';
import type { Network } from './network.js';
import { writeAtomic } from '../util/atomic-write.js';

/** model.json: everything needed to rebuild the network and its data pipeline; weights.bin: float32 LE. */
export interface ModelFile {
  format: 'axhw-model';
  /** 2: weightsSha256 is the plain sha256 of weights.bin (1: the older NUL-terminated form, still read). */
  version: 1 | 2;
  model: ModelSpec;
  dataset: { name: string; path?: string; seed: number; limitTrain?: number; limitTest?: number };
  classes: string[];
  /** How the input is computed from the data's raw values; absent: standardised as `axhw train` does. */
  preprocessing?: Preprocessing;
  /** Where the weights came from when not from `axhw train` (an imported ONNX file). */
  source?: { format: 'onnx'; file: string; sha256: string; producer: string; opset: number };
  /** Frozen per-layer input exponents of the hardware the model was calibrated for. */
  calibration?: { multiplier: string; rtlHash: string; inputExps: number[] };
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
  weightsSha256: string;
}

const schema = z.object({
  format: z.literal('axhw-model'),
  version: z.union([z.literal(1), z.literal(2)]),
  model: z.object({
    name: z.string(),
    input: z.array(z.number().int().positive()),
    layers: z.array(z.object({ kind: z.enum(['dense', 'conv2d', 'maxpool', 'flatten']) }).passthrough()),
  }),
  dataset: z.object({
    name: z.string(),
    path: z.string().optional(),
    seed: z.number().int(),
    limitTrain: z.number().int().optional(),
    limitTest: z.number().int().optional(),
  }),
  classes: z.array(z.string()),
  preprocessing: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('standardise') }),
      z.object({
        kind: z.literal('affine'),
        scale: z.number().positive(),
        mean: z.array(z.number()).min(1),
        std: z.array(z.number().positive()).min(1),
      }),
    ])
    .optional(),
  source: z
    .object({ format: z.literal('onnx'), file: z.string(), sha256: z.string(), producer: z.string(), opset: z.number().int() })
    .optional(),
  calibration: z.object({ multiplier: z.string(), rtlHash: z.string(), inputExps: z.array(z.number().int()) }).optional(),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), offset: z.number().int(), length: z.number().int() })),
  weightsSha256: z.string(),
});

export function saveModel(
  dir: string,
  net: Network,
  meta: Omit<ModelFile, 'format' | 'version' | 'model' | 'tensors' | 'weightsSha256'>,
): string[] {
  mkdirSync(dir, { recursive: true });
  const ws = net.weights();
  const total = ws.reduce((a, w) => a + w.data.length, 0);
  const all = new Float32Array(total);
  const tensors: ModelFile['tensors'] = [];
  let off = 0;
  for (const w of ws) {
    all.set(w.data, off);
    tensors.push({ name: w.name, shape: w.shape, offset: off, length: w.data.length });
    off += w.data.length;
  }
  const bytes = new Uint8Array(all.buffer);
  const file: ModelFile = { format: 'axhw-model', version: 2, model: net.spec, ...meta, tensors, weightsSha256: sha256Plain(bytes) };
  writeAtomic(join(dir, 'weights.bin'), bytes);
  writeAtomic(join(dir, 'model.json'), JSON.stringify(file, null, 2) + '\n');
  return [join(dir, 'model.json'), join(dir, 'weights.bin')];
}

export function loadModel(dir: string): { file: ModelFile; weights: { name: string; data: Float32Array }[] } {
  const mj = join(dir, 'model.json');
  const wb = join(dir, 'weights.bin');
  const fix = 'Give the output folder of `axhw train` (model.json + weights.bin) as the model folder, or retrain.';
  if (!existsSync(mj)) throw new AxhwError(`${mj} not found.`, fix);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(mj, 'utf8'));
  } catch (e) {
    throw new AxhwError(`${mj} is not valid JSON (${(e as Error).message}).`, fix);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new AxhwError(`${mj} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, fix);
  const file = parsed.data as unknown as ModelFile;
  if (!existsSync(wb)) throw new AxhwError(`${wb} not found.`, fix);
  const buf = readFileSync(wb);
  if ((file.version === 1 ? sha256(buf) : sha256Plain(buf)) !== file.weightsSha256)
    throw new AxhwError(`${wb} does not match model.json (sha256 differs): corrupt or from another run.`, fix);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const weights = file.tensors.map((t) => {
    if (t.offset + t.length > all.length) throw new AxhwError(`${wb} is too short for tensor ${t.name}.`, fix);
    return { name: t.name, data: all.subarray(t.offset, t.offset + t.length) };
  });
  return { file, weights };
}
