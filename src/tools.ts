import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AxhwError } from './errors.js';
import { cacheRoot } from './paths.js';
import { writeAtomic } from './util/atomic-write.js';

/** System tools axhw drives, with the Debian package that provides each. */
export const TOOLS = {
  verilator: { bin: 'verilator', pkg: 'verilator', versionArgs: ['--version'] },
  yosys: { bin: 'yosys', pkg: 'yosys', versionArgs: ['-V'] },
  sta: { bin: 'sta', pkg: 'opensta', versionArgs: ['-version'] },
  // Verilator's --build compiles the model with make and g++; yosys's abc pass runs yosys-abc.
  make: { bin: 'make', pkg: 'make', versionArgs: ['--version'] },
  'g++': { bin: 'g++', pkg: 'g++', versionArgs: ['--version'] },
  abc: { bin: 'yosys-abc', pkg: 'yosys', versionArgs: ['-c', 'quit'] },
  iverilog: { bin: 'iverilog', pkg: 'iverilog', versionArgs: ['-V'] },
  vvp: { bin: 'vvp', pkg: 'iverilog', versionArgs: ['-V'] },
} as const;
export type ToolName = keyof typeof TOOLS;

const versions = new Map<ToolName, string>();

/** execa, loaded when a tool is first run (about 0.15 s; a cached verify runs no tool). */
const loadExeca = async () => (await import('execa')).execa;

/**
 * The tool's version line; throws a clear error naming the package when the tool is missing. Asking costs a
 * process (Verilator's is a Perl script: about 0.1 s), so the answer is kept in the cache folder against the
 * file the name resolves to on PATH (path, size, modification time, inode) and asked again only when that
 * file changes, as an upgrade changes it.
 */
export async function toolVersion(name: ToolName): Promise<string> {
  const known = versions.get(name);
  if (known) return known;
  const t = TOOLS[name];
  const stamp = fileStamp(t.bin);
  const stampFile = join(cacheRoot(), 'tools', `${name}.json`);
  const stored = stamp === undefined ? undefined : storedVersion(stampFile, stamp);
  let out: string;
  if (stored !== undefined) out = stored;
  else {
    try {
      const execa = await loadExeca();
      const r = await execa(t.bin, [...t.versionArgs], { reject: false, timeout: 30_000 });
      if (r.failed && (r as { code?: string }).code === 'ENOENT') throw new Error('ENOENT');
      out = `${r.stdout}\n${r.stderr}`.trim().split('\n')[0] ?? '';
    } catch {
      throw missingTool(name);
    }
    // Keeping it is an optimisation: a read-only cache folder asks again next time, and that is all.
    if (stamp !== undefined && out) {
      try {
        writeAtomic(stampFile, JSON.stringify({ stamp, version: out }) + '\n');
      } catch {
        // not kept
      }
    }
  }
  versions.set(name, out);
  return out;
}

/**
 * The environment of the `make` that Verilator's --build runs. Where ccache is installed, every compile goes
 * through it (Verilator's makefile runs compiles through OBJCACHE), its objects kept in the cache folder: every build
 * compiles Verilator's own runtime (verilated.cpp, threads, coverage, trace) from the same sources with the same
 * flags, and a later build takes those objects instead (a cold 8-bit DRUM build: 3.3 s, 1.3 s with them). An object
 * from ccache is the compiler's own output, so what is built is the same. AXHW_NO_CCACHE=1 turns it off.
 */
export function verilatorMakeEnv(): Record<string, string> {
  const env: Record<string, string> = { MAKEFLAGS: '' };
  if (process.env['AXHW_NO_CCACHE'] === '1' || fileStamp('ccache') === undefined) return env;
  const dir = join(cacheRoot(), 'ccache');
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return env; // a cache folder it cannot write to: compile everything, as without ccache
  }
  // The runtime's objects are what a later build reuses (the build cache keeps whole models); used by every build, they
  // stay the most recent when ccache trims its least recently used objects past this size.
  return { ...env, OBJCACHE: 'ccache', CCACHE_DIR: dir, CCACHE_MAXSIZE: '500M' };
}

/** What identifies the executable `bin` resolves to on PATH (and Verilator's root, which picks its binaries); undefined if none. */
function fileStamp(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, bin);
    try {
      const s = statSync(path);
      if (s.isFile() && (s.mode & 0o111) !== 0) return [path, s.size, s.mtimeMs, s.ino, process.env.VERILATOR_ROOT ?? ''].join(':');
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The version stored for this stamp, or undefined (none, another file, unreadable). */
function storedVersion(file: string, stamp: string): string | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { stamp?: unknown; version?: unknown };
    return r.stamp === stamp && typeof r.version === 'string' && r.version ? r.version : undefined;
  } catch {
    return undefined;
  }
}

export function missingTool(name: ToolName): AxhwError {
  const t = TOOLS[name];
  return new AxhwError(
    `${t.bin} was not found on PATH; axhw needs it for this command` +
      (name === 'make' || name === 'g++'
        ? ' (Verilator compiles its simulation models with it).'
        : name === 'abc'
          ? ' (yosys maps logic to cells with it).'
          : '.'),
    `Install it with: sudo apt-get install ${t.pkg}   (or run scripts/setup.sh, which installs every tool axhw uses).`,
  );
}

/** Run a system tool; a binary that is not installed is the missingTool error naming its package. */
export async function runTool(
  name: ToolName,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ exitCode: number; log: string }> {
  const execa = await loadExeca();
  let r;
  try {
    r = await execa(TOOLS[name].bin, args, { cwd: opts.cwd, env: opts.env, reject: false, all: true });
  } catch {
    throw missingTool(name);
  }
  if ((r as { code?: string }).code === 'ENOENT') throw missingTool(name);
  return { exitCode: r.exitCode ?? -1, log: r.all ?? '' };
}

/**
 * Run a tool that must succeed: a non-zero exit (or output matching `failOn`, for tools such as OpenSTA
 * that report errors and still exit 0) becomes an error carrying the tool's own messages.
 */
export async function runToolChecked(
  name: ToolName,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; failOn?: RegExp; failure: string; fix: string },
): Promise<string> {
  const { exitCode, log } = await runTool(name, args, opts);
  if (exitCode !== 0 || opts.failOn?.test(log)) throw new AxhwError(`${opts.failure}:\n${summariseToolLog(log)}`, opts.fix);
  return log;
}

/** Keep a tool's error lines (and a little context), not pages of make output. */
export function summariseToolLog(log: string, max = 30): string {
  const lines = log.split('\n');
  const errors = lines.filter((l) => /%Error|%Warning|error:|ERROR|^Error/.test(l));
  const pick = errors.length > 0 ? errors : lines.slice(-max);
  return pick
    .slice(0, max)
    .map((l) => `  ${l}`)
    .join('\n');
}

/** Versions of the tools that shape results, for provenance records; a tool that is not installed is left out. */
export async function toolVersions(
  names: readonly ToolName[] = ['verilator', 'yosys', 'sta', 'iverilog'],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) {
    try {
      out[n] = await toolVersion(n);
    } catch {
      // not installed: nothing of this run came from it
    }
  }
  return out;
}
