#!/usr/bin/env node
// Training-throughput benchmark (issue 5). Run after `npm run build` and `bash scripts/fetch-data.sh`:
//   node bench/train.mjs [--train N] [--epochs E] [--batch B] [--repeats R] [--model mlp:512-512-10]
// Each configuration runs R times, interleaved with the others; the median samples/s is reported.
// Trains the Fashion-MNIST MLP (784-128-128-10) on the same data, same backend, same seed, in this run:
//   exact   : float32 back-propagation (the baseline)
//   pas/transform : DRUM k=4 (8-bit signed, table read from the RTL) through the per-operand transform
//   pas/table     : the same DRUM table through the general table path (every product looked up)
//   pas/table LOA : a user Verilog multiplier that does not factorise (lower-part OR), table path
//   pas/fpmul     : binary32 fpmul at 8 significand bits (mask checked on the RTL), float32 layers
//   approx-training/fpmul : the same, the backward products masked too (FramNN's approximate training)
// and prints samples/s and the ratio to exact. Accuracy is printed too, as a sanity check.
import { mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, backendLine } from '../dist/nn/backend.js';
import { getDataset } from '../dist/data/datasets.js';
import { prepareDataset } from '../dist/data/prepare.js';
import { resolveModel } from '../dist/ir/model-spec.js';
import { train } from '../dist/train/trainer.js';
import { multiplierFromUnit, multiplierFromTableFile } from '../dist/multipliers/fixed-multiplier.js';
import { floatMultiplierFromUnit } from '../dist/multipliers/float-multiplier.js';
import { fixedHardware, floatHardware } from '../dist/nn/hardware.js';
import { FloatArithmetic } from '../dist/nn/float-arithmetic.js';
import { resolveUnitSpec } from '../dist/gen/unit-spec.js';
import { externalDesign } from '../dist/external/design.js';
import { tableFromRtl } from '../dist/lut/from-rtl.js';
import { writeTable } from '../dist/lut/io.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const nTrain = arg('--train', 20000);
const epochs = arg('--epochs', 1);
const batch = arg('--batch', 64);
const repeats = arg('--repeats', 3);
const modelName = process.argv.includes('--model') ? process.argv[process.argv.indexOf('--model') + 1] : 'mnist-mlp';

const backend = await initBackend();
console.log(`# axhw training benchmark: Fashion-MNIST ${modelName}, ${nTrain} training samples x ${epochs} epoch(s), batch ${batch}`);
console.log(`# ${backendLine(backend)}`);
const data = prepareDataset(getDataset('fashion-mnist'), { seed: 1, limitTrain: nTrain, limitTest: 2000 });
const model = resolveModel(modelName, data.shape, data.classes.length);
const drum = await multiplierFromUnit('drum:width=8,k=4,signed');
const dir = mkdtempSync(join(tmpdir(), 'axhw-bench-'));
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const loaDesign = await externalDesign({
  rtl: [join(root, 'test', 'fixtures', 'rtl', 'loa_mult.v')],
  top: 'loa_mult',
  aWidth: 8,
  bWidth: 8,
});
writeTable(await tableFromRtl(loaDesign), join(dir, 'loa.npy'));
const loa = multiplierFromTableFile(join(dir, 'loa.npy'));

const fp8 = await floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=8'));
const runs = [
  ['exact (bp)', undefined],
  ['pas, transform path (DRUM k=4)', fixedHardware(drum, 'transform', 'bench')],
  ['pas, fpmul binary32 mbits 8 (significand mask)', floatHardware(fp8)],
  [
    'approx-training, fpmul binary32 mbits 8 (forward and backward products masked)',
    floatHardware(fp8),
    new FloatArithmetic(fp8, { backward: 'hardware' }),
  ],
  ['pas, table path (DRUM k=4)', fixedHardware(drum, 'table', 'bench')],
  ['pas, table path (LOA, user RTL)', fixedHardware(loa, 'table', 'bench')],
];
// Warm-up (JIT, wasm kernels) so the baseline is not charged for it.
const warm = prepareDataset(getDataset('fashion-mnist'), { seed: 2, limitTrain: 1000, limitTest: 200 });
(
  await train({
    data: warm,
    model,
    method: 'pas',
    hardware: fixedHardware(drum, 'transform', 'bench'),
    epochs: 1,
    batchSize: batch,
    learningRate: 1e-3,
    seed: 1,
  })
).net.dispose();
const results = runs.map(() => ({ sps: [], acc: 0 }));
for (let rep = 0; rep < repeats; rep++) {
  for (const [i, [, hardware, arithmetic]] of runs.entries()) {
    const schedule = arithmetic ? [{ epochs, arithmetic, label: 'approx-training' }] : undefined;
    const r = await train({
      data,
      model,
      method: hardware ? 'pas' : 'bp',
      hardware,
      schedule,
      epochs,
      batchSize: batch,
      learningRate: 1e-3,
      seed: 1,
    });
    results[i].sps.push(r.samplesPerSecond);
    const last = r.history.at(-1);
    results[i].acc = hardware ? last.testAccuracyHw : last.testAccuracy;
    r.net.dispose();
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(results[0].sps);
console.log(`| run | samples/s (median of ${repeats}) | ratio to exact | test accuracy on its arithmetic |`);
console.log('|---|---|---|---|');
runs.forEach(([label], i) => {
  const sps = median(results[i].sps);
  console.log(`| ${label} | ${Math.round(sps)} | ${(sps / base).toFixed(2)} | ${(100 * results[i].acc).toFixed(2)}% |`);
});
