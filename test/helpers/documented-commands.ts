import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { examplesOf } from '../../src/cli/format/examples.js';
import { encodeNpy } from '../../src/lut/npy.js';

/**
 * Every command a user is shown: the README's command block and every `--help` example. The tests run
 * each one (test/cli/documented-commands.test.ts, the demo's in test/demo/demo.test.ts), as typed, in a
 * temporary folder prepared with the files the commands name (`my_mult.v`, a trained `out/bc`, ...).
 */
export const root = join(import.meta.dirname, '..', '..');

/** The `axhw ...` lines of the README's "## Commands" block, comments stripped. */
export function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Commands$/m)[1];
  if (!section) throw new Error('README.md has no "## Commands" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('the README\'s "## Commands" section has no ```sh block');
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('axhw '));
}

const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);

/** Every command's `--help` examples, in the order `axhw --help` lists the commands. */
export async function helpExamples(): Promise<string[]> {
  return leaves(await buildProgram()).flatMap(examplesOf);
}

/** The words of a command line as a shell splits them (double quotes group; no other shell syntax is used). */
export function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Placeholders in the documentation, and what the tests put there: `out/train/...` stands for any
 * folder `axhw train` wrote; the tests use the breast-cancer network the train example writes.
 */
export const PLACEHOLDERS: Record<string, string> = { 'out/train/...': 'out/bc' };

/**
 * Commands run with a smaller budget than documented (each takes over a minute as documented on a
 * 2-core machine), with the reason. The substitute keeps the command and its options and adds or
 * narrows a budget flag only; an option it cannot keep is listed in `drops`, and `why` says why.
 */
export const SUBSTITUTIONS: Record<string, { run: string; why: string; drops?: string[] }> = {
  'axhw verify drum --width 16 --k 6 --exhaustive': {
    run: 'axhw verify drum --width 12 --k 6 --exhaustive',
    why: 'all 2^32 pairs take 1 to 2.5 minutes on 2 cores; the same exhaustive path over the 2^24 pairs of a 12-bit DRUM',
  },
  'axhw verify fpmul --preset bfloat16 --mbits 8 --exhaustive': {
    run: 'axhw verify fpmul --exp 4 --frac 3 --mbits 3 --exhaustive',
    why:
      'all 2^32 bfloat16 pairs take about 4 minutes, and every preset is 16 bits or wider; the same ' +
      'exhaustive path over an 8-bit format given by its widths',
    drops: ['--preset'],
  },
  'axhw train --data fashion-mnist --method axtrain --multiplier drum:width=8,k=3,signed': {
    run:
      'axhw train --data fashion-mnist --method axtrain --multiplier drum:width=8,k=3,signed --epochs ' +
      '1 --limit-train 2000 --limit-test 500',
    why: '20 epochs on 60,000 images take many minutes; one epoch of act (and its pas epoch) on a seeded subset',
  },
  'axhw train --data fashion-mnist --model mnist-mlp --epochs 5 --method pas --multiplier exact-mul:width=8,signed --ntv-voltage 660': {
    run:
      'axhw train --data fashion-mnist --model mnist-mlp --epochs 1 --method pas --multiplier exact-mul:width=8,signed ' +
      '--ntv-voltage 660 --limit-train 2000 --limit-test 500',
    why: '5 epochs on 60,000 images with NTV draws over 10,000 test images take minutes; one epoch on seeded subsets',
  },
  'axhw train --data digits --method pas --multiplier fpmul:mbits=16 --backward hardware --schedule adaptive:4/4': {
    run: 'axhw train --data digits --method pas --multiplier fpmul:mbits=16 --backward hardware --schedule adaptive:4/4 --epochs 2',
    why:
      '20 epochs with every product on the fpmul take minutes; 2 epochs keep every level of the schedule ' +
      '(its power measured as documented)',
  },
  'axhw characterize drum --width 16 --sweep k=2..8 --baseline exact-mul --power sim-delay': {
    run: 'axhw characterize drum --width 16 --sweep k=6,8 --baseline exact-mul --power sim-delay',
    why: 'seven 16-bit syntheses with event-driven simulation of each take many minutes; two points of the same sweep',
  },
  'axhw npu cost out/train/... --multiplier drum:width=8,k=4,signed --samples 8': {
    run: 'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --samples 8 -P 2',
    why: "the gate-level build of a 16-PE NPU takes 3 to 6 minutes cold (the demo's test costs that one); the same flow on 2 PEs",
  },
  'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --samples 8': {
    run: 'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --samples 8 -P 2',
    why: "the gate-level build of a 16-PE NPU takes 3 to 6 minutes cold (the demo's test costs that one); the same flow on 2 PEs",
  },
  'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed --shard 0/2 --parts out/parts/bc-cost': {
    run: 'axhw npu cost out/bc --multiplier drum:width=8,k=4,signed -P 2 --shard 0/2 --parts out/parts/bc-cost',
    why: "the 16-PE NPU's controller takes minutes to synthesize cold; the same shard of the same flow on 2 PEs",
  },
  'axhw npu cost out/fmnist --multiplier exact-mul:width=8,signed -P 16 --samples 1 --json -o fm-cost.json': {
    run: 'axhw npu cost out/bc --multiplier exact-mul:width=8,signed -P 2 --samples 1 --json -o fm-cost.json',
    why:
      'synthesizing and simulating the NPU sized for the 784-128-128-10 network at gate level takes ' +
      'over 10 minutes (its controller alone over 5 at 2 PEs); the same command on the breast-cancer ' +
      'network and 2 PEs',
  },
  'axhw experiment axtrain --apps breast-cancer,ionosphere --draws 20 -o out/axtrain-small': {
    run: 'axhw experiment axtrain --apps breast-cancer,ionosphere --draws 20 -o out/axtrain-small --quick',
    why: 'the full training budget takes minutes; the quick budget, the same applications and draws',
  },
  'axhw experiment axtrain-system --quick --apps breast-cancer': {
    run: 'axhw experiment axtrain-system --quick --apps breast-cancer --samples 1 --draws 2',
    why: 'each costed configuration is a gate-level NPU simulation; one inference per configuration and 2 NTV draws',
  },
  'axhw experiment axtrain-system --quick': {
    run: 'axhw experiment axtrain-system --quick --apps breast-cancer --samples 1 --draws 2',
    why:
      "the Fashion-MNIST MLP's NPUs take minutes to synthesize and simulate at gate level (10 minutes cold for both " +
      'applications); breast cancer alone, one costed inference, 2 draws',
  },
  'axhw experiment axtrain-system --apps breast-cancer,ionosphere --samples 4 -o out/axtrain-system': {
    // In the order of the other two lines' substitute: the three are one shared run (test/helpers/shared-run.ts).
    run: 'axhw experiment axtrain-system --quick --apps breast-cancer --samples 1 --draws 2 -o out/axtrain-system',
    why: 'the full budget takes minutes per application; the quick budget on breast cancer, one costed inference, 2 draws',
  },
  'axhw experiment framnn --apps mnist,digits --mbits 4,8,12,16,20,24 --finals 12,16 -o out/framnn': {
    run: 'axhw experiment framnn --apps mnist,digits --mbits 4,8,12,16,20,24 --finals 12,16 -o out/framnn --quick',
    why: 'the full budget takes over half an hour; the quick budget, the same applications and levels',
  },
  'axhw experiment tetris --networks bc-bp,fm-mlp --groups 4,8,16 --cost-group 16 -o out/tetris': {
    run: 'axhw experiment tetris --networks bc-bp,fm-mlp --groups 4,8,16 --cost-group 16 -o out/tetris --quick',
    why: 'the full budget trains Fashion-MNIST networks for minutes; the quick budget, the same networks and groups',
  },
  'axhw experiment axnet --functions jpeg,sobel --multipliers drum:width=8,k=4,signed -o out/axnet': {
    run: 'axhw experiment axnet --functions jpeg,sobel --multipliers drum:width=8,k=4,signed -o out/axnet --quick',
    why: 'the full budget takes many minutes; the quick budget, the same functions and multiplier',
  },
};

/** Run by test/demo/demo.test.ts in the folder the demo writes (each needs the demo's output or is the demo). */
export const RUN_BY_DEMO_TEST = ['axhw demo', 'axhw demo -o out/demo --json', 'axhw report reports/demo -o reports/demo-again'];

/** The command line a test runs for a documented one: its substitute, with placeholders filled. */
export function commandToRun(documented: string): string {
  let line = SUBSTITUTIONS[documented]?.run ?? documented;
  for (const [k, v] of Object.entries(PLACEHOLDERS)) line = line.split(k).join(v);
  return line;
}

/**
 * The line as the CLI reads it: a command with a declared output folder, given no `-o`, has that default
 * written out (`axhw experiment axtrain --quick` is `... --quick -o out/experiment/axtrain`). Two documented
 * lines that read the same run the same computation into the same folder, so the test runs them once.
 */
export function withDeclaredOut(line: string, program: Command): string {
  const w = words(line);
  let cmd = program;
  for (const name of w.slice(1)) {
    const sub = cmd.commands.find((c) => c.name() === name);
    if (!sub) break;
    cmd = sub;
  }
  const out = cmd.options.find((o) => o.long === '--out');
  if (!out || typeof out.defaultValue !== 'string' || w.includes('-o') || w.includes('--out')) return line;
  return `${line} -o ${out.defaultValue}`;
}

/**
 * The order the commands run in: those that make what others read first (trained networks, results to
 * render), then the rest as documented, then `axhw report` of the results made before it.
 */
export function runOrder(line: string): number {
  const w = words(line);
  // Imports first: `train --init` and `export onnx` read the model folders they write.
  if (w[1] === 'import') return -1;
  if (w[1] === 'train' || w[1] === 'characterize' || w[1] === 'experiment') return 0;
  // After the npu cost that writes the record it reads.
  // After the sharded runs that write the parts it joins.
  if (w[1] === 'report' || w[1] === 'export' || w[1] === 'merge') return 2;
  return 1;
}

/** The files the documented commands name, as a user would have them, made in `cwd`. */
export function prepareUserFiles(cwd: string): void {
  // A user's multiplier: the truncating fixture, under the name the documentation uses.
  writeFileSync(
    join(cwd, 'my_mult.v'),
    readFileSync(join(root, 'test', 'fixtures', 'rtl', 'trunc_mult.v'), 'utf8').replace(/\btrunc_mult\b/g, 'my_mult'),
  );
  copyFileSync(join(root, 'test', 'fixtures', 'rtl', 'trunc_mult.mjs'), join(cwd, 'my_mult.mjs'));
  // An operand workload of an 8-bit multiplier (numpy.save of an (n, 2) integer array): a seeded ramp.
  const pairs = 4096;
  const ops = Buffer.alloc(pairs * 2 * 2);
  for (let i = 0; i < pairs; i++) {
    ops.writeUInt16LE((i * 37) % 256, 4 * i);
    ops.writeUInt16LE((i * 101 + 7) % 256, 4 * i + 2);
  }
  writeFileSync(join(cwd, 'trace.npy'), encodeNpy({ signed: false, bytes: 2 }, [pairs, 2], ops));
  // Weight codes of a dense layer, shape (fan-in, outputs), int8.
  const fanIn = 64;
  const outputs = 16;
  const codes = Buffer.alloc(fanIn * outputs);
  for (let i = 0; i < codes.length; i++) codes.writeInt8(((i * 53) % 255) - 127, i);
  writeFileSync(join(cwd, 'codes.npy'), encodeNpy({ signed: true, bytes: 1 }, [fanIn, outputs], codes));
  // Neurons of the breast-cancer MLP (30-64-64-2) on a heterogeneous NPU's second multiplier: half of each hidden layer.
  const half = (n: number) => Array.from({ length: n }, (_, j) => (j < n / 2 ? 1 : 0));
  writeFileSync(join(cwd, 'neurons.json'), JSON.stringify([half(64), half(64), [0, 0]]));
  // Networks trained and exported by PyTorch (test/fixtures/onnx/make-fixtures.py).
  for (const f of ['digits-mlp.onnx', 'fashion-lenet5.onnx']) copyFileSync(join(root, 'test', 'fixtures', 'onnx', f), join(cwd, f));
}

/** Trained networks the examples name besides out/bc (which the train example itself writes). */
export const PREPARED_MODELS: string[][] = [
  [
    'train',
    '--data',
    'fashion-mnist',
    '--model',
    'mnist-mlp',
    '--epochs',
    '1',
    '--limit-train',
    '2000',
    '--limit-test',
    '1000',
    '-o',
    'out/fmnist',
    '--quiet',
  ],
  [
    'train',
    '--data',
    'fashion-mnist',
    '--model',
    'mnist-cnn',
    '--epochs',
    '1',
    '--limit-train',
    '500',
    '--limit-test',
    '100',
    '-o',
    'out/lenet',
    '--quiet',
  ],
];
