import { existsSync, mkdirSync, writeFileSync, renameSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { execa } from 'execa';
import type { Design } from '../gen/design.js';
import { renderTemplate, templatePath } from '../gen/templates.js';
import { cacheRoot, cosimTemplateDir } from '../paths.js';
import { sha256 } from '../util/hash.js';
import { byteWidth } from '../util/bits.js';
import { toolVersion, missingTool } from '../tools.js';
import { AxhwError } from '../errors.js';
import { PROTOCOL_VERSION } from './protocol.js';

/** Verilator flags: fast X handling and no fatal lint so users' RTL with style warnings still builds. */
const VERILATOR_FLAGS = ['--cc', '--exe', '--build', '-O3', '--x-assign', 'fast', '--x-initial', 'fast', '-Wno-fatal', '-Wno-lint', '-Wno-style'];
const CXX_FLAGS = '-O2 -std=c++17';

export interface HarnessBuild {
  binary: string;
  dir: string;
  key: string;
  cached: boolean;
  seconds: number;
  verilatorVersion: string;
}

export function renderHarness(d: Design): string {
  const yBits = d.ports.y.width;
  return renderTemplate(templatePath(cosimTemplateDir, 'harness.cpp.hbs'), {
    top: d.top,
    aName: d.ports.a.name,
    bName: d.ports.b.name,
    yName: d.ports.y.name,
    aWidth: d.ports.a.width,
    bWidth: d.ports.b.width,
    yWidth: yBits,
    yBytes: byteWidth(yBits),
    yMask: '0x' + ((1n << BigInt(yBits)) - 1n).toString(16),
    bMask: '0x' + ((1n << BigInt(d.ports.b.width)) - 1n).toString(16),
    aMask: '0x' + ((1n << BigInt(d.ports.a.width)) - 1n).toString(16),
    clock: d.ports.clock,
    protocol: PROTOCOL_VERSION,
    controls: d.ports.controls,
  }).text;
}

/**
 * Build (or reuse) the Verilated harness for a design. The cache key covers the RTL, the harness
 * source, the Verilator version and the flags, so any change rebuilds and nothing else does.
 * Builds happen in a private temp folder renamed into place: a failed or interrupted build leaves no
 * half-built cache entry, and two concurrent builds of the same design cannot corrupt each other.
 */
export async function buildHarness(d: Design, log: (msg: string) => void = () => {}): Promise<HarnessBuild> {
  const t0 = performance.now();
  const verilatorVersion = await toolVersion('verilator');
  const harness = renderHarness(d);
  const sourceParts = Object.entries(d.sources).sort(([x], [y]) => x.localeCompare(y)).flat();
  const key = sha256(`protocol ${PROTOCOL_VERSION}`, verilatorVersion, VERILATOR_FLAGS.join(' '), CXX_FLAGS, harness, ...sourceParts);
  const dir = join(cacheRoot(), 'cosim', `${d.top}-${key.slice(0, 16)}`);
  const binary = join(dir, 'harness');
  if (isComplete(dir, key)) {
    return { binary, dir, key, cached: true, seconds: (performance.now() - t0) / 1000, verilatorVersion };
  }
  log(`Verilating ${d.top} (first build of this design; later runs reuse ${dir})`);
  mkdirSync(join(cacheRoot(), 'cosim'), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const files: string[] = [];
    for (const [name, text] of Object.entries(d.sources)) {
      writeFileSync(join(tmp, name), text);
      files.push(name);
    }
    writeFileSync(join(tmp, 'harness.cpp'), harness);
    const args = [
      ...VERILATOR_FLAGS,
      '-j', String(Math.max(1, cpus().length)),
      '--top-module', d.top,
      '-Mdir', 'obj',
      '-o', '../harness',
      '-CFLAGS', CXX_FLAGS,
      'harness.cpp',
      ...files,
    ];
    let r;
    try {
      r = await execa('verilator', args, { cwd: tmp, reject: false, all: true, env: { MAKEFLAGS: '' } });
    } catch {
      throw missingTool('verilator');
    }
    if ((r as { code?: string }).code === 'ENOENT') throw missingTool('verilator');
    if (r.exitCode !== 0 || !existsSync(join(tmp, 'harness'))) {
      throw new AxhwError(`Verilator could not build ${d.top}:\n${summariseToolLog(r.all ?? '')}`, 'Fix the Verilog errors reported above (file:line as Verilator gives them).');
    }
    rmSync(join(tmp, 'obj'), { recursive: true, force: true }); // keep the cache small: binary + sources
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify({ key, top: d.top, verilatorVersion, builtAt: new Date().toISOString() }, null, 2));
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process finished the same build first; its result is identical.
      if (!isComplete(dir, key)) throw new AxhwError(`Could not install the build into ${dir}.`, 'Check that the cache folder is writable, or set AXHW_CACHE_DIR.');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { binary, dir, key, cached: false, seconds: (performance.now() - t0) / 1000, verilatorVersion };
}

function isComplete(dir: string, key: string): boolean {
  try {
    return existsSync(join(dir, 'harness')) && JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).key === key;
  } catch {
    return false;
  }
}

/** Keep a tool's error lines (and a little context), not pages of make output. */
export function summariseToolLog(log: string, max = 30): string {
  const lines = log.split('\n');
  const errors = lines.filter((l) => /%Error|%Warning|error:|ERROR/.test(l));
  const pick = errors.length > 0 ? errors : lines.slice(-max);
  return pick.slice(0, max).map((l) => `  ${l}`).join('\n');
}
