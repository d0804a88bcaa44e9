#!/usr/bin/env node
// fpmul benchmark (issue 3). Run after `npm run build`:  node bench/fpmul.mjs [--skip-full]
// Prints, all measured in this run on this machine:
//  1. Random-vector verification of binary32 (RTL + model compare, driven from Node) vs the pure C++
//     Verilator loop over random pairs (the harness's SPINRAND command: xorshift in C++, no pipe, no
//     Node), as pairs/s and a ratio, on 1 process and on all cores.
//  2. Model-only throughput (the TypeScript bit-exact model, no simulator), pairs/s.
//  3. Wall time of an exhaustive bfloat16 verification at one mbits (2^32 pairs, --exhaustive).
import { cpus } from 'node:os';
import { resolveUnit } from '../dist/gen/registry.js';
import { generateDesign } from '../dist/gen/generate.js';
import { verifyDesign } from '../dist/verify/verify.js';
import { openPool } from '../dist/cosim/pool.js';
import { fpmulBatchModel, FP_PRESETS } from '../dist/models/fpmul.js';
import { Rng } from '../dist/util/rng.js';

const skipFull = process.argv.includes('--skip-full');
const design = (p, preset) => {
  const r = resolveUnit('fpmul', p, preset);
  return generateDesign(r.unit, r.params);
};
const fmt = (x) => `${(x / 1e6).toFixed(1)} M pairs/s`;
const cores = cpus().length;
console.log(`# axhw fpmul benchmark (${cores} cores, node ${process.version})`);

// 1. Random-vector verification of binary32 at two mbits settings.
const d = design({}, 'binary32');
const vectors = 8_000_000;
for (const jobs of [1, cores]) {
  const pool = await openPool(d, jobs);
  await Promise.all(pool.sessions.map((s, i) => s.spinRandom(1 << 16, 1000 + i))); // warm up
  const t0 = performance.now();
  const per = Math.ceil(vectors / jobs);
  await Promise.all(pool.sessions.map((s, i) => s.spinRandom(per, 1 + i)));
  const cpp = (per * jobs) / ((performance.now() - t0) / 1000);
  await pool.close();
  const settings = [{ mbits: 24 }, { mbits: 8 }];
  await verifyDesign(d, { jobs, vectors: 500_000, controls: settings }); // warm (build cached, JIT warm)
  const r = await verifyDesign(d, { jobs, vectors: vectors / 2, controls: settings });
  if (!r.passed) throw new Error('verification failed during the benchmark');
  const node = r.pairs / r.seconds;
  console.log(
    `${d.top}, ${jobs} process(es): pure C++ random loop ${fmt(cpp)} | Node-driven random verify ` +
      (`(RTL + model compare, mbits 24 and 8, ${r.pairs.toLocaleString('en-US')} ` +
        `pairs incl. ${(r.cornerPairs * 2).toLocaleString('en-US')} `) +
      `corner) ${fmt(node)} | ratio ${(node / cpp).toFixed(2)}`,
  );
}

// 2. The model alone.
{
  const n = 1 << 16;
  const rng = new Rng(1);
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.nextBits(32);
    b[i] = rng.nextBits(32);
  }
  const models = [24, 8].map((m) => fpmulBatchModel({ ...FP_PRESETS.binary32, rounding: 'rne', subnormals: 'full' }, m));
  for (let w = 0; w < 20; w++) for (const m of models) m.evalBatch(a, b, n, out);
  const rounds = 200;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const m of models) m.evalBatch(a, b, n, out);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `binary32 model alone (mbits 24 and 8 alternating): ${fmt((2 * rounds * n) / s)} (${((s * 1e9) / (2 * rounds * n)).toFixed(1)} ` +
      `ns/pair)`,
  );
}

// 3. Exhaustive bfloat16 at one mbits.
if (!skipFull) {
  const bf = design({}, 'bfloat16');
  await verifyDesign(bf, { vectors: 1000, controls: [{ mbits: 8 }] }); // build outside the timing
  const r = await verifyDesign(bf, { exhaustive: true, controls: [{ mbits: 8 }] });
  console.log(
    `${bf.top} exhaustive at mbits 8: ${r.pairs.toLocaleString('en-US')} pairs in ${r.seconds.toFixed(1)} ` +
      `s (${fmt(r.pairsPerSecond)}), ${r.passed ? 'PASS' : 'FAIL'}`,
  );
}
