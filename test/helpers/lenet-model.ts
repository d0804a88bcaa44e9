import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { saveModel } from '../../src/nn/model-file.js';
import { Network } from '../../src/nn/network.js';
import { lenet5 } from '../../src/ir/model-spec.js';

/**
 * A LeNet-5 model folder on Fashion-MNIST, initialised (seed 3) and not trained: bit-exactness does not
 * depend on training. Calibrated on 500 training images; `testImages` of the test split.
 */
export function initialisedLenetModel(testImages: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'axhw-lenet-'));
  const net = new Network(lenet5([28, 28, 1], 10), 3);
  saveModel(dir, net, {
    dataset: { name: 'fashion-mnist', seed: 1, limitTrain: 500, limitTest: testImages },
    classes: Array.from({ length: 10 }, (_, i) => String(i)),
  });
  net.dispose();
  return dir;
}
