import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot, getDataset } from '../../src/data/datasets.js';
import { applyAffine, parsePreprocessing } from '../../src/data/preprocessing.js';
import { initBackend } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { accuracy, logitsOf, predict } from '../../src/evaluate/predict.js';
import { importModel } from '../../src/onnx/import-model.js';
import { loadModel } from '../../src/nn/model-file.js';
import { npuForModel } from '../../src/target/from-model.js';
import { runOnNpu } from '../../src/npu/run.js';
import { referenceInference } from '../../src/infer/reference.js';
import type { LabelledData } from '../../src/data/table-data.js';
import { requireTool } from '../helpers/tools.js';
import { worst } from '../helpers/onnx-graphs.js';

/**
 * Networks trained and exported by PyTorch (test/fixtures/onnx/make-fixtures.py): imported, they give
 * PyTorch's float outputs and accuracy on the same samples, and run bit-exact on the NPU.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'onnx');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Record<
  string,
  { data: string; preprocess: string; samples: number; logits: number[]; accuracy: number; count: number }
>;
/** The samples PyTorch saw, in file order: digits' one file, Fashion-MNIST's test file. */
function fileOrder(dataset: string): LabelledData {
  const d = getDataset(dataset).load();
  return 'all' in d ? d.all : d.test;
}

beforeAll(async () => {
  if (!existsSync(join(dataRoot(), 'root'))) throw new Error('data sets not fetched: run bash scripts/fetch-data.sh');
  await initBackend();
});

describe.each(['digits-mlp', 'fashion-lenet5'])('%s exported by PyTorch', (name) => {
  const ref = reference[name]!;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `axhw-onnx-${name}-`));
    importModel({
      file: join(FIXTURES, `${name}.onnx`),
      out: dir,
      dataset: ref.data,
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
    });
  }, 120_000);

  it("gives PyTorch's logits (ONNX runner tolerance) and PyTorch's accuracy on every sample it was measured on", () => {
    const { file, weights } = loadModel(dir);
    const net = new Network(file.model, 0);
    net.setWeights(weights);
    const raw = fileOrder(ref.data);
    const d = { ...raw, x: applyAffine(raw.x, raw.shape, file.preprocessing as never) };
    expect(d.n).toBe(ref.count);
    const first = { ...d, n: ref.samples, x: d.x.subarray(0, ref.samples * (d.x.length / d.n)) };
    const logits = logitsOf(net, first);
    expect(logits.length).toBe(ref.logits.length);
    expect(worst(logits, ref.logits, 1e-3)).toBeLessThan(1e-4);
    // The same predictions on every sample: float32 sums in another order move logits by ~1e-6, no argmax here.
    expect(accuracy(predict(net, d), d.y)).toBeCloseTo(ref.accuracy, 6);
    net.dispose();
  });

  it('runs bit-exact on the NPU (DRUM k = 4), layer by layer, against the integer reference', async () => {
    await requireTool('verilator');
    const n = await npuForModel({ modelDir: dir, mult: 'drum:width=8,k=4,signed', sizing: { P: 16 } });
    const samples = name === 'digits-mlp' ? 40 : 2;
    const x = n.data.test.x.subarray(0, samples * (n.data.test.x.length / n.data.test.n));
    const r = await runOnNpu(n.target, x, samples);
    expect(r.mismatch).toBeUndefined();
    expect(r.compared).toBeGreaterThan(0);
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, x, samples).predictions));
    n.net.dispose();
  }, 300_000);
});
