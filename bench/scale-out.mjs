#!/usr/bin/env node
// Scale-out benchmark (issue 41). Run after `npm run build`:  node bench/scale-out.mjs [--width 14] [--shards 2,4]
// 1. One plan, two ways, in the same run: the exhaustive verify of a W-bit DRUM (2^(2W) pairs) unsharded, and as
//    n local shards (axhw plan --local, then its run-local.sh: the shards and the merge). Ratio = unsharded
//    seconds / sharded seconds (above 1: the shards were faster). The machine's cores are shared by the shards,
//    so on one machine the ratio shows the overhead; the gain comes from more machines.
// 2. The overhead of planning (axhw plan) and of merging (axhw merge on the finished parts), medians of 3.
// 3. Per-shard throughput of the exhaustive checks too big for one run (20- and 24-bit DRUM, 2^40 and 2^48
//    pairs): one shard of 2^30 pairs from the middle of each plan, and what the whole check takes on 1..1024
//    such machines (extrapolated from that throughput: the sweep's batches are all the same size).
// 4. npu cost as n shards by part instance against the unsharded cost (--cost-samples 32; --skip-cost skips it).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const width = Number(arg('--width', '14'));
const shardCounts = arg('--shards', '2,4').split(',').map(Number);
const axhw = fileURLToPath(new URL('../bin/axhw.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'axhw-bench-scale-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (args, opts = {}) => execa(process.execPath, [axhw, ...args], { cwd: dir, ...opts });
async function seconds(f) {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

const unit = `drum:width=${width},k=6`;
const pairs = 2 ** (2 * width);
console.log(`# axhw scale-out (${availableParallelism()} cores, node ${process.version})\n`);
await run(['verify', unit, '--exhaustive', '--quiet']); // the Verilator build, cached from here on
const whole = await seconds(() => run(['verify', unit, '--exhaustive', '--quiet', '--report', 'whole.json']));
console.log(`## ${unit}: 2^${2 * width} pairs exhaustive, unsharded ${whole.toFixed(2)} s\n`);
console.log('| shards | at a time (cores per shard) | seconds (shards + merge) | unsharded / sharded | plan s | merge s |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const n of shardCounts)
  for (const cpus of [2, 1]) {
    const plan = join(dir, `plan-${n}-${cpus}`);
    const planRuns = [];
    for (let i = 0; i < 3; i++)
      planRuns.push(
        await seconds(() =>
          run(['plan', '--shards', `${n}`, '--local', '--cpus-per-task', `${cpus}`, '-o', plan, '--', 'verify', unit, '--exhaustive']),
        ),
      );
    const planS = median(planRuns);
    const total = await seconds(() => execa('bash', [join(plan, 'run-local.sh')], { cwd: dir }));
    const mergeS = [];
    for (let i = 0; i < 3; i++) mergeS.push(await seconds(() => run(['merge', join(plan, 'parts'), '-o', join(dir, 'again')])));
    const parallel = Math.max(1, Math.floor(availableParallelism() / cpus));
    const cells = [n, `${parallel} (${cpus})`, total.toFixed(2), (whole / total).toFixed(2), planS.toFixed(2), median(mergeS).toFixed(2)];
    console.log(`| ${cells.join(' | ')} |`);
  }

console.log('\n## One shard of 2^30 pairs from the middle of a plan too big for one run\n');
console.log('| unit | pairs in all | pairs/s in a shard (2 simulator processes) | the whole check on 1 / 64 / 256 / 1024 machines |');
console.log('|---|---:|---:|---|');
const human = (s) =>
  s < 120
    ? `${s.toFixed(0)} s`
    : s < 7200
      ? `${(s / 60).toFixed(1)} min`
      : s < 172800
        ? `${(s / 3600).toFixed(1)} h`
        : `${(s / 86400).toFixed(1)} days`;
for (const w of [20, 24]) {
  const u = `drum:width=${w},k=6`;
  const count = 2 ** (2 * w - 30);
  const index = count / 2 + 1;
  const parts = join(dir, `big-${w}`);
  await run(['verify', u, '--exhaustive', '--shard', `${index}/${count}`, '--parts', parts, '--quiet']); // build (cached after)
  rmSync(parts, { recursive: true });
  await run(['verify', u, '--exhaustive', '--shard', `${index + 1}/${count}`, '--parts', parts, '--quiet']);
  const part = JSON.parse(readFileSync(join(parts, readdirSync(parts)[0]), 'utf8')).payload;
  const rate = part.pairsPerSecond;
  const total = 2 ** (2 * w) / rate;
  console.log(`| ${u} | 2^${2 * w} | ${(rate / 1e6).toFixed(1)} M | ${[1, 64, 256, 1024].map((m) => human(total / m)).join(' / ')} |`);
}
console.log(
  `\n(whole ${pairs.toLocaleString('en-US')}-pair run: ${(pairs / whole / 1e6).toFixed(1)} M pairs/s including process start-up)`,
);

// 4. npu cost cut by part instance: the unsharded cost, then each of n shards alone on this machine (one after
//    another, so each has the machine as a node of its own would) and the merge. A shard repeats the setup and
//    the RTL run, and replays its instances: the slowest shard plus the merge is what n machines would take.
if (!process.argv.includes('--skip-cost')) {
  const samples = arg('--cost-samples', '32');
  await run(['train', '--data', 'breast-cancer', '--epochs', '3', '--seed', '1', '-o', 'bc', '--quiet']);
  const cost = ['npu', 'cost', 'bc', '--multiplier', 'drum:width=8,k=4,signed', '-P', '16', '--samples', samples, '--quiet'];
  await run(cost); // syntheses and builds, cached from here on
  const wholeCost = median([await seconds(() => run(cost)), await seconds(() => run(cost)), await seconds(() => run(cost))]);
  console.log(`\n## npu cost, breast-cancer MLP on a 16-PE NPU, ${samples} samples: unsharded ${wholeCost.toFixed(2)} s\n`);
  console.log('| shards | each shard alone, s | merge s | unsharded / (slowest shard + merge) |');
  console.log('|---:|---|---:|---:|');
  for (const n of shardCounts) {
    const parts = join(dir, `cost-parts-${n}`);
    const each = [];
    for (let i = 0; i < n; i++) each.push(await seconds(() => run([...cost, '--shard', `${i}/${n}`, '--parts', parts])));
    const merge = await seconds(() => run(['merge', parts, '-o', join(dir, `cost-merged-${n}`)]));
    const ratio = wholeCost / (Math.max(...each) + merge);
    console.log(`| ${n} | ${each.map((t) => t.toFixed(2)).join(', ')} | ${merge.toFixed(2)} | ${ratio.toFixed(2)} |`);
  }
}
rmSync(dir, { recursive: true, force: true });
