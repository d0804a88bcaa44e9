import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { requireTool } from '../helpers/tools.js';
import { bytesOf, floats, model, node, seeded } from '../helpers/onnx-graphs.js';

/**
 * Bad input, one row each: the command, the message it must give, and that it exits 2 without a stack
 * trace or "internal error" and writes nothing. Every row runs in a fresh working folder (its relative
 * outputs land there) whose contents are compared before and after.
 */
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'axhw.js');
const F = (f: string) => join(root, 'test', 'fixtures', 'rtl', f);

/** A small CSV in scikit-learn's layout: a header "n,features,class names...", then rows ending in a class index. */
function csvFile(path: string, features: number, classes: string[]): string {
  const rows = [`120,${features},${classes.join(',')}`];
  let s = 7;
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let i = 0; i < 120; i++) {
    const x = Array.from({ length: features }, r);
    rows.push(`${x.map((v) => v.toFixed(4)).join(',')},${i % classes.length}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

function tree(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? [`${relative(dir, p)}/`, ...tree(p).map((q) => join(n, q))] : [n];
  });
}

const tfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

interface Row {
  what: string;
  args: string[];
  /** Files and folders to make in the working folder first. */
  setup?: (cwd: string) => void;
  env?: Record<string, string>;
  message: RegExp;
  skip?: boolean;
}

const shared = mkdtempSync(join(tmpdir(), 'axhw-bad-input-'));
const CSV4 = join(shared, 'four.csv'); // 4 features, classes neg/pos
const CSV5 = join(shared, 'five.csv'); // 5 features
const CSV3C = join(shared, 'three-classes.csv'); // 4 features, 3 classes
const MODEL = join(shared, 'model'); // trained on CSV4
const E4M3 = join(shared, 'e4m3.npy'); // axhw lut fpmul --exp 4 --frac 3 --mbits 3: float codes
/** A copy of MODEL in the row's folder with its input shape edited (model.json only; weights.bin as trained). */
const editedModel = (cwd: string, input: number[]) => {
  mkdirSync(join(cwd, 'm'));
  for (const f of ['weights.bin', 'model.json']) copyFileSync(join(MODEL, f), join(cwd, 'm', f));
  const m = JSON.parse(readFileSync(join(cwd, 'm', 'model.json'), 'utf8'));
  m.model.input = input;
  writeFileSync(join(cwd, 'm', 'model.json'), JSON.stringify(m));
};
/** An operand trace of 8-bit signed codes with a sidecar saying it was recorded on fpmul binary32. */
const fpmulTrace = (cwd: string) => {
  const rows = 4;
  const header = "{'descr': '<u4', 'fortran_order': False, 'shape': (4, 2), }";
  const pad = ' '.repeat(64 - ((10 + header.length + 1) % 64));
  const data = Buffer.alloc(rows * 2 * 4);
  for (let i = 0; i < rows * 2; i++) data.writeUInt32LE(i + 1, 4 * i);
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length + pad.length + 1);
  writeFileSync(
    join(cwd, 'ops.npy'),
    Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), len, Buffer.from(header + pad + '\n', 'latin1'), data]),
  );
  const side = {
    format: 'axhw-trace',
    version: 1,
    unit: 'fpmul:mbits=8',
    numbers: 'float',
    aWidth: 32,
    bWidth: 32,
    signed: true,
    exp: 8,
    frac: 23,
    operands: { a: 'activation', b: 'weight' },
    pairs: rows,
  };
  writeFileSync(join(cwd, 'ops.npy.json'), JSON.stringify(side));
};
const ONNX_DIGITS = join(root, 'test', 'fixtures', 'onnx', 'digits-mlp.onnx');
/** A 4-input network with a Sigmoid between its layers (the importer refuses the operator). */
const ONNX_SIGMOID = join(shared, 'sigmoid.onnx');
writeFileSync(
  ONNX_SIGMOID,
  bytesOf(
    model(
      [1, 4],
      [node('Gemm', ['x', 'w1'], ['h']), node('Sigmoid', ['h'], ['s'], [], 'act'), node('Gemm', ['s', 'w2'], ['y'])],
      [floats('w1', [4, 3], seeded(12, 1)), floats('w2', [3, 2], seeded(6, 2))],
    ),
  ),
);
const train = (...a: string[]) => ['train', '--data', 'breast-cancer', '--data-path', CSV4, '--model', 'mlp:4-2', '--epochs', '1', ...a];

const rows: Row[] = [
  // Units, parameters and specs
  { what: 'a parameter beyond its rule', args: ['verify', 'drum', '--width', '8', '--k', '9'], message: /k = 9 must not exceed width = 8/ },
  { what: 'a parameter the unit does not have', args: ['verify', 'exact-mul', '--k', '3'], message: /exact-mul has no parameter 'k'/ },
  { what: 'an unknown unit', args: ['verify', 'wallace'], message: /Unknown unit 'wallace'/ },
  { what: 'no design', args: ['verify'], message: /No design given/ },
  {
    what: 'a parameter out of range',
    args: ['gen', 'drum', '--width', '99', '-o', 'out'],
    message: /'width' = "99" is invalid: must be <= 32/,
  },
  {
    what: 'a hex parameter value',
    args: ['gen', 'drum', '--width', '0x8', '-o', 'out'],
    message: /'width' = "0x8" is invalid: must be an integer[\s\S]*e\.g\. width=8/,
  },
  {
    what: 'an exponent parameter value',
    args: ['gen', 'drum:width=8e0', '-o', 'out'],
    message: /'width' = "8e0" is invalid: must be an integer/,
  },
  {
    what: 'a spec and a flag that disagree',
    args: ['verify', 'drum:width=8', '--width', '10'],
    message: /sets width = 8, but --width says 10/,
  },
  {
    what: 'an unknown preset',
    args: ['verify', 'fpmul', '--preset', 'fp8'],
    message: /fpmul has no preset 'fp8'[\s\S]*binary32, bfloat16, binary16/,
  },
  {
    what: 'a preset contradicted by a flag',
    args: ['verify', 'fpmul', '--preset', 'bfloat16', '--frac', '10'],
    message: /--frac 10 contradicts preset bfloat16/,
  },
  { what: 'a format too wide', args: ['verify', 'fpmul', '--exp', '11', '--frac', '25'], message: /exp \+ frac = 36 exceeds 31/ },
  {
    what: 'a control value out of range',
    args: ['verify', 'fpmul', '--mbits', '32'],
    message: /--mbits '32' is not a valid list of values 0..31/,
  },
  { what: 'a reversed control range', args: ['verify', 'fpmul', '--mbits', '9..4'], message: /not a valid list/ },
  {
    what: 'a control input the unit lacks',
    args: ['verify', 'drum', '--mbits', '4'],
    message: /--mbits does not apply to drum_w8_k4: it has no 'mbits' input/,
  },
  // User RTL and models
  { what: '--rtl without --top', args: ['verify', '--rtl', 'x.v'], message: /--rtl needs --top/ },
  { what: '--top without --rtl', args: ['verify', 'drum', '--top', 'x'], message: /--top only applies to --rtl designs/ },
  { what: 'Verilog with a syntax error', args: ['verify', '--rtl', F('malformed.v'), '--top', 'malformed'], message: /syntax error/ },
  { what: 'a design that holds state', args: ['verify', '--rtl', F('stateful.v'), '--top', 'stateful'], message: /holds state/ },
  {
    what: 'a model that throws',
    args: ['verify', '--rtl', F('trunc_mult.v'), '--top', 'trunc_mult', '--model', 'throws.mjs'],
    setup: (d) =>
      writeFileSync(
        join(d, 'throws.mjs'),
        "export default (a, b) => { if (a === 200) throw new Error('no table for 200'); return (a & ~3) * (b & ~3); };\n",
      ),
    message: /Model .*throws\.mjs threw for operands \(200, \d+\): no table for 200/,
  },
  {
    what: 'a model whose result does not fit the port',
    args: ['lut', '--rtl', F('trunc_mult.v'), '--top', 'trunc_mult', '--model', 'wide.mjs', '-o', 't.npy'],
    setup: (d) => writeFileSync(join(d, 'wide.mjs'), 'export default (a, b) => 2 * a * b;\n'),
    message: /returned \d+ for operands \(\d+, \d+\), which does not fit the 16-bit unsigned result port \(0 to 65535\)/,
  },
  {
    what: 'a module with a third input, its operands named',
    args: ['verify', '--rtl', F('three_inputs.v'), '--top', 'three_inputs', '--a', 'a', '--b', 'b'],
    message: /has inputs besides the operands: c\[8\][\s\S]*Wrap the multiplier/,
  },
  {
    what: 'a module with a third input, its operands unnamed',
    args: ['verify', '--rtl', F('three_inputs.v'), '--top', 'three_inputs'],
    message: /it has 3 inputs[\s\S]*fix: axhw drives exactly two inputs[\s\S]*wrap the multiplier/,
  },
  {
    what: 'a model with a syntax error',
    args: ['verify', '--rtl', F('trunc_mult.v'), '--top', 'trunc_mult', '--model', 'bad.mjs'],
    setup: (d) => writeFileSync(join(d, 'bad.mjs'), 'export default (a, b) => {\n  return a * * b;\n};\n'),
    message: /Model bad\.mjs failed to load: Unexpected token '\*'\n.*bad\.mjs:2\n {2}return a \* \* b;/,
  },
  {
    what: 'a model that fails as it loads',
    args: ['verify', '--rtl', F('trunc_mult.v'), '--top', 'trunc_mult', '--model', 'bad.mjs'],
    setup: (d) => writeFileSync(join(d, 'bad.mjs'), 'const t = missing.x;\nexport default (a, b) => a * b;\n'),
    message: /Model bad\.mjs failed to load: missing is not defined \(.*bad\.mjs:1:11\)/,
  },
  {
    what: 'a signed DRUM sweep below its rule',
    args: ['characterize', 'drum', '--width', '8', '--signed', '--sweep', 'k=2..7', '--baseline', 'exact-mul'],
    message: /signed DRUM needs k >= 3[\s\S]*fix: Choose values that keep drum's rules: k <= width; signed needs k >= 3/,
  },
  // Tables
  { what: 'an unknown table extension', args: ['lut', 'drum', '-o', 'table.csv'], message: /Cannot tell the table format/ },
  {
    what: '--format against the extension',
    args: ['lut', 'drum', '-o', 't.npy', '--format', 'hex'],
    message: /--format hex disagrees with the file name 't\.npy'/,
  },
  {
    what: 'a table too large',
    args: ['lut', 'fpmul', '--table', 'significand', '-o', 'table.npy'],
    message: /mbits = 24 would have 2\^46 entries.*--mbits 13 or less/,
  },
  {
    what: 'a table under two control settings',
    args: ['lut', 'fpmul', '--mbits', '4,5', '--table', 'significand', '-o', 'table.npy'],
    message: /not a valid list|one control setting/,
  },
  {
    what: 'a derived table the unit lacks',
    args: ['lut', 'drum', '--table', 'significand', '-o', 'table.npy'],
    message: /drum_w8_k4 has no 'significand' table/,
  },
  // Outputs and the cache (checked before any work)
  {
    what: 'gen -o naming a file',
    args: ['gen', 'drum', '-o', 'f'],
    setup: (d) => writeFileSync(join(d, 'f'), 'x'),
    message: /-o f is a file; a folder is expected here/,
  },
  {
    what: 'gen -o under a file',
    args: ['gen', 'drum', '-o', 'f/sub'],
    setup: (d) => writeFileSync(join(d, 'f'), 'x'),
    message: /-o f\/sub cannot be created: .*\/f is a file, not a folder/,
  },
  {
    what: 'lut -o naming a folder',
    args: ['lut', 'drum', '-o', 'd.npy'],
    setup: (d) => mkdirSync(join(d, 'd.npy')),
    message: /-o d\.npy is a folder; a file is expected here/,
  },
  {
    what: 'verify --report naming a folder',
    args: ['verify', 'drum', '--report', 'r'],
    setup: (d) => mkdirSync(join(d, 'r')),
    message: /--report r is a folder/,
  },
  {
    what: 'verify --shard with an index not below the count',
    args: ['verify', 'drum', '--shard', '4/4', '--parts', 'p'],
    message: /shard index 4 is not below the count 4/,
  },
  {
    what: 'verify --shard without --parts',
    args: ['verify', 'drum', '--shard', '0/4'],
    message: /--shard needs --parts <dir>/,
  },
  {
    what: 'merge of a folder without parts',
    args: ['merge', 'empty', '-o', 'merged'],
    setup: (d) => mkdirSync(join(d, 'empty')),
    message: /empty holds no part files/,
  },
  {
    what: 'merge of a corrupt part',
    args: ['merge', 'p', '-o', 'merged'],
    setup: (d) => {
      mkdirSync(join(d, 'p'));
      writeFileSync(join(d, 'p', 'part-0-of-1.json'), '{"format": "axhw-shard-part", "version": 1');
    },
    message: /Part p\/part-0-of-1\.json is corrupt: not readable JSON/,
  },
  {
    what: 'plan without --slurm or --local',
    args: ['plan', '--shards', '2', '-o', 'pl', '--', 'verify', 'drum'],
    message: /Say where the shards run: --slurm or --local/,
  },
  {
    what: 'plan of a command that cannot be sharded',
    args: ['plan', '--shards', '2', '--local', '-o', 'pl', '--', 'synth', 'drum'],
    message: /'axhw synth drum' cannot run as shards/,
  },
  {
    what: 'plan of a command with an option it does not have',
    args: ['plan', '--shards', '2', '--slurm', '-o', 'pl', '--', 'verify', 'drum', '--exhautsive'],
    message: /'--exhautsive' is not an option of axhw verify/,
  },
  {
    what: 'an output on a read-only file system',
    args: ['gen', 'drum', '-o', '/sys/axhw-out'],
    message: /-o \/sys\/axhw-out cannot be created: cannot write in \/sys/,
  },
  {
    what: 'a cache folder that is a file',
    args: ['verify', 'drum'],
    setup: (d) => writeFileSync(join(d, 'cache'), 'x'),
    env: { AXHW_CACHE_DIR: 'cache' },
    message: /The build cache cache is a file; a folder is expected here[\s\S]*AXHW_CACHE_DIR/,
  },
  // Numbers
  {
    what: 'a word for a count',
    args: ['verify', 'drum', '--vectors', 'many'],
    message: /option '--vectors <n>' argument 'many' is invalid\. It must be a whole number/,
  },
  {
    what: 'zero vectors',
    args: ['verify', 'drum', '--vectors', '0'],
    message: /'--vectors <n>' argument '0' is invalid\. It must be 1 or more/,
  },
  { what: 'a hex count', args: ['verify', 'drum', '--vectors', '0x10'], message: /'--vectors <n>' argument '0x10' is invalid/ },
  { what: 'an exponent count', args: ['verify', 'drum', '--vectors', '1e3'], message: /'--vectors <n>' argument '1e3' is invalid/ },
  {
    what: 'negative jobs',
    args: ['lut', 'drum', '-o', 't.npy', '--jobs', '-1'],
    message: /'--jobs <n>' argument '-1' is invalid\. It must be 1 or more/,
  },
  { what: 'a fractional seed', args: ['verify', 'drum', '--seed', '1.5'], message: /'--seed <n>' argument '1\.5' is invalid/ },
  {
    what: 'a negative clock period',
    args: ['synth', 'drum', '--clock-ns', '-3'],
    message: /'--clock-ns <ns>' argument '-3' is invalid\. It must be above 0/,
  },
  {
    what: 'a hex clock period',
    args: ['synth', 'drum', '--clock-ns', '0x10'],
    message: /'--clock-ns <ns>' argument '0x10' is invalid\. It must be a decimal number/,
  },
  {
    what: 'a zero sample count',
    args: ['characterize', 'drum', '--sweep', 'k=2..3', '--samples', '0'],
    message: /'--samples <n>' argument '0' is invalid/,
  },
  {
    what: 'a probability above 1',
    args: train('--multiplier', 'exact-mul:width=8,signed', '--ntv-rate', '2'),
    message: /'--ntv-rate <p>' argument '2' is invalid\. It must be a probability between 0 and 1/,
  },
  { what: 'a zero learning rate', args: train('--lr', '0'), message: /'--lr <x>' argument '0' is invalid\. It must be above 0/ },
  { what: 'a zero training subset', args: train('--limit-train', '0'), message: /'--limit-train <n>' argument '0' is invalid/ },
  {
    what: 'a negative lambda',
    args: train('--method', 'axtrain-act', '--lambda', '-1'),
    message: /'--lambda <x>' argument '-1' is invalid\. It must be 0 or more/,
  },
  // Synthesis and characterization
  {
    what: 'missing cell models',
    args: ['synth', 'drum', '--power', 'sim', '--cells', 'nowhere/cells.v'],
    message: /Cell models nowhere\/cells\.v do not exist[\s\S]*--cells/,
  },
  {
    what: 'an unknown power method',
    args: ['synth', 'drum', '--power', 'guess'],
    message: /argument 'guess' is invalid\. Allowed choices are sim, sim-delay, propagate/,
  },
  {
    what: 'a missing Liberty file',
    args: ['synth', 'drum', '--lib', 'nowhere/cells.lib'],
    message: /Liberty file nowhere\/cells.lib does not exist/,
  },
  {
    what: 'a missing activity trace',
    args: ['synth', 'drum', '--activity', 'nowhere/trace.npy'],
    message: /Operand trace nowhere\/trace.npy does not exist/,
  },
  {
    what: 'an activity trace that is not an array',
    args: ['synth', 'drum', '--activity', 'ops.npy'],
    setup: (d) => writeFileSync(join(d, 'ops.npy'), 'a,b\n1,2\n'),
    message:
      /ops\.npy is not a valid operand trace \(\.npy\): missing the \\x93NUMPY magic[\s\S]*fix: Give an \.npy array of shape \(n, 2\)/,
  },
  {
    what: "an activity trace of another unit's operands",
    args: ['synth', 'drum:width=8,k=4,signed', '--activity', 'ops.npy'],
    setup: fpmulTrace,
    message: /--activity ops\.npy holds the operands of fpmul:mbits=8: float codes \(exp 8, frac 23\); drum_w8_k4_s takes signed 8 x 8-bit/,
  },
  { what: 'a sweep without values', args: ['characterize', 'drum', '--sweep', 'k'], message: /--sweep 'k' is not name=values/ },
  {
    what: 'a sweep of an unknown name',
    args: ['characterize', 'drum', '--sweep', 'z=1..2'],
    message: /drum has no parameter or control input 'z'/,
  },
  { what: 'a sweep beyond a rule', args: ['characterize', 'drum', '--sweep', 'k=2..9'], message: /k = 9 must not exceed width = 8/ },
  {
    what: 'a sweep naming a parameter twice',
    args: ['characterize', 'drum', '--sweep', 'k=2..3', '--sweep', 'k=5'],
    message: /--sweep names 'k' twice/,
  },
  {
    what: 'a swept parameter also fixed',
    args: ['characterize', 'drum', '--sweep', 'k=2..3', '--k', '4'],
    message: /'k' is both swept \(--sweep k=\.\.\.\) and fixed \(--k 4\)/,
  },
  // Training and evaluation data
  {
    what: 'a missing data file',
    args: ['train', '--data', 'breast-cancer', '--data-path', '/nonexistent/x.csv'],
    message: /not found[\s\S]*fetch-data\.sh[\s\S]*--data-path/,
  },
  {
    what: 'a folder where a data file is expected',
    args: ['train', '--data', 'breast-cancer', '--data-path', 'somedir'],
    setup: (d) => mkdirSync(join(d, 'somedir')),
    message: /somedir: is a folder, but this data set is one file/,
  },
  { what: 'a model for other features', args: train('--model', 'mnist-mlp'), message: /takes 784 inputs; the data has 4/ },
  {
    what: 'a model with the wrong class count',
    args: train('--model', 'mlp:8-3'),
    message: /Model mlp:8-3 has 3 outputs; the data has 2 classes[\s\S]*mlp:64-2/,
  },
  { what: 'an unknown model', args: train('--model', 'resnet'), message: /Unknown model 'resnet'/ },
  { what: 'pas without hardware', args: train('--method', 'pas'), message: /give a multiplier/ },
  { what: 'axtrain without hardware', args: train('--method', 'axtrain'), message: /--method axtrain trains on the hardware/ },
  {
    what: 'a mantissa schedule on fixed-point hardware',
    args: train('--method', 'pas', '--multiplier', 'exact-mul:width=8,signed', '--schedule', 'linear:4'),
    message: /--schedule: only for fpmul hardware[\s\S]*fpmul:mbits/,
  },
  {
    what: 'a mantissa schedule that is not one',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--schedule', 'steep'),
    message: /--schedule steep is not a schedule[\s\S]*linear:<from>/,
  },
  {
    what: 'a schedule level beyond binary32',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--schedule', '4:10,30:5'),
    message: /every m must be 1..24/,
  },
  {
    what: 'levels that do not rise to the final level',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--schedule', 'linear:12'),
    message: /from 12 to 8 in steps of 4 are not a range/,
  },
  {
    what: 'a hardware backward pass without hardware training',
    args: train('--multiplier', 'fpmul:mbits=8', '--backward', 'hardware'),
    message: /--backward hardware: only for training on the hardware[\s\S]*--method pas/,
  },
  {
    what: 'an unknown backward mode',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--backward', 'approx'),
    message: /--backward <mode>' argument 'approx' is invalid/,
  },
  {
    what: 'an activity trace without an adaptive schedule',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--activity', 'ops.npy'),
    message: /--activity sets the operands of the adaptive schedule/,
  },
  {
    what: 'an operand trace in a missing folder',
    args: train('--method', 'pas', '--multiplier', 'fpmul:mbits=8', '--operand-trace', 'nowhere/ops.npy'),
    message: /give an .npy file in an existing folder/,
  },
  {
    what: 'a report of a folder that does not exist',
    args: ['report', 'nowhere', '-o', 'rep'],
    message: /nowhere does not exist[\s\S]*fix: Give result folders or files/,
  },
  {
    what: 'a report of a folder with no results',
    args: ['report', 'empty', '-o', 'rep'],
    setup: (cwd) => mkdirSync(join(cwd, 'empty')),
    message: /empty holds no axhw results[\s\S]*characterize\.json/,
  },
  {
    what: 'a report of a result that misses its schema',
    args: ['report', 'char', '-o', 'rep'],
    setup: (cwd) => {
      mkdirSync(join(cwd, 'char'));
      writeFileSync(join(cwd, 'char', 'characterize.json'), JSON.stringify({ unit: 'drum', rows: [] }));
    },
    message: /char\/characterize\.json does not match its schema \(rows: Too small/,
  },
  { what: 'a report with no output folder', args: ['report', 'x'], message: /required option '-o, --out <dir>'/ },
  {
    what: 'a demo into a file',
    args: ['demo', '-o', 'f.txt'],
    setup: (cwd) => writeFileSync(join(cwd, 'f.txt'), 'x'),
    message: /-o f\.txt/,
  },
  { what: 'an unknown demo backend', args: ['demo', '--backend', 'gpu'], message: /gpu/ },
  {
    what: 'an unknown AXNet target function',
    args: ['experiment', 'axnet', '--functions', 'fft,fir'],
    message: /Unknown target function 'fir'[\s\S]*fft, bessel, blackscholes, jpeg, inversek2j, kmeans, sobel/,
  },
  {
    what: 'a bad AXNet multiplier',
    args: ['experiment', 'axnet', '--multipliers', 'drum:width=8,k=12'],
    message: /k = 12 must not exceed width = 8/,
  },
  {
    what: 'an AXNet multiplier too wide for tables',
    args: ['experiment', 'axnet', '--quick', '--functions', 'fft', '--multipliers', 'drum:width=16,k=4'],
    message: /2\.\.12-bit/,
  },
  {
    what: 'an unknown FramNN application',
    args: ['experiment', 'framnn', '--apps', 'isolet'],
    message: /Unknown FramNN application 'isolet'[\s\S]*mnist, digits/,
  },
  {
    what: 'a FramNN sweep beyond binary32',
    args: ['experiment', 'framnn', '--mbits', '4,30'],
    message: /--mbits: m = 30 is not a significand width/,
  },
  {
    what: 'an unknown FramNN format',
    args: ['experiment', 'framnn', '--format', 'fp8'],
    message: /Unknown fpmul format 'fp8'[\s\S]*binary32, bfloat16, binary16/,
  },
  {
    what: 'a FramNN level beyond the format',
    args: ['experiment', 'framnn', '--format', 'bfloat16', '--finals', '12'],
    message: /--finals: m = 12 is not a significand width of this fpmul \(8 bits\)/,
  },
  {
    what: 'training on an fpmul mbits beyond its format',
    args: train('--method', 'pas', '--multiplier', 'fpmul:preset=binary16,mbits=14'),
    message: /mbits = 14: this format has 11 significand bits/,
  },
  {
    what: 'a FramNN sweep that is not a list',
    args: ['experiment', 'framnn', '--finals', '8,x'],
    message: /--finals 8,x: every item must be a whole number/,
  },
  {
    what: 'an unknown NTV voltage',
    args: train('--multiplier', 'exact-mul:width=8,signed', '--ntv-voltage', '500'),
    message: /No bit-flip rate is known for 500 mV/,
  },
  { what: 'a bad multiplier parameter', args: train('--multiplier', 'drum:width=8,k=12'), message: /k = 12 must not exceed width = 8/ },
  {
    what: 'NTV storage with fpmul layers',
    args: train('--multiplier', 'fpmul:mbits=8', '--ntv-rate', '0.01'),
    message: /fpmul layers keep float32 weights/,
  },
  { what: 'the table path for fpmul', args: train('--multiplier', 'fpmul:mbits=8', '--path', 'table'), message: /no table path/ },
  { what: 'a multiplier too wide for tables', args: train('--multiplier', 'drum:width=16,k=4'), message: /2\.\.12-bit/ },
  {
    what: 'an unavailable backend',
    args: train('--backend', 'tensorflow'),
    message:
      /--backend tensorflow cannot start: @tensorflow\/tfjs-node is not installed[\s\S]*Available here: wasm, cpu[\s\S]*--backend wasm/,
    skip: tfjsNode,
  },
  {
    what: 'eval on data with other features',
    args: ['eval', '--model-dir', MODEL, '--data-path', CSV5],
    message: /five\.csv: samples of shape 5 \(5 features\), but the model in .*model takes 4 \(4\)/,
  },
  {
    what: 'eval on data with other classes',
    args: ['eval', '--model-dir', MODEL, '--data-path', CSV3C],
    message: /three-classes\.csv: classes a, b, c \(3\), but the model in .*model was trained on neg, pos \(2\)/,
  },
  {
    what: 'eval with a table of float codes',
    args: ['eval', '--model-dir', MODEL, '--multiplier-table', E4M3],
    message: /e4m3\.npy is a table of fpmul:exp=4,frac=3,.*mbits=3, whose entries are floating-point codes;[\s\S]*--multiplier fpmul:exp=4/,
  },
  {
    what: 'eval -o naming a folder',
    args: ['eval', '--model-dir', MODEL, '-o', 'o'],
    setup: (d) => mkdirSync(join(d, 'o')),
    message: /-o o is a folder; a file is expected here/,
  },
  // The NPU
  {
    what: 'npu run on a folder without a model',
    args: ['npu', 'run', 'nowhere', '--multiplier', 'exact-mul:width=8,signed'],
    message: /nowhere\/model\.json not found/,
  },
  { what: 'npu run with no multiplier', args: ['npu', 'run', MODEL], message: /No multiplier given for the PEs/ },
  {
    what: 'npu run with --multiplier and --rtl',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--rtl', F('mask_mult.v'), '--top', 'mask_mult'],
    message: /one multiplier: --multiplier or --rtl, not both/,
  },
  {
    what: 'npu run with --multiplier and its old name --mult naming another',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--mult', 'drum:width=8,k=4,signed'],
    message: /--multiplier exact-mul:width=8,signed and --mult drum:width=8,k=4,signed name two multipliers/,
  },
  {
    what: 'npu run with --rtl and no --top',
    args: ['npu', 'run', MODEL, '--rtl', F('mask_mult.v')],
    message: /--rtl needs --top <module>/,
  },
  {
    what: 'npu run with a float multiplier',
    args: ['npu', 'run', MODEL, '--multiplier', 'fpmul:preset=bfloat16'],
    message: /has run-time control inputs \(mbits\); a PE needs a plain two-operand integer multiplier/,
  },
  {
    what: 'npu run with a 16-bit multiplier',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=16,signed'],
    message: /16-bit operands/,
  },
  {
    what: 'npu run with 65 PEs',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '-P', '65'],
    message: /npu: parameter 'p' = 65 is invalid: must be <= 64/,
  },
  {
    what: 'npu run with too few weight words',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--wdepth', '4'],
    message: /needs \d+ weight words per PE; the NPU has 4 \(wdepth=4\)/,
  },
  {
    what: 'npu run with an accumulator too narrow for exact sums',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--acc', '17'],
    message: /sums need \d+-bit accumulators to be exact.*acc=17/,
  },
  {
    what: 'npu run with more samples than the test split',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--samples', '100000'],
    message: /--samples 100000: the test split has \d+ samples/,
  },
  {
    what: 'npu run --operand-trace naming a folder',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--operand-trace', 'o'],
    setup: (d) => mkdirSync(join(d, 'o')),
    message: /--operand-trace o is a folder; a file is expected here/,
  },
  {
    what: 'npu run --operand-trace not an .npy',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--operand-trace', 't.txt'],
    message: /--operand-trace t\.txt: an operand trace is written as \.npy[\s\S]*--operand-trace t\.npy/,
  },
  {
    what: 'npu run on data that does not fit the model',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--data-path', CSV5],
    message: /five\.csv: samples of shape 5 \(5 features\), but the model in .*model takes 4 \(4\)/,
  },
  {
    what: 'npu compile on data that does not fit the model',
    args: ['npu', 'compile', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--data-path', CSV5, '-o', 'c'],
    message: /five\.csv: samples of shape 5/,
  },
  {
    what: 'npu cost on data with other classes',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--data-path', CSV3C],
    message: /three-classes\.csv: classes a, b, c \(3\), but the model/,
  },
  {
    what: 'npu run on a model whose input shape was edited',
    args: ['npu', 'run', 'm', '--multiplier', 'exact-mul:width=8,signed'],
    setup: (d) => editedModel(d, [5]),
    message: /four\.csv: samples of shape 4 \(4 features\), but the model in m takes 5 \(5\)/,
  },
  {
    what: 'npu run on an edited model and data that fits the edit',
    args: ['npu', 'run', 'm', '--multiplier', 'exact-mul:width=8,signed', '--data-path', CSV5],
    setup: (d) => editedModel(d, [5]),
    message: /The model's layers need 20 values for w0; its weights hold 16: model\.json was edited/,
  },
  {
    what: 'npu run with no samples (an option of a subcommand)',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--samples', '0'],
    message: /'--samples <n>' argument '0' is invalid\. It must be 1 or more/,
  },
  {
    what: 'npu cost with more samples than the test split',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--samples', '100000'],
    message: /--samples 100000: the test split has \d+ samples/,
  },
  {
    what: 'npu cost with no samples',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--samples', '0'],
    message: /'--samples <n>' argument '0' is invalid\. It must be 1 or more/,
  },
  {
    what: 'npu cost on a missing Liberty file',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--lib', 'nowhere/cells.lib'],
    message: /Liberty file nowhere\/cells.lib does not exist/,
  },
  {
    what: 'npu cost with a zero clock period',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--clock-ns', '0'],
    message: /'--clock-ns <ns>' argument '0' is invalid\. It must be above 0/,
  },
  {
    what: 'npu cost -o naming a folder',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '-o', 'o'],
    setup: (d) => mkdirSync(join(d, 'o')),
    message: /-o o is a folder; a file is expected here/,
  },
  {
    what: 'npu cost with an unknown memory kind',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--memory', 'dram'],
    message: /'--memory <kind\|role=kind,...>' argument 'dram' is invalid\. It must be a memory kind \(one of sram, ff-gated, ff-ungated\)/,
  },
  {
    what: 'npu cost with an unknown memory role',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--memory', 'wmem=sram,rom=sram'],
    message: /'rom=sram': the roles are prog, abuf, wmem, bmem/,
  },
  {
    what: 'npu cost with a role given an unknown kind',
    args: ['npu', 'cost', MODEL, '--multiplier', 'exact-mul:width=8,signed', '--memory', 'abuf=dram'],
    message: /'abuf=dram': the kind must be one of sram, ff-gated, ff-ungated/,
  },
  {
    what: 'export accelergy of a missing record',
    args: ['export', 'accelergy', 'nowhere.json', '-o', 'acc'],
    message: /nowhere\.json is not readable JSON: ENOENT/,
  },
  {
    what: 'export accelergy of a record of another command',
    args: ['export', 'accelergy', 'run.json', '-o', 'acc'],
    setup: (d) => writeFileSync(join(d, 'run.json'), JSON.stringify({ format: 'axhw-npu-run', version: 1 })),
    message: /run\.json does not match its schema \(format: /,
  },
  {
    what: 'export accelergy with an unknown memory kind',
    args: ['export', 'accelergy', 'cost.json', '--memory', 'dram', '-o', 'acc'],
    message: /option '--memory <kind>' argument 'dram' is invalid\. Allowed choices are sram, ff-gated, ff-ungated/,
  },
  {
    what: 'npu compile -o naming a file',
    args: ['npu', 'compile', MODEL, '--multiplier', 'exact-mul:width=8,signed', '-o', 'f'],
    setup: (d) => writeFileSync(join(d, 'f'), 'x'),
    message: /-o f is a file; a folder is expected here/,
  },
  // Tetris
  { what: 'tetris analyze on a folder without a model', args: ['tetris', 'analyze', 'nowhere'], message: /nowhere\/model\.json not found/ },
  {
    what: 'tetris analyze with a group size that is not a power of two',
    args: ['tetris', 'analyze', MODEL, '--groups', '4,6'],
    message: /--groups 4,6: each kneading group size must be a power of two from 2 to 64/,
  },
  {
    what: 'tetris analyze with a float multiplier',
    args: ['tetris', 'analyze', MODEL, '--multiplier', 'fpmul:preset=bfloat16'],
    message: /a PE needs a plain two-operand integer multiplier/,
  },
  {
    what: 'tetris analyze -o naming a folder',
    args: ['tetris', 'analyze', MODEL, '-o', 'o'],
    setup: (d) => mkdirSync(join(d, 'o')),
    message: /-o o is a folder; a file is expected here/,
  },
  { what: 'tetris analyze with nothing to analyse', args: ['tetris', 'analyze'], message: /Nothing to analyse/ },
  {
    what: 'tetris analyze with a model and a weight table',
    args: ['tetris', 'analyze', MODEL, '--weights', 'w.npy'],
    message: /Give a model folder or --weights, not both/,
  },
  {
    what: 'tetris analyze on data that does not fit the model',
    args: ['tetris', 'analyze', MODEL, '--data-path', CSV5],
    message: /five\.csv: samples of shape 5/,
  },
  {
    what: 'tetris analyze on a missing weight table',
    args: ['tetris', 'analyze', '--weights', 'nowhere.npy'],
    message: /Weight table nowhere\.npy does not exist/,
  },
  {
    what: 'experiment tetris with an unknown network',
    args: ['experiment', 'tetris', '--quick', '--networks', 'bc-bp,vgg'],
    message: /Unknown network\(s\): vgg/,
  },
  {
    what: 'experiment tetris with a cost group that is not a power of two',
    args: ['experiment', 'tetris', '--quick', '--cost-group', '12'],
    message: /Kneading group 12 is not a power of two from 2 to 64/,
  },
  {
    what: 'an experiment -o naming a file',
    args: ['experiment', 'axtrain', '--quick', '-o', 'f'],
    setup: (d) => writeFileSync(join(d, 'f'), 'x'),
    message: /-o f is a file; a folder is expected here/,
  },
  // ONNX import and export
  {
    what: 'import onnx of a missing file',
    args: ['import', 'onnx', 'nothing.onnx', '--data', 'digits', '--preprocess', 'scale=16', '-o', 'm'],
    message: /nothing\.onnx not found/,
  },
  {
    what: 'import onnx of a file that is not ONNX',
    args: ['import', 'onnx', 'text.onnx', '--data', 'digits', '--preprocess', 'scale=16', '-o', 'm'],
    setup: (cwd) => writeFileSync(join(cwd, 'text.onnx'), 'this is not a protobuf message\n'),
    message: /text\.onnx is not an ONNX ModelProto/,
  },
  {
    what: 'import onnx of a file that does not say its preprocessing, without --preprocess',
    args: ['import', 'onnx', ONNX_DIGITS, '--data', 'digits', '-o', 'm'],
    message: /digits-mlp\.onnx does not say how its input was preprocessed \(no axhw\.preprocessing metadata\)/,
  },
  {
    what: 'import onnx with a bad preprocessing rule',
    args: ['import', 'onnx', ONNX_DIGITS, '--data', 'digits', '--preprocess', 'scale=0', '-o', 'm'],
    message: /scale must be one positive number/,
  },
  {
    what: 'import onnx with per-channel statistics the data does not have',
    args: ['import', 'onnx', ONNX_DIGITS, '--data', 'digits', '--preprocess', 'mean=1:2,std=1:2', '-o', 'm'],
    message: /2 values of mean; digits has 1 channel\./,
  },
  {
    what: 'import onnx with data of another shape',
    args: ['import', 'onnx', ONNX_DIGITS, '--data', 'breast-cancer', '--data-path', CSV4, '--preprocess', 'standardise', '-o', 'm'],
    message: /The network takes input 64; breast-cancer has samples of 4/,
  },
  {
    what: 'import onnx with an unsupported operator',
    args: ['import', 'onnx', ONNX_SIGMOID, '--data', 'breast-cancer', '--data-path', CSV4, '--preprocess', 'standardise', '-o', 'm'],
    message: /node 'act' \(Sigmoid\): operator Sigmoid is not supported[\s\S]*Supported operators: Gemm/,
  },
  {
    what: 'train --init with another data set',
    args: ['train', '--init', MODEL, '--data', 'digits', '-o', 'm'],
    message: /--data digits, but the model in .* belongs to breast-cancer/,
  },
  {
    what: 'train with neither a data set nor a starting model',
    args: ['train', '-o', 'm'],
    message: /Give the data set to train on \(--data <name>\), or a model folder to start from/,
  },
  {
    what: 'export onnx --as-hardware on a multiplier a PE cannot hold',
    args: ['export', 'onnx', MODEL, '--as-hardware', 'fpmul:mbits=8', '-o', 'x.onnx'],
    message: /has run-time control inputs \(mbits\); a PE needs a plain two-operand integer multiplier/,
  },
  {
    what: 'npu run with --approx but no neurons on it',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8', '--approx', 'drum:width=8,k=2'],
    message: /--approx needs --approx-neurons, the neurons that use it/,
  },
  {
    what: 'npu run with an --amask that is not 0s and 1s',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8', '--amask', '0120'],
    message: /'--amask <bits>' argument '0120' is invalid\. It must be a string of 0s and 1s/,
  },
  {
    what: 'npu run with --amask but no --approx',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8', '--amask', '0101', '-P', '4'],
    message: /--amask marks the PEs of --approx, and there is no --approx/,
  },
  {
    what: 'npu run with neuron masks for another network',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8', '--approx', 'drum:width=8,k=2', '--approx-neurons', 'n.json'],
    setup: (cwd) => writeFileSync(join(cwd, 'n.json'), '[[1, 0, 1]]'),
    message: /neuron multipliers given for 1 layers; the model has 2 weighted layers/,
  },
  {
    what: 'npu run with a neuron mask file that is not one',
    args: ['npu', 'run', MODEL, '--multiplier', 'exact-mul:width=8', '--approx', 'drum:width=8,k=2', '--approx-neurons', 'n.json'],
    setup: (cwd) => writeFileSync(join(cwd, 'n.json'), '{"layers": 3}'),
    message: /n\.json is not a neuron mask file/,
  },
  {
    what: 'export onnx of a folder that is no model',
    args: ['export', 'onnx', 'empty', '-o', 'x.onnx'],
    setup: (cwd) => mkdirSync(join(cwd, 'empty')),
    message: /model\.json not found/,
  },
];

describe('bad input: exit 2, a message naming the problem and its fix, nothing written', () => {
  beforeAll(async () => {
    requireTool('verilator');
    requireTool('yosys');
    csvFile(CSV4, 4, ['neg', 'pos']);
    csvFile(CSV5, 5, ['neg', 'pos']);
    csvFile(CSV3C, 4, ['a', 'b', 'c']);
    const r = await execa('node', [bin, ...train('-o', MODEL, '--quiet')], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const t = await execa('node', [bin, 'lut', 'fpmul', '--exp', '4', '--frac', '3', '--mbits', '3', '-o', E4M3], {
      reject: false,
      all: true,
    });
    expect(t.exitCode, t.all).toBe(0);
  });

  it('has a row for every class of failure the CLI guards', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  it.each(rows.map((r) => [r.what, r] as const))('%s', async (_what, row) => {
    if (row.skip) return;
    const cwd = mkdtempSync(join(tmpdir(), 'axhw-bad-row-'));
    row.setup?.(cwd);
    const before = tree(cwd);
    const env = { FORCE_COLOR: '0', ...row.env };
    const r = await execa('node', [bin, ...row.args], { reject: false, all: true, cwd, env });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(row.message);
    expect(r.stderr).toMatch(/error/i);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(tree(cwd)).toEqual(before);
  });
});
