import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { Design } from '../gen/design.js';
import { renderTemplate, templatePath } from '../gen/templates.js';
import { cacheRoot, cosimTemplateDir } from '../paths.js';
import { sha256 } from '../util/hash.js';
import { cachedEntry } from '../util/cache-entry.js';
import { byteWidth } from '../util/bits.js';
import { toolVersion, runToolChecked, summariseToolLog, verilatorMakeEnv } from '../tools.js';
import { AxhwError } from '../errors.js';
import { PROTOCOL_VERSION } from './protocol.js';

/** Verilator flags: fast X handling and no fatal lint so users' RTL with style warnings still builds. */
const VERILATOR_FLAGS = [
  '--cc',
  '--exe',
  '--build',
  '-O3',
  '--x-assign',
  'fast',
  '--x-initial',
  'fast',
  '-Wno-fatal',
  '-Wno-lint',
  '-Wno-style',
];
const CXX_FLAGS = '-O2 -std=c++17';

/**
 * Make flags for gate-level toggle simulations (with `-O0` C++ flags): a gate-level model is a large
 * program to compile and its costed runs are short. OPT_FAST (Verilator's -Os on the model's fast files)
 * becomes -O1, which compiles much faster and still runs well; OPT_GLOBAL (the Verilator runtime, compiled
 * in every build with -Os) becomes -O0: the 16-PE NPU's own logic builds in 37 s instead of 42 s.
 */
export const GATE_LEVEL_MAKEFLAGS = ['-MAKEFLAGS', 'OPT_FAST=-O1', '-MAKEFLAGS', 'OPT_GLOBAL=-O0'] as const;

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
 * source, the Verilator version and the flags, so any change rebuilds and nothing else does. The build
 * is a cache entry (util/cache-entry.ts): made in a private temp folder and renamed into place, so a
 * failed or interrupted build leaves nothing behind.
 */
export function buildHarness(d: Design, log: (msg: string) => void = () => {}): Promise<HarnessBuild> {
  return buildVerilated({ top: d.top, sources: d.sources, harness: renderHarness(d), protocol: `protocol ${PROTOCOL_VERSION}` }, log);
}

/**
 * Verilate RTL with a C++ harness (the operator one or the module one) into a cached binary. The key covers
 * everything that goes into the binary.
 */
export async function buildVerilated(
  d: { top: string; sources: Record<string, string>; harness: string; protocol: string; flags?: readonly string[]; cxxFlags?: string },
  log: (msg: string) => void = () => {},
): Promise<HarnessBuild> {
  const t0 = performance.now();
  const verilatorVersion = await toolVersion('verilator');
  await Promise.all([toolVersion('make'), toolVersion('g++')]);
  const harness = d.harness;
  const sourceParts = Object.entries(d.sources)
    .sort(([x], [y]) => x.localeCompare(y))
    .flat();
  const flags = [...VERILATOR_FLAGS, ...(d.flags ?? [])];
  const cxx = d.cxxFlags ?? CXX_FLAGS;
  const key = sha256(d.protocol, verilatorVersion, flags.join(' '), cxx, harness, ...sourceParts);
  const entry = await cachedEntry('cosim', d.top, key, async (tmp) => {
    log(`Verilating ${d.top} (first build of this design; later runs reuse the cache in ${join(cacheRoot(), 'cosim')})`);
    const files: string[] = [];
    for (const [name, text] of Object.entries(d.sources)) {
      writeFileSync(join(tmp, name), text);
      files.push(name);
    }
    writeFileSync(join(tmp, 'harness.cpp'), harness);
    const args = [
      ...flags,
      '-j',
      String(Math.max(1, cpus().length)),
      '--top-module',
      d.top,
      '-Mdir',
      'obj',
      '-o',
      '../harness',
      '-CFLAGS',
      cxx,
      'harness.cpp',
      ...files,
    ];
    const failure = `Verilator could not build ${d.top}`;
    const fix = 'Fix the Verilog errors reported above (file:line as Verilator gives them).';
    const output = await runToolChecked('verilator', args, { cwd: tmp, env: verilatorMakeEnv(), failure, fix });
    if (!existsSync(join(tmp, 'harness'))) throw new AxhwError(`${failure}:\n${summariseToolLog(output)}`, fix);
    rmSync(join(tmp, 'obj'), { recursive: true, force: true }); // keep the cache small: binary + sources
    return { top: d.top, verilatorVersion, builtAt: new Date().toISOString() };
  });
  const binary = join(entry.dir, 'harness');
  return { binary, dir: entry.dir, key, cached: entry.cached, seconds: (performance.now() - t0) / 1000, verilatorVersion };
}
