import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getModule, getUnit, listAllUnits, listModules, listUnits, resolveModule, resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { operandFormatOf } from '../../src/lut/trace-file.js';

describe('the one registry', () => {
  it('holds operators and modules, each with its kind, operators first', () => {
    const all = listAllUnits();
    expect(all.map((u) => `${u.kind}:${u.name}`)).toEqual([
      'operator:drum',
      'operator:exact-mul',
      'operator:fpmul',
      'module:pe',
      'module:npu',
      'module:sac-pe',
    ]);
    expect(listUnits().every((u) => u.kind === 'operator')).toBe(true);
    expect(listModules().every((m) => m.kind === 'module')).toBe(true);
    expect(new Set(all.map((u) => u.name)).size).toBe(all.length);
  });

  it('each operator states the numbers it computes on, consistent with its ports', () => {
    for (const u of listUnits()) {
      for (const raw of u.testSweep) {
        const { params } = resolveUnit(u.name, raw);
        const n = u.numbers(params);
        const ports = u.ports(params);
        if (n.kind === 'fixed') {
          expect(n.width, `${u.name} ${JSON.stringify(raw)}`).toBe(ports.a.width);
          expect(n.signed).toBe(ports.signed);
        } else {
          expect(1 + n.exp + n.frac, `${u.name} ${JSON.stringify(raw)}`).toBe(ports.a.width);
        }
      }
    }
    expect(getUnit('drum').numbers(resolveUnit('drum', { width: 6, k: 3, signed: true }).params)).toEqual({
      kind: 'fixed',
      width: 6,
      signed: true,
    });
    expect(getUnit('fpmul').numbers(resolveUnit('fpmul', {}, 'bfloat16').params)).toEqual({ kind: 'float', exp: 8, frac: 7 });
  });

  it('a design carries its numbers, and a trace format follows them', () => {
    const bf = resolveUnit('fpmul', {}, 'bfloat16');
    const f = operandFormatOf(generateDesign(bf.unit, bf.params));
    expect(f).toMatchObject({ numbers: 'float', exp: 8, frac: 7, aWidth: 16 });
    const dr = resolveUnit('drum', { width: 8, k: 4, signed: true });
    expect(operandFormatOf(generateDesign(dr.unit, dr.params))).toMatchObject({ numbers: 'integer', signed: true, aWidth: 8 });
  });

  it('resolves a module by name with its parameters typed and defaulted', () => {
    const { params } = resolveModule('npu', { mult: 'drum:width=8,k=4,signed', p: 4 });
    const p: number = params.p; // typed: a number without a cast
    expect(p).toBe(4);
    expect(params.hadamard).toBe(false);
    expect(getModule('pe').kind).toBe('module');
    expect(() => getUnit('npu')).toThrow(/clocked module unit, not a two-operand operator/);
  });
});

/** Code outside a unit's own file asks the unit (its kind, its numbers), never compares its name. */
describe('no unit is told apart by its name outside its own file', () => {
  const src = resolve(import.meta.dirname, '..', '..', 'src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const names = listAllUnits().map((u) => u.name);
  const comparison = new RegExp(`[!=]==?\\s*'(${names.join('|')})'|'(${names.join('|')})'\\s*[!=]==?`);

  it('finds no comparison with a unit name in src/ outside src/gen/units/', () => {
    const hits = files(src)
      .filter((f) => !f.includes(`${join('gen', 'units')}/`))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => [line, i] as const)
          .filter(([line]) => comparison.test(line))
          .map(([line, i]) => `${relative(src, f)}:${i + 1}: ${line.trim()}`),
      );
    expect(hits).toEqual([]);
  });

  it('would find one (negative control)', () => {
    expect(comparison.test("  if (spec?.unit.name === 'fpmul') {")).toBe(true);
    expect(comparison.test("  if ('drum' !== d.unit) {")).toBe(true);
    expect(comparison.test("  const { unit } = resolveModule('pe', raw);")).toBe(false);
  });
});
