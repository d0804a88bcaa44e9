#!/usr/bin/env node
// Runs a fixed set of axhw commands and writes what each produced, with a sha256 per output, so that a
// restructuring can show its outputs are byte-identical: run it on the old build and on the new one,
// then `diff` the two digests files. Usage:
//   node scripts/output-digests.mjs --axhw <<bin/axhw.js>> --out <dir> [--skip-demo]
// Outputs land in <dir>/files/ and their digests in <dir>/digests.txt. Bytes that legitimately differ
// between two runs (timings, the command's own path, dates in provenance) are listed by `--normalise`,
// which rewrites them to fixed text before hashing; the raw files stay beside.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const axhw = arg('--axhw');
const out = arg('--out');
if (!axhw || !out) {
  console.error('usage: node scripts/output-digests.mjs --axhw <bin/axhw.js> --out <dir> [--skip-demo]');
  process.exit(2);
}
const skipDemo = process.argv.includes('--skip-demo');
const files = join(out, 'files');
rmSync(out, { recursive: true, force: true });
mkdirSync(files, { recursive: true });

/** Run axhw with `args` in `files`, saving stdout as `name`. */
function run(name, args) {
  const t = Date.now();
  let stdout;
  try {
    stdout = execFileSync(process.execPath, [axhw, ...args], {
      cwd: files,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    stdout = `${e.stdout ?? ''}\n[exit ${e.status}]\n${e.stderr ?? ''}`;
  }
  writeFileSync(join(files, name), stdout);
  console.error(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/** Every help text: the top level and each command and subcommand, found from the help itself. */
function helps(path) {
  const name = `help/${path.length ? path.join('-') : 'axhw'}.txt`;
  mkdirSync(join(files, 'help'), { recursive: true });
  run(name, [...path, '--help']);
  const text = readFileSync(join(files, name), 'utf8');
  const section = text.split(/^Commands:$/m)[1];
  if (!section) return;
  for (const m of section.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)) if (m[1] !== 'help') helps([...path, m[1]]);
}

helps([]);
run('units.json', ['units', '--json']);
run('train-bc.txt', ['train', '--data', 'breast-cancer', '--epochs', '5', '--seed', '1', '-o', 'bc', '--quiet']);
run('train-axtrain.txt', [
  'train',
  '--data',
  'breast-cancer',
  '--epochs',
  '4',
  '--seed',
  '2',
  '--method',
  'axtrain',
  '--multiplier',
  'drum:width=8,k=3,signed',
  '-o',
  'bc-axtrain',
  '--quiet',
]);
run('npu-compile.json', ['npu', 'compile', 'bc', '--multiplier', 'drum:width=8,k=4,signed', '-P', '16', '-o', 'bc-npu', '--json']);
run('npu-run.json', ['npu', 'run', 'bc', '--multiplier', 'drum:width=8,k=4,signed', '-P', '16', '--json', '--quiet']);
run('npu-run.txt', ['npu', 'run', 'bc-axtrain', '--multiplier', 'drum:width=8,k=3,signed', '-P', '8', '--quiet']);
run('tetris.json', ['tetris', 'analyze', 'bc', '--json', '--quiet']);
run('characterize.txt', ['characterize', 'drum', '--width', '8', '--sweep', 'k=2..8', '--baseline', 'exact-mul', '-o', 'drum8']);
run('axnet.txt', ['experiment', 'axnet', '--quick', '-o', 'axnet']);
if (!skipDemo) run('demo.txt', ['demo', '-o', 'demo']);

/** Fixed text for bytes that may differ between runs: timings, dates, absolute paths, versions. */
function normalise(text) {
  return text
    .replaceAll(files, '<files>')
    .replace(/\d+(\.\d+)? ?(ms|s|min)\b/g, '<time>')
    .replace(/"(seconds|ms|elapsedMs|wallSeconds|durationMs|time[A-Za-z]*|[a-zA-Z]*Seconds)": ?[0-9.e+-]+/g, '"$1": <time>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<date>');
}

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const lines = walk(files)
  .sort()
  .map((p) => {
    const raw = readFileSync(p);
    const text = /\.(txt|json|md|csv|svg|html|hex|v|mem)$/.test(p) ? normalise(raw.toString('utf8')) : raw;
    return `${createHash('sha256').update(raw).digest('hex')}  ${createHash('sha256').update(text).digest('hex')}  ${relative(files, p)}`;
  });
writeFileSync(join(out, 'digests.txt'), `# raw sha256, normalised sha256, file\n${lines.join('\n')}\n`);
console.error(`${lines.length} files; digests in ${join(out, 'digests.txt')}`);
