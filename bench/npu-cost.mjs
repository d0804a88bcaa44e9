#!/usr/bin/env node
// `axhw npu cost` from an empty build cache, and again with it filled (the baseline of the ratio). Run after
// `npm run build`:  node bench/npu-cost.mjs
// The breast-cancer MLP (30-64-64-2, bp, 20 epochs, seed 1) on a 16-PE NPU with DRUM k = 3, 8 test samples
// costed: synthesis of every part, the probed RTL build, the memories' characterisations (the reference file,
// the clock-gated banks), the RTL run with access counts, the JavaScript gate-level replays.
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';

const bin = resolve(import.meta.dirname, '..', 'bin', 'axhw.js');
const work = mkdtempSync(join(tmpdir(), 'axhw-bench-npu-cost-'));
const cache = join(work, 'cache');
const env = { AXHW_CACHE_DIR: cache };
const axhw = (args) => execa('node', [bin, ...args], { cwd: work, env });
try {
  console.log('# axhw npu cost from an empty build cache');
  await axhw(['train', '--data', 'breast-cancer', '--epochs', '20', '-o', 'bc', '--quiet']);
  const cost = ['npu', 'cost', 'bc', '--multiplier', 'drum:width=8,k=3,signed', '-P', '16', '--samples', '8', '--json'];
  const timed = async () => {
    const t0 = performance.now();
    const r = await axhw(cost);
    return { seconds: (performance.now() - t0) / 1000, record: JSON.parse(r.stdout) };
  };
  const cold = await timed();
  const warm = await timed();
  const builds = cold.record.simulation.builds.map((b) => `${b.top} ${b.seconds.toFixed(1)} s`).join('; ');
  console.log(`cold: ${cold.seconds.toFixed(1)} s (builds: ${builds})`);
  console.log(`warm: ${warm.seconds.toFixed(1)} s (cold / warm ${(cold.seconds / warm.seconds).toFixed(2)})`);
  const by = cold.record.energyPerInferenceByMemoryKind;
  console.log(
    `energy per inference: ${Object.entries(by)
      .map(([k, v]) => `${k} ${(v.total / 1e3).toFixed(1)} nJ`)
      .join(', ')} (the same both runs: ${JSON.stringify(by) === JSON.stringify(warm.record.energyPerInferenceByMemoryKind)})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
