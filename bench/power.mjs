#!/usr/bin/env node
// Simulated-power benchmark (issue 15). Run after `npm run build`:  node bench/power.mjs [--skip-sweep]
// Prints, all measured in this run on this machine:
//  1. Toggle-simulation throughput (cycles/s) of the 16-bit DRUM (k = 6) and the 16-bit exact multiplier:
//     zero-delay (Verilator, the build cached beforehand) and with the cells' delays (Icarus Verilog).
//  2. Wall time of `axhw characterize drum --width 16 --sweep k=2..8` with --power sim next to
//     --power propagate (each after one warm-up run, so both reuse synthesis; sim also its builds).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveUnit } from '../dist/gen/registry.js';
import { generateDesign } from '../dist/gen/generate.js';
import { synthesize } from '../dist/synth/yosys.js';
import { resolveLibrary } from '../dist/synth/library.js';
import { parseNetlist } from '../dist/synth/netlist.js';
import { cellModelsFor } from '../dist/synth/cell-models.js';
import { simulateToggles } from '../dist/synth/toggle-sim.js';
import { simulateTogglesWithDelays } from '../dist/synth/delay-sim.js';
import { Rng } from '../dist/util/rng.js';

const lib = resolveLibrary();
const cellsText = readFileSync(lib.cells, 'utf8');
console.log('# axhw simulated-power benchmark (osu018, uniform operands)');

function stimulus(n, width) {
  const rng = new Rng(1);
  const values = new BigUint64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) values[i] = BigInt(rng.nextBits(width));
  return { inputs: ['a', 'b'], cycles: n, values };
}

for (const [unit, params] of [
  ['drum', { width: 16, k: 6 }],
  ['exact-mul', { width: 16 }],
]) {
  const r = resolveUnit(unit, params);
  const d = generateDesign(r.unit, r.params);
  const s = await synthesize(d, lib);
  const net = parseNetlist(readFileSync(s.netlist, 'utf8'), s.netlist);
  const models = cellModelsFor(cellsText, new Set(net.instances.map((i) => i.cell)), lib.cells);
  await simulateToggles(net, models, stimulus(100, 16)); // build (or reuse) the Verilator model
  const zero = await simulateToggles(net, models, stimulus(200_000, 16));
  const delay = await simulateTogglesWithDelays(net, cellsText, stimulus(2_000, 16), 10);
  console.log(
    `${d.top} (${s.cells} cells): zero-delay ${Math.round(zero.cycles / zero.seconds).toLocaleString('en-US')} ` +
      (`cycles/s (200,000 cycles, ${zero.seconds.toFixed(2)} ` +
        `s incl. start-up); delay ${Math.round(delay.cycles / delay.seconds).toLocaleString('en-US')} `) +
      `cycles/s (2,000 cycles, ${delay.seconds.toFixed(2)} s)`,
  );
}

if (!process.argv.includes('--skip-sweep')) {
  const bin = join(import.meta.dirname, '..', 'bin', 'axhw.js');
  const sweep = (power) => {
    const t0 = performance.now();
    execFileSync(
      'node',
      [
        bin,
        'characterize',
        'drum',
        '--width',
        '16',
        '--sweep',
        'k=2..8',
        '--power',
        power,
        '-o',
        `/tmp/axhw-bench-power-${power}`,
        '--json',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return (performance.now() - t0) / 1000;
  };
  for (const p of ['propagate', 'sim']) sweep(p); // warm: synthesis and Verilator builds cached
  const prop = sweep('propagate');
  const sim = sweep('sim');
  console.log(
    `characterize drum --width 16 --sweep k=2..8: --power sim ${sim.toFixed(1)} s, --power propagate ${prop.toFixed(1)} ` +
      `s (ratio ${(sim / prop).toFixed(2)}), both cached`,
  );
}
