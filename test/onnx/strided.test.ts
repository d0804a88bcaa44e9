import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot } from '../../src/data/datasets.js';
import { parsePreprocessing } from '../../src/data/preprocessing.js';
import { initBackend } from '../../src/nn/backend.js';
import { importModel } from '../../src/onnx/import-model.js';
import { runEval } from '../../src/evaluate/eval-run.js';
import { runTrain } from '../../src/train/run.js';
import { npuForModel, quantisedModel } from '../../src/target/from-model.js';
import { exportHardwareOnnx } from '../../src/onnx/hardware-export.js';
import { checkHardwareExport } from '../../src/onnx/hardware-check.js';
import { decodeModelProto } from '../../src/onnx/proto.js';
import { AxhwError } from '../../src/errors.js';
import { requireTool } from '../helpers/tools.js';
import { bytesOf, floats, is, model, node, seeded } from '../helpers/onnx-graphs.js';

/**
 * An imported network with strided and asymmetrically padded convolutions (an explicit geometry): the
 * engine runs it on the patch op, trains it, evaluates it on a DRUM table bit-exact with the integer
 * reference, exports it as hardware, and the NPU refuses it by name.
 */
let dir: string;
beforeAll(async () => {
  if (!existsSync(join(dataRoot(), 'root'))) throw new Error('data sets not fetched: run bash scripts/fetch-data.sh');
  await requireTool('verilator');
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'axhw-strided-'));
  // digits (8 x 8 x 1): conv 6 @ 3x3 stride 2 pads 1 -> 4 x 4 x 6; conv 8 @ 2x2 pads [1, 0, 0, 1] -> 4 x 4 x 8; 128 -> 10.
  const file = join(dir, 'strided.onnx');
  writeFileSync(
    file,
    bytesOf(
      model(
        [1, 1, 8, 8],
        [
          node('Conv', ['x', 'w1', 'b1'], ['c1'], [is('kernel_shape', [3, 3]), is('strides', [2, 2]), is('pads', [1, 1, 1, 1])]),
          node('Relu', ['c1'], ['r1']),
          node('Conv', ['r1', 'w2', 'b2'], ['c2'], [is('kernel_shape', [2, 2]), is('pads', [1, 0, 0, 1])]),
          node('Relu', ['c2'], ['r2']),
          node('Flatten', ['r2'], ['f']),
          node('Gemm', ['f', 'w3', 'b3'], ['y'], []),
        ],
        [
          floats('w1', [6, 1, 3, 3], seeded(54, 1, 0.5)),
          floats('b1', [6], seeded(6, 2, 0.1)),
          floats('w2', [8, 6, 2, 2], seeded(192, 3, 0.3)),
          floats('b2', [8], seeded(8, 4, 0.1)),
          floats('w3', [128, 10], seeded(1280, 5, 0.1)),
          floats('b3', [10], seeded(10, 6, 0.1)),
        ],
      ),
    ),
  );
  importModel({ file, out: join(dir, 'm'), dataset: 'digits', seed: 1, preprocessing: parsePreprocessing('scale=16') });
}, 120_000);

describe('a strided, asymmetrically padded CNN imported from ONNX', () => {
  it('trains from its weights (the patch op and its gradient at stride 2); on DRUM it agrees with the integer reference', async () => {
    const { metrics } = await runTrain({
      init: join(dir, 'm'),
      method: 'bp',
      epochs: 3,
      batchSize: 32,
      learningRate: 3e-3,
      seed: 1,
      path: 'auto',
      ntvDraws: 1,
      command: 'test',
      out: join(dir, 't'),
    });
    expect(metrics.history[0]!.testAccuracy).toBeLessThan(metrics.testAccuracyExact);
    expect(metrics.testAccuracyExact).toBeGreaterThan(0.8);
    const r = await runEval({ modelDir: join(dir, 't'), multiplier: 'drum:width=8,k=4,signed', path: 'table', ntvDraws: 1, seed: 1 });
    expect(r.hardware!.reference.agreement).toBe(1);
    expect(r.hardware!.accuracy).toBeGreaterThan(0.7);
  }, 300_000);

  it('--as-hardware gives the integer reference bit for bit on every test sample', async () => {
    const m = await quantisedModel({ modelDir: join(dir, 'm'), mult: 'drum:width=8,k=4,signed' });
    expect(m.q.layers[0]).toMatchObject({ stride: 2, pads: [1, 1, 1, 1] });
    const proto = decodeModelProto(exportHardwareOnnx(m.q, { producerVersion: 't', multiplier: 'drum', classes: m.data.classes }), 'hw');
    const t = m.data.test;
    expect(checkHardwareExport(proto, m.q, t.x, t.n)).toEqual({ samples: t.n, differing: 0, largest: 0 });
    m.net.dispose();
  }, 120_000);

  it('the NPU refuses it, naming the layer and what its window walk takes', async () => {
    const refused = npuForModel({ modelDir: join(dir, 'm'), mult: 'drum:width=8,k=4,signed', sizing: { P: 4 } });
    await expect(refused).rejects.toBeInstanceOf(AxhwError);
    await expect(refused).rejects.toThrow(/convolves with stride 2 and padding \[1, 1, 1, 1\]; the NPU's window walk takes stride 1/);
  }, 120_000);
});
