import { describe, expect, it } from 'vitest';
import { formatUnitSpec, parseUnitSpec, resolveUnitSpec } from '../../src/gen/unit-spec.js';
import { unitArgument, type UnitFlags } from '../../src/cli/options/design.js';
import { AxhwError } from '../../src/errors.js';

describe('unit specs (unit:param=value,...)', () => {
  it('parses names, values and bare flags', () => {
    expect(parseUnitSpec('drum:width=8,k=4,signed')).toEqual({ unit: 'drum', raw: { width: '8', k: '4', signed: true } });
    expect(parseUnitSpec('exact-mul')).toEqual({ unit: 'exact-mul', raw: {} });
    expect(parseUnitSpec(' drum : width = 8 , signed=false ')).toEqual({ unit: 'drum', raw: { width: '8', signed: false } });
    expect(parseUnitSpec('drum:signed=true,k=4')).toEqual({ unit: 'drum', raw: { signed: true, k: '4' } });
    // Empty and blank entries are skipped.
    expect(parseUnitSpec('drum:width=8,, ,k=4')).toEqual({ unit: 'drum', raw: { width: '8', k: '4' } });
  });

  it('formats what it parses (round trip through the registry)', () => {
    const text = formatUnitSpec('drum', { width: 8, k: 3, signed: true });
    expect(text).toBe('drum:width=8,k=3,signed');
    const r = resolveUnitSpec(text);
    expect(r.unit.name).toBe('drum');
    expect(r.params).toEqual({ width: 8, k: 3, signed: true });
    expect(formatUnitSpec('exact-mul', {})).toBe('exact-mul');
    expect(formatUnitSpec('drum', { width: 8, signed: false })).toBe('drum:width=8,signed=false');
    expect(formatUnitSpec('drum', { width: 8, k: undefined })).toBe('drum:width=8');
  });

  it('validates against the registry declarations, controls and presets included', () => {
    const f = resolveUnitSpec('fpmul:preset=bfloat16,mbits=5');
    expect(f.params).toMatchObject({ exp: 8, frac: 7 });
    expect(f.controls).toEqual({ mbits: 5 });
    expect(f.preset).toBe('bfloat16');
    expect(() => resolveUnitSpec('drum:width=8,kk=4')).toThrow(/no parameter 'kk'/);
    expect(() => resolveUnitSpec('drum:width=8,k=40')).toThrow(/k/);
    expect(() => resolveUnitSpec('dram:width=8')).toThrow(/Unknown unit 'dram'/);
    const fixOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as AxhwError).message} | ${(e as AxhwError).fix}`;
      }
      return 'no error';
    };
    expect(fixOf(() => resolveUnitSpec(':width=8'))).toMatch(/names no unit\. \| Write a unit as name:param=value/);
    expect(fixOf(() => resolveUnitSpec('drum:=4'))).toMatch(/'drum:=4': a parameter has no name\. \| Write a unit as name:param=value/);
    expect(fixOf(() => resolveUnitSpec('fpmul:mbits=-1'))).toMatch(/control input mbits = -1 is not a non-negative integer/);
    expect(resolveUnitSpec('fpmul:mbits=0').controls).toEqual({ mbits: 0 });
    expect(() => resolveUnitSpec('drum:width=8,width=9')).toThrow(/twice/);
    expect(() => resolveUnitSpec('fpmul:mbits=x')).toThrow(/mbits/);
    expect(() => resolveUnitSpec('fpmul:preset')).toThrow(/preset needs a name/);
  });

  it('merges with CLI flags, refusing a contradiction', () => {
    const opts: UnitFlags = { width: '8' };
    expect(unitArgument('drum:k=4,signed', opts)).toEqual({ name: 'drum', raw: { width: '8', k: '4', signed: true }, preset: undefined });
    expect(() => unitArgument('drum:width=16', { width: '8' })).toThrow(/--width says 8/);
    const withControl: UnitFlags = {};
    expect(unitArgument('fpmul:preset=binary16,mbits=4', withControl).preset).toBe('binary16');
    expect(withControl.mbits).toBe('4');
    expect(() => unitArgument('fpmul:mbits=4', { mbits: '5' })).toThrow(/--mbits says 5/);
  });
});
