import { describe, expect, it } from 'vitest';
import { toMemoryKinds } from '../../../src/cli/options/memory-kinds.js';
import { resolveModule } from '../../../src/gen/registry.js';
import { generateModule } from '../../../src/gen/generate-module.js';

describe('--memory: memory kinds per role, as the NPU unit takes them', () => {
  it('reads one kind for every role, or role=kind pairs (roles not named keep the default)', () => {
    expect(toMemoryKinds('sram')).toEqual({ prog: 'sram', abuf: 'sram', wmem: 'sram', bmem: 'sram' });
    expect(toMemoryKinds('wmem=sram,abuf=ff-ungated')).toEqual({ wmem: 'sram', abuf: 'ff-ungated' });
    expect(() => toMemoryKinds('dram')).toThrow(/a memory kind \(one of sram, ff-gated, ff-ungated\) or role=kind pairs/);
    expect(() => toMemoryKinds('wmem=sram,wmem=ff-gated')).toThrow("'wmem' is given twice");
    expect(() => toMemoryKinds('wmem=sram=x')).toThrow(/the roles are prog, abuf, wmem, bmem/);
    expect(() => toMemoryKinds('wmem=')).toThrow(/the kind must be one of/);
  });

  it("a role's kind reaches its memories and not the module's name or Verilog (it is costing only)", () => {
    const base = { mult: 'exact-mul:width=4,signed', p: 2, acc: 16, wdepth: 8, bdepth: 2, adepth: 8, pdepth: 16 };
    const plain = resolveModule('npu', base);
    const built = resolveModule('npu', { ...base, ...toMemoryKinds('wmem=sram,abuf=ff-ungated') });
    const [a, b] = [generateModule(plain.unit, plain.params), generateModule(built.unit, built.params)];
    expect(b.top).toBe(a.top);
    expect(b.rtlHash).toBe(a.rtlHash);
    const kindOf = (d: typeof a, name: string) => d.memories.find((m) => m.name === name)!.kind;
    expect(['prog', 'act0', 'act1'].map((n) => kindOf(b, n))).toEqual(['ff-gated', 'ff-ungated', 'ff-ungated']);
    expect(['prog', 'act0', 'act1'].map((n) => kindOf(a, n))).toEqual(['ff-gated', 'ff-gated', 'ff-gated']);
    const pe = b.submodules[0]!;
    expect(['wmem', 'bmem'].map((n) => kindOf(pe, n))).toEqual(['sram', 'ff-gated']);
    expect(pe.memories.find((m) => m.name === 'fmask')!.kind).toBeUndefined();
  });
});
