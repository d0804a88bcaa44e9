#!/usr/bin/env node
// Start-up benchmark (issue 37). Run after `npm run build`:  node bench/startup.mjs [--runs 9]
// Wall time of fresh axhw processes that do little work, against a bare `node -e 0` measured in the same
// run (the floor no command can go below): --version, --help, units, a bad option (exit 2), a refusal after
// TensorFlow.js has loaded, and a cached exhaustive verify of an 8-bit unit (its Verilator build made once
// first, not timed). Medians.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 9;
const axhw = fileURLToPath(new URL('../bin/axhw.js', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(args, { reject = true } = {}) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await execa(process.execPath, args, { reject });
    t.push((performance.now() - t0) / 1000);
  }
  return median(t);
}

console.log(`# axhw start-up (${runs} runs each, medians, node ${process.version})\n`);
const floor = await time(['-e', '0']);
const cases = [
  ['axhw --version', [axhw, '--version']],
  ['axhw --help', [axhw, '--help']],
  ['axhw units', [axhw, 'units']],
  ['axhw train --epochs 0 (refused: exit 2)', [axhw, 'train', '--epochs', '0'], { reject: false }],
  // Refused once its data set is read, so TensorFlow.js (and what training loads) is loaded first: what every
  // training, evaluation and NPU process pays before it starts work.
  [
    'axhw train --data breast-cancer --model resnet (refused after loading TensorFlow.js)',
    [axhw, 'train', '--data', 'breast-cancer', '--model', 'resnet'],
    { reject: false },
  ],
  ['axhw verify drum:width=8,k=4,signed --quiet (cached build)', [axhw, 'verify', 'drum:width=8,k=4,signed', '--quiet']],
];
await execa(process.execPath, cases.at(-1)[1]); // the Verilator build, cached from here on
console.log('| command | seconds | over bare node |');
console.log('|---|---:|---:|');
console.log(`| node -e 0 (baseline) | ${floor.toFixed(3)} | - |`);
for (const [name, args, o] of cases) {
  const s = await time(args, o);
  console.log(`| ${name} | ${s.toFixed(3)} | +${(s - floor).toFixed(3)} |`);
}
