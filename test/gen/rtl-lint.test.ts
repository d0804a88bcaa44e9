import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { listModules, listUnits, resolveModule, resolveUnit } from '../../src/gen/registry.js';
import { generateModule } from '../../src/gen/generate-module.js';
import { generateDesign } from '../../src/gen/generate.js';
import { requireTool } from '../helpers/tools.js';

/** Every unit of the registry, over its declared sweep: lint-clean under -Wall and synthesizable. */
describe.each(listUnits().map((u) => [u.name, u] as const))('generated RTL of %s', (name, unit) => {
  beforeAll(() => {
    requireTool('verilator');
    requireTool('yosys');
  });

  it.each(unit.testSweep.map((p) => [JSON.stringify(p), p] as const))(
    '%s is lint-clean under verilator --lint-only -Wall',
    async (_label, raw) => {
      const d = generateDesign(unit, resolveUnit(name, raw).params);
      const dir = mkdtempSync(join(tmpdir(), 'axhw-lint-'));
      const file = join(dir, `${d.top}.v`);
      writeFileSync(file, d.sources[`${d.top}.v`]);
      const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', d.top, file], { reject: false, all: true });
      expect(r.all).toBe('');
      expect(r.exitCode).toBe(0);
    },
  );

  it('synthesizes with Yosys to gates with no latches or flip-flops', async () => {
    const stat = await synthStat(generateDesign(unit, resolveUnit(name, unit.testSweep[0]).params));
    expect(stat).toMatch(/Number of cells/);
    expect(stat).not.toMatch(/\$_(DFF|SDFF|DLATCH|SR)/i);
  });

  // Clocked (pipelined) entries: the smallest one synthesizes with exactly the registers the wrapper declares.
  const clocked = unit.testSweep
    .map((p) => generateDesign(unit, resolveUnit(name, p).params))
    .filter((d) => d.ports.clock)
    .sort((x, y) => x.ports.a.width - y.ports.a.width);
  if (clocked.length > 0)
    it('pipelined wrapper synthesizes to the declared registers and no latches', async () => {
      const d = clocked[0];
      const stat = await synthStat(d);
      const flops = [...stat.matchAll(/\$_S?DFFE?_\w+\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      const { a, b, y, controls, clock } = d.ports;
      const inputs = a.width + b.width + controls.reduce((n, c) => n + c.width, 0) + 1; // + valid
      const outputs = y.width + 1;
      expect(flops).toBe(clock!.latency >= 2 ? inputs + outputs : outputs);
      expect(stat).not.toMatch(/DLATCH/i);
    });
});

async function synthStat(d: ReturnType<typeof generateDesign>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'axhw-synth-'));
  const file = join(dir, `${d.top}.v`);
  writeFileSync(file, d.sources[`${d.top}.v`]);
  const statFile = join(dir, 'stat.txt');
  const r = await execa('yosys', ['-q', '-p', `read_verilog ${file}; synth -flatten -top ${d.top}; tee -q -o ${statFile} stat`], {
    reject: false,
    all: true,
  });
  expect(r.exitCode, r.all).toBe(0);
  return readFileSync(statFile, 'utf8');
}

/** Every module unit over its sweep, children merged: lint-clean under -Wall; the PE synthesizes without latches. */
describe.each(listModules().map((m) => [m.name, m] as const))('generated RTL of module %s', (_name, def) => {
  beforeAll(() => {
    requireTool('verilator');
    requireTool('yosys');
  });

  it.each(def.testSweep.map((p) => [JSON.stringify(p), resolveModule(def.name, p).params] as const))(
    '%s is lint-clean under verilator --lint-only -Wall',
    async (_label, p) => {
      const d = generateModule(def, p);
      const dir = mkdtempSync(join(tmpdir(), 'axhw-lint-'));
      const files = Object.entries(d.sources).map(([name, text]) => (writeFileSync(join(dir, name), text), join(dir, name)));
      const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', d.top, ...files], { reject: false, all: true });
      expect(r.all).toBe('');
      expect(r.exitCode).toBe(0);
    },
  );
});

describe('the PE synthesizes', () => {
  it('to gates and flip-flops with no latches (its memories become flip-flops at this size)', async () => {
    requireTool('yosys');
    const def = listModules().find((m) => m.name === 'pe')!;
    const d = generateModule(def, resolveModule('pe', def.testSweep[def.testSweep.length - 1]!).params);
    const dir = mkdtempSync(join(tmpdir(), 'axhw-synth-'));
    const files = Object.entries(d.sources).map(([name, text]) => (writeFileSync(join(dir, name), text), join(dir, name)));
    const statFile = join(dir, 'stat.txt');
    const r = await execa(
      'yosys',
      ['-q', '-p', `read_verilog ${files.join(' ')}; synth -flatten -top ${d.top}; tee -q -o ${statFile} stat`],
      { reject: false, all: true },
    );
    expect(r.exitCode, r.all).toBe(0);
    const stat = readFileSync(statFile, 'utf8');
    expect(stat).toMatch(/\$_S?DFFE?_/);
    expect(stat).not.toMatch(/DLATCH/i);
  });
});
