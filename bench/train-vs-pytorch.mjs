#!/usr/bin/env node
// axhw against PyTorch (issue 17). Run after `npm run build` and `bash scripts/fetch-data.sh`:
//   node bench/train-vs-pytorch.mjs [--train N] [--repeats R] [--rss-epochs E] [--no-rss] [--only TEXT[,TEXT]]
// Trains the same networks on the same Fashion-MNIST samples, in the same order, from the same initial
// weights, with the same batch (64) and optimiser (Adam, lr 1e-3), in axhw (this process) and in
// PyTorch (bench/torch_train.py, Debian's python3-torch, at 1, 2, 4, ... threads up to the cores), interleaved
// over R repeats, each side warmed on 640 samples of the same run in the process then measured; prints
// median samples/s and the ratio axhw / PyTorch at its best thread count:
//   MLP 784-128-128-10: exact; DRUM k=4 transform path; DRUM k=4 table path (every product looked up)
//   LeNet-5 (mnist-cnn): exact; DRUM k=4 transform path
//   FramNN MLP 784-512-512-10: exact; fpmul binary32 at 8 significand bits (forward products masked)
// PyTorch's approximate runs are written the way a PyTorch user would (bench/torch_train.py). When
// python3-torch is missing, the benchmark installs it with apt-get (as root) and says so; PyTorch is not a
// dependency of axhw. Then a child process trains LeNet-5 on all 60,000 images for E epochs (default 2)
// and prints its peak RSS and live tensors after each epoch. --only keeps the runs whose label contains one
// of the texts (e.g. --only LeNet).
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, backendLine, tf } from '../dist/nn/backend.js';
import { getDataset } from '../dist/data/datasets.js';
import { prepareDataset, permutation } from '../dist/data/prepare.js';
import { resolveModel } from '../dist/ir/model-spec.js';
import { Network } from '../dist/nn/network.js';
import { train } from '../dist/train/trainer.js';
import { multiplierFromUnit } from '../dist/multipliers/fixed-multiplier.js';
import { floatMultiplierFromUnit } from '../dist/multipliers/float-multiplier.js';
import { fixedHardware, floatHardware } from '../dist/nn/hardware.js';
import { resolveUnitSpec } from '../dist/gen/unit-spec.js';

const argv = process.argv.slice(2);
const arg = (name, def) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's, where apt puts python3-torch
const BATCH = 64;
const SEED = 1;
// PyTorch at every power-of-two thread count up to the cores (1 and 2 here); each run is compared with its best.
const THREADS = Array.from({ length: Math.floor(Math.log2(cpus().length)) + 1 }, (_, i) => 2 ** i);
// Both sides are warmed on this many samples of the same run, in the process that is then measured.
const WARMUP = 640;

if (argv[0] === '--rss-child') await rssChild(arg('--rss-child', 2));
else await main();

async function main() {
  const nTrain = arg('--train', 10000);
  const repeats = arg('--repeats', 3);
  const backend = await initBackend();
  console.log(
    `# axhw vs PyTorch training benchmark: Fashion-MNIST, ${nTrain} training samples x 1 epoch, batch ${BATCH}, Adam lr 1e-3, seed ${SEED}`,
  );
  console.log(`# axhw: ${backendLine(backend)}`);
  const torch = ensureTorch();
  console.log(`# PyTorch: ${torch.line}`);

  const data = prepareDataset(getDataset('fashion-mnist'), { seed: SEED, limitTrain: nTrain, limitTest: 500 });
  const drum = await multiplierFromUnit('drum:width=8,k=4,signed');
  const fp8 = await floatMultiplierFromUnit(resolveUnitSpec('fpmul:mbits=8'));
  const dir = mkdtempSync(join(tmpdir(), 'axhw-vs-torch-'));
  const arith = writeData(dir, data, drum, fp8);

  const mlp = resolveModel('mnist-mlp', data.shape, data.classes.length);
  const lenet = resolveModel('mnist-cnn', data.shape, data.classes.length);
  const framnn = resolveModel('mlp:512-512-10', data.shape, data.classes.length);
  const transform = fixedHardware(drum, 'transform', 'bench');
  const table = fixedHardware(drum, 'table', 'bench');
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
  const rows = [
    { label: 'MLP 784-128-128-10, exact', model: mlp, torch: 'exact' },
    { label: 'MLP 784-128-128-10, DRUM k=4 transform path', model: mlp, hardware: transform, torch: 'transform' },
    { label: 'MLP 784-128-128-10, DRUM k=4 table path', model: mlp, hardware: table, torch: 'table' },
    { label: 'LeNet-5, exact', model: lenet, torch: 'exact' },
    { label: 'LeNet-5, DRUM k=4 transform path', model: lenet, hardware: transform, torch: 'transform' },
    { label: 'FramNN MLP 784-512-512-10, exact', model: framnn, torch: 'exact' },
    { label: 'FramNN MLP 784-512-512-10, fpmul m=8', model: framnn, hardware: floatHardware(fp8), torch: 'fpmul' },
  ].filter((r) => !only || only.some((o) => r.label.includes(o)));
  if (!rows.length) throw new Error(`--only ${only} matches no run`);
  const models = [...new Set(rows.map((r) => r.model))];
  models.forEach((m, i) => writeModel(join(dir, `m${i}`), dir, m, data, arith));

  // Warm-up (JIT, wasm kernels) so the first measured run is not charged for it.
  const warm = prepareDataset(getDataset('fashion-mnist'), { seed: 2, limitTrain: WARMUP, limitTest: 100 });
  /** One epoch of a run on these samples, as both sides train it. */
  const epoch = (r, d) =>
    train({
      data: d,
      model: r.model,
      method: r.hardware ? 'pas' : 'bp',
      hardware: r.hardware,
      epochs: 1,
      batchSize: BATCH,
      learningRate: 1e-3,
      seed: SEED,
    });
  for (const r of rows) (await epoch(r, warm)).net.dispose();

  const results = rows.map(() => ({ axhw: [], torch: Object.fromEntries(THREADS.map((t) => [t, []])), loss: {} }));
  for (let rep = 0; rep < repeats; rep++) {
    for (const [i, r] of rows.entries()) {
      const t = await epoch(r, data);
      results[i].axhw.push(t.samplesPerSecond);
      results[i].loss.axhw = t.history[0].loss;
      t.net.dispose();
    }
    if (torch.ok)
      for (const threads of THREADS)
        models.forEach((m, mi) => {
          const mine = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.model === m);
          for (const line of runTorch(
            join(dir, `m${mi}`),
            threads,
            mine.map(({ r }) => r.torch),
          )) {
            const { i } = mine.find(({ r }) => r.torch === line.run);
            results[i].torch[threads].push(line.samplesPerSecond);
            results[i].loss.torch = line.loss;
          }
        });
    console.error(`# repeat ${rep + 1}/${repeats} done`);
  }
  rmSync(dir, { recursive: true, force: true });

  const median = (a) => (a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] : NaN);
  const threadColumns = THREADS.map((t) => `PyTorch ${t} thread${t > 1 ? 's' : ''}`);
  console.log(`| run | axhw samples/s | ${threadColumns.join(' | ')} | axhw / PyTorch (best) | epoch's mean loss, axhw / PyTorch |`);
  console.log(`|---|---|${THREADS.map(() => '---|').join('')}---|---|`);
  rows.forEach((r, i) => {
    const a = median(results[i].axhw);
    const perThreads = THREADS.map((t) => median(results[i].torch[t]));
    const best = Math.max(...perThreads);
    const f = (v) => (Number.isFinite(v) ? String(Math.round(v)) : 'n/a');
    const { axhw: la, torch: lt } = results[i].loss;
    console.log(
      `| ${r.label} | ${f(a)} | ${perThreads.map(f).join(' | ')} | ${Number.isFinite(best) ? (a / best).toFixed(2) + 'x' : 'n/a'} ` +
        `| ${la.toFixed(3)} / ${lt === undefined ? 'n/a' : lt.toFixed(3)} |`,
    );
  });
  console.log(
    `# medians of ${repeats} interleaved repeats, each side warmed on ${WARMUP} samples of the same run in the measured ` +
      `process; PyTorch's approximate runs: quantise + gather ` +
      `(transform), every product gathered from the table (table), significand masks (fpmul), straight-through ` +
      `backward`,
  );
  if (!argv.includes('--no-rss')) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rss-child', String(arg('--rss-epochs', 2))], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = 1;
  }
}

/** PyTorch from Debian: present, or installed with apt-get when this runs as root, or the reason it is not. */
function ensureTorch() {
  const probe = () => spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__, torch.get_num_threads())'], { encoding: 'utf8' });
  let p = probe();
  let installed = '';
  if (p.status !== 0) {
    if (process.getuid?.() !== 0)
      return {
        ok: false,
        line: `not run: ${PYTHON} cannot import torch and this is not root (install it: apt-get install -y python3-torch)`,
      };
    console.log('# python3-torch is missing: installing it with apt-get (a benchmark peer only, not an axhw dependency) ...');
    const apt = spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (apt.status !== 0) return { ok: false, line: 'not run: apt-get install python3-torch failed' };
    installed = ', installed by this benchmark with apt-get';
    p = probe();
    if (p.status !== 0) return { ok: false, line: `not run: torch still does not import (${p.stderr.trim().split('\n').at(-1)})` };
  }
  return {
    ok: true,
    line: `torch ${p.stdout.trim().split(' ')[0]} (Debian python3-torch${installed}), CPU, ${THREADS.join(', ')} threads`,
  };
}

function runTorch(folder, threads, runs) {
  const r = spawnSync(PYTHON, [join(here, 'torch_train.py'), folder, String(threads), runs.join(','), String(WARMUP)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`PyTorch run failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

function f32(a) {
  return Buffer.from(Float32Array.from(a).buffer);
}
function i32(a) {
  return Buffer.from(Int32Array.from(a).buffer);
}

/** The samples, labels and the trainer's first-epoch order; the DRUM transform and table; the fpmul mask. */
function writeData(dir, data, drum, fp8) {
  writeFileSync(join(dir, 'x.f32'), f32(data.train.x));
  writeFileSync(join(dir, 'y.i32'), i32(data.train.y));
  writeFileSync(join(dir, 'order.i32'), i32(permutation(data.train.n, SEED * 7919 + 1)));
  writeFileSync(join(dir, 'drum_a.f32'), f32(drum.transform.a));
  writeFileSync(join(dir, 'drum_b.f32'), f32(drum.transform.b));
  writeFileSync(join(dir, 'drum_table.f32'), f32(drum.products));
  return { qmin: drum.qmin, qmax: drum.qmax, mask: fp8.mask };
}

/** A model's spec and the initial weights axhw's trainer starts from (same seed). */
function writeModel(folder, dataDir, model, data, arith) {
  mkdirSync(folder);
  const net = new Network(model, SEED);
  const arrays = net.weightArrays();
  arrays.forEach(({ w, b }, k) => {
    writeFileSync(join(folder, `w${k}.f32`), f32(w));
    writeFileSync(join(folder, `b${k}.f32`), f32(b));
  });
  writeFileSync(
    join(folder, 'meta.json'),
    JSON.stringify({
      model: { ...model, input: data.shape },
      batch: BATCH,
      data: dataDir,
      weights: net.weighted.map((p) => p.w.shape),
      ...arith,
    }),
  );
  net.dispose();
}

/** Peak RSS and live tensors after each epoch of LeNet-5 on all 60,000 Fashion-MNIST images. */
async function rssChild(epochs) {
  await initBackend();
  const data = prepareDataset(getDataset('fashion-mnist'), { seed: SEED, limitTest: 1000 });
  const model = resolveModel('mnist-cnn', data.shape, data.classes.length);
  console.log(`# LeNet-5 (exact), ${data.train.n} images per epoch, batch ${BATCH}: memory after each epoch`);
  console.log('| epoch | samples/s | peak RSS (MiB) | RSS now (MiB) | live tensors |');
  console.log('|---|---|---|---|---|');
  const r = await train({
    data,
    model,
    method: 'bp',
    epochs,
    batchSize: BATCH,
    learningRate: 1e-3,
    seed: SEED,
    onEpoch: (e) =>
      console.log(
        `| ${e.epoch} | ${Math.round(e.samplesPerSecond)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ` +
          `| ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} | ${tf.memory().numTensors} |`,
      ),
  });
  r.net.dispose();
}
