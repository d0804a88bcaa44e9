#!/usr/bin/env node
// NPU benchmark (issue 16). Run after `npm run build`:  node bench/npu.mjs [--samples N]
// All measured in this run, on this machine:
//  1. The Fashion-MNIST MLP (784-128-128-10, 8-bit exact multiplier, P = 16) on the Verilated NPU for the
//     whole test split (10,000 images; 2 simulator processes), every layer compared with the integer
//     reference: inferences/s and simulated cycles/s; against the JavaScript integer reference alone on the
//     same samples (the baseline of the ratio).
//  2. Cycles per inference against P from the cycle model (equal to the simulation, which test/npu checks),
//     for the MLP and LeNet-5.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend } from '../dist/nn/backend.js';
import { Network } from '../dist/nn/network.js';
import { lenet5, resolveModel } from '../dist/ir/model-spec.js';
import { saveModel } from '../dist/nn/model-file.js';
import { npuForModel } from '../dist/target/from-model.js';
import { runOnNpu } from '../dist/npu/run.js';
import { referenceInference } from '../dist/infer/reference.js';
import { cycleModel } from '../dist/models/npu-program.js';

const arg = process.argv.indexOf('--samples');
const limit = arg > 0 ? Number(process.argv[arg + 1]) : undefined;
await initBackend();
const classes = Array.from({ length: 10 }, (_, i) => String(i));
function modelDir(spec, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'axhw-bench-npu-'));
  const net = new Network(spec, seed);
  // initialised weights, calibrated on 2,000 training images: speed does not depend on training
  saveModel(dir, net, { dataset: { name: 'fashion-mnist', seed: 1, limitTrain: 2000, limitTest: limit }, classes });
  net.dispose();
  return dir;
}

console.log('# axhw NPU benchmark');
const mlpDir = modelDir(resolveModel('mnist-mlp', [28, 28, 1], 10), 1);
const n = await npuForModel({ modelDir: mlpDir, mult: 'exact-mul:width=8,signed', sizing: { P: 16 } });
const t = n.data.test;
await runOnNpu(n.target, t.x, 16, { jobs: 2 }); // build (cached) and warm up
const r = await runOnNpu(n.target, t.x, t.n, { jobs: 2, batch: 250 });
if (r.mismatch) throw new Error(`NPU differs from the reference: ${JSON.stringify(r.mismatch)}`);
const t0 = performance.now();
for (let s = 0; s < t.n; s += 500) referenceInference(n.q, t.x.subarray(s * 784, Math.min(t.n, s + 500) * 784), Math.min(500, t.n - s));
const refSeconds = (performance.now() - t0) / 1000;
console.log(`\n## Fashion-MNIST MLP on the Verilated NPU (${n.target.design.top})\n`);
console.log('| what | samples | seconds | inferences/s | simulated cycles/s |');
console.log('|---|---:|---:|---:|---:|');
console.log(
  `| NPU RTL, 2 processes, every layer compared | ${t.n} | ${r.seconds.toFixed(1)} | ${(t.n / r.seconds).toFixed(0)} ` +
    `| ${(r.simulatedCycles / r.seconds / 1e6).toFixed(2)} M |`,
);
console.log(`| JavaScript integer reference alone (baseline) | ${t.n} | ${refSeconds.toFixed(1)} | ${(t.n / refSeconds).toFixed(0)} | - |`);
console.log(
  `\nRTL / reference throughput: ${(t.n / r.seconds / (t.n / refSeconds)).toFixed(2)}x; ${r.cyclesModel} ` +
    `cycles per inference; bit-exact on all ${t.n}.`,
);
n.net.dispose();

console.log('\n## Cycles per inference against P (cycle model = simulation)\n');
const lenet = await npuForModel({ modelDir: modelDir(lenet5([28, 28, 1], 10), 3), mult: 'exact-mul:width=8,signed', sizing: { P: 64 } });
const mlpProgram = n.target.compiled.program;
const lenetProgram = lenet.target.compiled.program;
console.log('| P | MLP 784-128-128-10 | LeNet-5 |');
console.log('|---:|---:|---:|');
for (const P of [1, 2, 4, 8, 16, 32, 64]) {
  // the groups depend on P: recompute each layer's group count for this P
  const at = (prog) =>
    cycleModel({ ...prog, layers: prog.layers.map((l) => (l.op === 'mac' ? { ...l, groups: Math.ceil(l.f / P) } : l)) }, P).total;
  console.log(`| ${P} | ${at(mlpProgram)} | ${at(lenetProgram)} |`);
}
lenet.net.dispose();
