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
if ((!axhw && !process.argv.includes('--digest-only')) || !out) {
  console.error('usage: node scripts/output-digests.mjs --axhw <bin/axhw.js> --out <dir> [--skip-demo]');
  process.exit(2);
}
const skipDemo = process.argv.includes('--skip-demo');
// --digest-only: hash the files of an earlier run again (after a change to the normalisation)
const digestOnly = process.argv.includes('--digest-only');
const files = join(out, 'files');
if (!digestOnly) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(files, { recursive: true });
}

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

if (!digestOnly) runAll();

function runAll() {
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
}

/** Keys whose values are measurements of the run itself (time, speed, cache state, dates), not results. */
const VOLATILE_KEY = /seconds|Seconds|PerSecond|perSecond|Ms$|^ms$|cached|Cached|createdAt|metaSha256|elapsed|wall|[tT]ime/;

/** Fixed text for what may differ between two runs of the same code: timings, rates, dates, paths, cache state. */
function normaliseText(text) {
  return text
    .replaceAll(files, '<files>')
    .replace(/(?:\/[\w.+-]+)+\/dist\//g, '<dist>/')
    .replace(/\b\d+(\.\d+)?( ?(ms|s|min|minutes|seconds)\b)/g, '<time>$2')
    .replace(/\b[\d.,]+( ?[kM]?)( [a-z -]+\/s\b)/g, '<rate>$2')
    .replace(/training time [\d.]+% less/g, 'training time <ratio>% less')
    .replace(/training-time reduction against iterative: [\d.]+%/g, 'training-time reduction against iterative: <ratio>%')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<date>')
    .replace(/\[(synthesis|build) cached\]|build cached|cached/g, '<cache>');
}

function normaliseJson(value) {
  if (Array.isArray(value)) return value.map(normaliseJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE_KEY.test(k) ? '<volatile>' : normaliseJson(v)]));
  return typeof value === 'string' ? normaliseText(value) : value;
}

function normalise(text, path) {
  if (path.endsWith('.json') || text.trimStart().startsWith('{') || text.trimStart().startsWith('[')) {
    try {
      return JSON.stringify(normaliseJson(JSON.parse(text)), null, 1);
    } catch {
      // not JSON after all (a log that starts with a bracket)
    }
  }
  return normaliseText(text);
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
    const text = /\.(txt|json|md|csv|svg|html|hex|v|mem)$/.test(p) ? normalise(raw.toString('utf8'), p) : raw;
    return `${createHash('sha256').update(raw).digest('hex')}  ${createHash('sha256').update(text).digest('hex')}  ${relative(files, p)}`;
  });
writeFileSync(join(out, 'digests.txt'), `# raw sha256, normalised sha256, file\n${lines.join('\n')}\n`);
console.error(`${lines.length} files; digests in ${join(out, 'digests.txt')}`);

// --compare <other dir>: for each file whose normalised digest differs, its first differing normalised lines.
const other = arg('--compare');
if (other) {
  const read = (dir, rel) => normalise(readFileSync(join(dir, 'files', rel), 'utf8'), rel).split('\n');
  const theirs = new Map(
    readFileSync(join(other, 'digests.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.split('  ')[2], l.split('  ')[1]]),
  );
  for (const line of lines) {
    const [, norm, rel] = line.split('  ');
    if (!theirs.has(rel)) console.log(`only here: ${rel}`);
    else if (theirs.get(rel) !== norm && !/\.(npy|bin|svg)$/.test(rel)) {
      const [a, b] = [read(other, rel), read(out, rel)];
      const i = a.findIndex((x, k) => x !== b[k]);
      console.log(`${rel}:${i + 1}\n  - ${a[i]?.slice(0, 200)}\n  + ${b[i]?.slice(0, 200)}`);
    } else if (theirs.get(rel) !== norm) console.log(`${rel}: differs (binary)`);
  }
}
