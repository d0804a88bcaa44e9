#!/usr/bin/env node
// Co-simulation benchmark (issue 2). Run after `npm run build`:  node bench/cosim.mjs [--skip-full]
// Prints, all measured in this run on this machine:
//  1. Node-driven exhaustive verification (RTL + model compare) vs a pure C++ Verilator loop over the
//     same module and pairs (the harness's SPIN command: no pipe, no Node), as pairs/s and a ratio.
//  2. Wall time of a cached second `axhw verify` of an 8-bit unit (a fresh CLI process).
//  3. Wall time of the full 16 x 16 DRUM exhaustive verification (2^32 pairs) on all cores.
import { execa } from 'execa';
import { cpus } from 'node:os';
import { resolveUnit } from '../dist/gen/registry.js';
import { generateDesign } from '../dist/gen/generate.js';
import { verifyDesign } from '../dist/verify/verify.js';
import { openPool } from '../dist/cosim/pool.js';

const skipFull = process.argv.includes('--skip-full');
const design = (unit, p) => {
  const r = resolveUnit(unit, p);
  return generateDesign(r.unit, r.params);
};
const fmt = (x) => `${(x / 1e6).toFixed(1)} M pairs/s`;
const cores = cpus().length;
console.log(`# axhw co-simulation benchmark (${cores} cores, node ${process.version})`);

// 1. Throughput on a 12-bit DRUM: 2^24 pairs, each side the best of 3 runs (a run is about 0.2 s, so one
// run is at the mercy of whatever else the machine does for a moment).
const d = design('drum', { width: 12, k: 6, signed: true });
const total = 2 ** 24;
const REPEATS = 3;
for (const jobs of [1, cores]) {
  const pool = await openPool(d, jobs);
  await Promise.all(pool.sessions.map((s) => s.spin(0, 1 << 16))); // warm up
  let cpp = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const per = total / jobs;
    await Promise.all(pool.sessions.map((s, i) => s.spin(i * per, per)));
    cpp = Math.max(cpp, total / ((performance.now() - t0) / 1000));
  }
  await pool.close();
  await verifyDesign(d, { jobs, maxExhaustiveLog2: 24 }); // warm (build cached, JIT warm)
  let node = 0;
  for (let i = 0; i < REPEATS; i++) {
    // seconds include starting the simulator processes, as a user's verify does
    const r = await verifyDesign(d, { jobs, maxExhaustiveLog2: 24 });
    if (!r.passed) throw new Error('verification failed during the benchmark');
    node = Math.max(node, r.pairs / r.seconds);
  }
  console.log(
    `${d.top}, ${jobs} process(es): pure C++ loop ${fmt(cpp)} | Node-driven verify (RTL + model ` +
      `compare) ${fmt(node)} | ratio ${(node / cpp).toFixed(2)}`,
  );
}

// 2. Cached second verify of an 8-bit unit, as a user runs it (fresh process, node start-up included).
const cli = ['bin/axhw.js', 'verify', 'drum', '--width', '8', '--k', '4', '--signed', '--quiet'];
await execa('node', cli);
const times = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await execa('node', cli);
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
console.log(`cached \`axhw ${cli.slice(1).join(' ')}\`: median ${times[2].toFixed(2)} s over 5 runs (min ${times[0].toFixed(2)} s)`);

// 3. Full 16 x 16 exhaustive DRUM verification.
if (!skipFull) {
  const d16 = design('drum', { width: 16, k: 6, signed: false });
  await verifyDesign(d16, { vectors: 1000 }); // build outside the timing
  const r = await verifyDesign(d16, { exhaustive: true });
  console.log(
    `${d16.top} exhaustive: ${r.pairs.toLocaleString('en-US')} pairs in ${r.seconds.toFixed(1)} ` +
      `s (${fmt(r.pairsPerSecond)}), ${r.passed ? 'PASS' : 'FAIL'}`,
  );
}
