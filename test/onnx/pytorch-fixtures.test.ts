import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot, getDataset } from '../../src/data/datasets.js';
import { applyAffine, parsePreprocessing } from '../../src/data/preprocessing.js';
import { initBackend } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { accuracy, logitsOf, predict } from '../../src/evaluate/predict.js';
import { importModel } from '../../src/onnx/import-model.js';
import { loadModel } from '../../src/nn/model-file.js';
import { runOnNpu } from '../../src/npu/run.js';
import { referenceInference } from '../../src/infer/reference.js';
import type { LabelledData } from '../../src/data/table-data.js';
import { requireTool } from '../helpers/tools.js';
import { exportOnnx } from '../../src/onnx/export.js';
import { exportHardwareOnnx } from '../../src/onnx/hardware-export.js';
import { checkHardwareExport } from '../../src/onnx/hardware-check.js';
import { runOnnx } from '../../src/onnx/interpreter.js';
import { decodeModelProto } from '../../src/onnx/proto.js';
import { npuForQuantised, quantisedModel, type QuantisedModel } from '../../src/target/from-model.js';
import { runTrain } from '../../src/train/run.js';
import { loadResult } from '../../src/report/sources.js';
import { quantiseValue } from '../../src/arith/fixed-point.js';
import { bytesOf, qdqMlp, worst } from '../helpers/onnx-graphs.js';

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
  // One calibration (a pass over the training split) for the hardware export and the NPU run. LeNet-5's model folder
  // keeps the first 6,000 of Fashion-MNIST's 60,000 training images: the calibration then takes 2 s, not 24. Nothing
  // here depends on how many: the checks compare the hardware graph and the NPU with the integer reference under
  // whatever exponents the calibration froze, and the float checks read the test split, which stays whole.
  let quantised: Promise<QuantisedModel> | undefined;
  const onDrum4 = () => (quantised ??= quantisedModel({ modelDir: dir, mult: 'drum:width=8,k=4,signed' }));
  afterAll(async () => {
    if (quantised) (await quantised).net.dispose();
  });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `axhw-onnx-${name}-`));
    importModel({
      file: join(FIXTURES, `${name}.onnx`),
      out: dir,
      dataset: ref.data,
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
      ...(name === 'fashion-lenet5' ? { limitTrain: 6000 } : {}),
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

  it("exported again (float), axhw's ONNX interpreter gives PyTorch's logits: an evaluation that shares no code with the importer", () => {
    const { file, weights } = loadModel(dir);
    const proto = decodeModelProto(exportOnnx(file.model, weights, { classes: file.classes, producerVersion: 't' }), name);
    const raw = fileOrder(ref.data);
    const f = raw.x.length / raw.n;
    const x = applyAffine(raw.x.subarray(0, ref.samples * f), raw.shape, file.preprocessing as never);
    const dims = raw.shape.length === 3 ? [ref.samples, raw.shape[2]!, raw.shape[0]!, raw.shape[1]!] : [ref.samples, f];
    // The data sets' images are h-w-c; ONNX's input is c-h-w (one channel here, so the same order).
    expect(raw.shape.length === 1 || raw.shape[2] === 1).toBe(true);
    const logits = runOnnx(proto, { input: { dims, data: Float64Array.from(x) } }).logits!.data;
    expect(worst(logits, ref.logits, 1e-3)).toBeLessThan(1e-4);
  });

  it('--as-hardware on DRUM k = 4: the integer graph = the integer reference (all digits, 40 LeNet-5); wrong products fail', async () => {
    const m = await onDrum4();
    const proto = decodeModelProto(exportHardwareOnnx(m.q, { producerVersion: 't', multiplier: 'drum', classes: m.data.classes }), name);
    const t = m.data.test;
    const n = name === 'digits-mlp' ? t.n : 40;
    const x = t.x.subarray(0, n * (t.x.length / t.n));
    expect(checkHardwareExport(proto, m.q, x, n)).toEqual({ samples: n, differing: 0, largest: 0 });
    // Negative control: the products of one activation code that the first sample's input holds, each 1000 too large.
    const table = proto.graph!.initializer!.find((i) => i.name!.startsWith('products'))!;
    const { qmin, qmax } = m.q.mult;
    const code = Array.from(x, (v) => quantiseValue(v, m.q.layers[0]!.inputExp, qmin, qmax)).find((c) => c !== 0)!;
    const range = qmax - qmin + 1;
    const bytes = Uint8Array.from(table.rawData!);
    const view = new DataView(bytes.buffer);
    for (let j = 0; j < range; j++) {
      const at = ((code - qmin) * range + j) * 8;
      view.setBigInt64(at, view.getBigInt64(at, true) + 1000n, true);
    }
    table.rawData = bytes;
    expect(checkHardwareExport(proto, m.q, x, n).differing).toBeGreaterThan(0);
  }, 300_000);

  it('runs bit-exact on the NPU (DRUM k = 4), layer by layer, against the integer reference', async () => {
    await requireTool('verilator');
    const n = npuForQuantised(await onDrum4(), { P: 16 });
    const samples = name === 'digits-mlp' ? 40 : 2;
    const x = n.data.test.x.subarray(0, samples * (n.data.test.x.length / n.data.test.n));
    const r = await runOnNpu(n.target, x, samples);
    expect(r.mismatch).toBeUndefined();
    expect(r.compared).toBeGreaterThan(0);
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, x, samples).predictions));
  }, 300_000);
});

describe('QDQ weights (the digits MLP quantised as onnxruntime quantize_static writes it)', () => {
  it("are read as stored; the import reports the codes that differ from axhw's power-of-two quantisation and both accuracies", async () => {
    const ref = reference['digits-mlp']!;
    const dir = mkdtempSync(join(tmpdir(), 'axhw-onnx-qdq-'));
    importModel({
      file: join(FIXTURES, 'digits-mlp.onnx'),
      out: dir,
      dataset: 'digits',
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
    });
    const { weights } = loadModel(dir);
    const layer = (k: number) => {
      const [w, b] = [weights.find((t) => t.name === `w${k}`)!.data, weights.find((t) => t.name === `b${k}`)!.data];
      return { w, b, fanIn: w.length / b.length, out: b.length };
    };
    const file = join(dir, 'qdq.onnx');
    writeFileSync(file, bytesOf(qdqMlp([layer(1), layer(2)])));
    const r = importModel({ file, out: join(dir, 'qdq'), dataset: 'digits', seed: 1, preprocessing: parsePreprocessing(ref.preprocess) });
    expect(r.notes.join('\n')).toMatch(/activation dropped/);
    expect(r.qdq!.layers.map((l) => [l.layer, l.codes, l.qdqScales.perOutput])).toEqual([
      [1, 64 * 32, true],
      [2, 32 * 10, true],
    ]);
    // Per-channel scales against one power-of-two exponent per layer: many codes differ; both networks still classify.
    for (const l of r.qdq!.layers) expect(l.differing).toBeGreaterThan(l.codes / 4);
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    expect(r.qdq!.axhwAccuracy).toBeGreaterThan(0.9);
    // Positive control: QDQ made with axhw's own power-of-two scale and rounding has no differing code.
    const exps = r.qdq!.layers.map((l) => l.axhwExponent);
    writeFileSync(file, bytesOf(qdqMlp([layer(1), layer(2)], (k) => 2 ** exps[k]!)));
    const same = importModel({
      file,
      out: join(dir, 'qdq2'),
      dataset: 'digits',
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
    });
    expect(same.qdq!.layers.map((l) => l.differing)).toEqual([0, 0]);
    // The record is a result `axhw report` reads: the QDQ table is part of its page.
    const docs = await loadResult(join(dir, 'qdq'));
    expect(docs.map((d) => d.title)).toEqual(['ONNX import: qdq (qdq.onnx) on digits']);
    expect(docs[0]!.sections.map((x) => x.title)).toContain("QDQ weights against axhw's quantisation");
  }, 120_000);
});

describe('export -> import', () => {
  it("takes the preprocessing from the file's metadata when --preprocess is not given, and the weights bit for bit", () => {
    const ref = reference['digits-mlp']!;
    const dir = mkdtempSync(join(tmpdir(), 'axhw-onnx-meta-'));
    importModel({
      file: join(FIXTURES, 'digits-mlp.onnx'),
      out: join(dir, 'a'),
      dataset: 'digits',
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
    });
    const { file, weights } = loadModel(join(dir, 'a'));
    writeFileSync(
      join(dir, 'a.onnx'),
      exportOnnx(file.model, weights, { preprocessing: file.preprocessing, classes: file.classes, producerVersion: 't' }),
    );
    const back = importModel({ file: join(dir, 'a.onnx'), out: join(dir, 'b'), dataset: 'digits', seed: 1 });
    expect(back.preprocessing).toBe('scale=16');
    expect(loadModel(join(dir, 'b')).file.preprocessing).toEqual(file.preprocessing);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const again = loadModel(join(dir, 'b')).weights;
    for (const w of weights) expect(bytes(again.find((x) => x.name === w.name)!.data), w.name).toEqual(bytes(w.data));
  });
});

describe('train --init from an imported network', () => {
  it('starts from its weights, data and preprocessing, and keeps them (a vanishing learning rate leaves its accuracy)', async () => {
    const ref = reference['digits-mlp']!;
    const dir = mkdtempSync(join(tmpdir(), 'axhw-onnx-init-'));
    const imported = importModel({
      file: join(FIXTURES, 'digits-mlp.onnx'),
      out: join(dir, 'm'),
      dataset: 'digits',
      seed: 1,
      preprocessing: parsePreprocessing(ref.preprocess),
    });
    const base = {
      init: join(dir, 'm'),
      method: 'bp' as const,
      epochs: 1,
      batchSize: 32,
      learningRate: 1e-12,
      seed: 5,
      path: 'auto' as const,
      ntvDraws: 1,
      command: 'test',
    };
    const { metrics } = await runTrain({ ...base, out: join(dir, 't') });
    expect(metrics.testAccuracyExact).toBe(imported.testAccuracy);
    const saved = loadModel(join(dir, 't')).file;
    expect(saved.preprocessing).toEqual(parsePreprocessing(ref.preprocess));
    expect(saved.source?.sha256).toBe(imported.source.sha256);
    expect(saved.dataset).toEqual(loadModel(join(dir, 'm')).file.dataset);
    // The same run from scratch (no --init) is nowhere near: the starting weights are what carried the accuracy.
    const scratch = await runTrain({ ...base, init: undefined, dataset: 'digits', model: 'mlp:32-10', out: join(dir, 's') });
    expect(scratch.metrics.testAccuracyExact).toBeLessThan(imported.testAccuracy - 0.3);
  }, 120_000);
});
