import { describe, expect, it } from 'vitest';
import { PE_MEM, PeModel } from '../../src/models/pe-model.js';
import type { ModuleCommand } from '../../src/models/module-protocol.js';
import type { PeFormat } from '../../src/models/pe-arith.js';

// A 4-bit signed exact multiplier's result codes (8 bits), index a << 4 | b.
const y = Array.from({ length: 256 }, (_, i) => {
  const v = (c: number) => (c >= 8 ? c - 16 : c);
  const p = v(i >> 4) * v(i & 15);
  return p < 0 ? p + 256 : p;
});
const f: PeFormat = { n: 4, signed: true, yWidth: 8, accBits: 10 };
const set = (port: string, value: number): ModuleCommand => ({ kind: 'set', port, value: BigInt(value) });

describe('the PE model, cycle by cycle', () => {
  it('accumulates, adds the bias, applies ReLU and requantises in the cycle after each issue (synchronous-read memories)', () => {
    const pe = new PeModel(f, { w: 4, b: 2 }, y);
    const r = pe.run([
      { kind: 'write', sel: PE_MEM.weights, addr: 0, words: [3n, 13n] }, // 3, -3
      { kind: 'write', sel: PE_MEM.biases, addr: 0, words: [5n, BigInt.asUintN(64, -40n)] },
      set('mac_en', 1),
      set('mac_first', 1),
      set('waddr', 0),
      { kind: 'run', cycles: 1 }, // issues the first MAC: weight 0 is read
      { kind: 'peek' },
      // rewriting weight 0 after its read does not change the product (the memory registered the word)
      { kind: 'write', sel: PE_MEM.weights, addr: 0, words: [1n] },
      set('mac_first', 0),
      set('waddr', 1),
      set('act', 7), // executes 7 * 3 = 21, issues weight 1
      { kind: 'run', cycles: 1 },
      set('mac_en', 0),
      set('act', 9), // executes -7 * -3 = 21
      { kind: 'run', cycles: 1 },
      { kind: 'peek' },
      set('fin_en', 1),
      set('baddr', 0),
      { kind: 'run', cycles: 1 }, // issues the finish: bias 0 is read
      set('baddr', 1),
      set('shift', 0x7e), // executes with shift -2: (42 + 5) / 4 = 11.75 -> 12 -> saturates at 7; issues bias 1
      { kind: 'run', cycles: 1 },
      { kind: 'peek' },
      set('fin_en', 0),
      set('relu', 1), // executes 42 - 40 = 2; ReLU keeps it; 2 / 4 = 0.5 -> 0 (ties to even)
      { kind: 'run', cycles: 1 },
      { kind: 'peek' },
      { kind: 'run', cycles: 3 }, // nothing issued: nothing changes
      { kind: 'peek' },
      { kind: 'read', sel: PE_MEM.biases, addr: 1, n: 1 },
    ]);
    const peeks = r.filter((x) => x.kind === 'peek').map((x) => (x.kind === 'peek' ? x.values.map(Number) : []));
    expect(peeks).toEqual([
      [0, 0, 0],
      [42, 0, 0],
      [42, 47, 7],
      [42, 2, 0],
      [42, 2, 0],
    ]);
    expect(r[r.length - 1]).toEqual({ kind: 'read', words: [BigInt.asUintN(64, -40n)] });
  });

  it('saturates the accumulator at its width and flips stored bits through the fault mask', () => {
    const pe = new PeModel(f, { w: 2, b: 2 }, y);
    const r = pe.run([
      { kind: 'write', sel: PE_MEM.weights, addr: 0, words: [7n] },
      { kind: 'write', sel: PE_MEM.faults, addr: 0, words: [8n] }, // 7 ^ 8 = 15 = -1
      set('mac_en', 1),
      set('mac_first', 1),
      set('act', 8), // -8 * -1 = 8
      { kind: 'run', cycles: 1 },
      set('mac_first', 0),
      set('act', 8),
      { kind: 'run', cycles: 100 }, // 8 * 101 = 808 > 511: saturates
      { kind: 'peek' },
    ]);
    expect(r[r.length - 1]).toEqual({ kind: 'peek', values: [511n, 0n, 0n] });
    expect(() => pe.run([set('nope', 1)])).toThrow(/no input 'nope'/);
  });
});
