#!/usr/bin/env node
// Where a test run's CPU goes (issue 37), by axhw command: runs `vitest run` with the given arguments (none: every
// tier) with bench/test-work-preload.mjs in every Node process, then prints the machine's busy share over the run,
// the CPU seconds of the axhw processes the tests started, grouped by command, and the heaviest ones. The tests'
// own Node work (the in-process tiers) shows in the busy share, not in the table; simulators and synthesis tools
// are processes of their own and not counted either. Build first (`npm run build`): the tests run dist/.
//   node bench/test-work.mjs                                    # every tier
//   node bench/test-work.mjs test/demo test/cli/bad-input.test.ts
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const preload = join(root, 'bench', 'test-work-preload.mjs');
const work = mkdtempSync(join(tmpdir(), 'axhw-test-work-'));
const log = join(work, 'processes.jsonl');

/** The machine's CPU time so far (Linux /proc/stat, in clock ticks): busy and total; undefined elsewhere. */
function cpuTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - f[4], total };
  } catch {
    return undefined;
  }
}

const t0 = performance.now();
const before = cpuTicks();
const options = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
const run = await execa('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  reject: false,
  env: { NODE_OPTIONS: `${options}--import ${preload}`, AXHW_TEST_WORK_LOG: log },
});
const wall = (performance.now() - t0) / 1000;
const after = cpuTicks();

let records = [];
try {
  records = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
} catch {
  // no process ended normally
}
rmSync(work, { recursive: true, force: true });

const AXHW = /bin\/axhw\.js\s+/;
const { buildProgram } = await import(new URL('../dist/cli/program.js', import.meta.url).href);
const program = await buildProgram();
/** An axhw process's command: its command word, and its subcommand's where it has them (`npu cost`, `experiment axnet`). */
function commandOf(argv) {
  const [first, second] = argv.split(AXHW)[1].split(/\s+/);
  const cmd = program.commands.find((c) => c.name() === first);
  if (!cmd) return first?.startsWith('-') ? first : '(no command)';
  return cmd.commands.some((c) => c.name() === second) ? `${first} ${second}` : first;
}

const axhw = records.filter((r) => AXHW.test(r.argv));
const sum = (rs) => rs.reduce((s, r) => s + r.cpu, 0);
const byCommand = new Map();
for (const r of axhw) {
  const k = commandOf(r.argv);
  const g = byCommand.get(k) ?? { n: 0, cpu: 0 };
  g.n++;
  g.cpu += r.cpu;
  byCommand.set(k, g);
}
const total = sum(axhw);
const busy = before && after ? (after.busy - before.busy) / (after.total - before.total) : undefined;
// Test folders shortened to their last part: the command stays readable.
const short = (s) =>
  s
    .split(AXHW)[1]
    .replace(new RegExp(`${tmpdir()}/(axhw-test-run-[^/ ]+/)?([^ ]*/)?`, 'g'), '.../')
    .slice(0, 120);

console.log(`\n# Test work by axhw command (vitest run ${process.argv.slice(2).join(' ')}, exit ${run.exitCode})\n`);
console.log(`- wall ${wall.toFixed(0)} s${busy === undefined ? '' : `; the machine's CPUs ${(100 * busy).toFixed(0)}% busy over it`}`);
console.log(`- ${axhw.length} axhw processes ended, ${total.toFixed(0)} CPU seconds (all their threads)\n`);
console.log('| command | processes | CPU s | share |');
console.log('|---|---:|---:|---:|');
for (const [k, g] of [...byCommand].sort((a, b) => b[1].cpu - a[1].cpu))
  console.log(`| ${k} | ${g.n} | ${g.cpu.toFixed(1)} | ${((100 * g.cpu) / total).toFixed(1)}% |`);
console.log('\n| heaviest processes | CPU s | wall s |');
console.log('|---|---:|---:|');
for (const r of [...axhw].sort((a, b) => b.cpu - a.cpu).slice(0, 15))
  console.log(`| \`${short(r.argv)}\` | ${r.cpu.toFixed(1)} | ${r.wall.toFixed(1)} |`);
process.exitCode = run.exitCode ?? 1;
