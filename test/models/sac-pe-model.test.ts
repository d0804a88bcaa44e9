import { describe, expect, it } from 'vitest';
import { decodeKneaded, encodeKneaded, SAC_MEM, SacPeModel, sacLayout, type SacFormat } from '../../src/models/sac-pe-model.js';
import type { ModuleCommand, ModuleResponse } from '../../src/models/module-protocol.js';
import { kneadColumn, sacDot } from '../../src/tetris/knead.js';
import { runSacLayer, sacLayerImage, sacOutputCycles } from '../../src/tetris/sac-layer.js';
import { requantise } from '../../src/models/pe-arith.js';
import { Rng } from '../../src/util/rng.js';

const format = (o: Partial<SacFormat> = {}): SacFormat => ({
  pe: { n: 8, signed: true, yWidth: 16, accBits: 24 },
  lanes: 8,
  group: 4,
  rows: 4,
  seg: 24,
  ...o,
});

describe('the SAC PE model, without a simulator', () => {
  it('lays a kneaded word out as stated and reads it back', () => {
    const f = format();
    expect(sacLayout(f)).toEqual({ gi: 2, laneBits: 4, ga: 2, groupAt: 32, lastAt: 34, wordBits: 35 });
    const word = [{ index: 3, negative: true }, null, { index: 1, negative: false }, null, null, null, null, { index: 0, negative: true }];
    const v = encodeKneaded(f, word, 2, true);
    // lane 0: index 3, negative, valid = 0b1111; lane 2: index 1, valid = 0b1001; lane 7: negative, valid = 0b1100
    expect(v).toBe(0b1111n | (0b1001n << 8n) | (0b1100n << 28n) | (2n << 32n) | (1n << 34n));
    const d = decodeKneaded(f, v);
    expect(d.group).toBe(2);
    expect(d.last).toBe(true);
    expect(d.lanes.map((e) => (e.valid ? { index: e.index, negative: e.negative } : null))).toEqual(word);
    expect(() => encodeKneaded(f, word.slice(1), 0, false)).toThrow(/8 lanes, not 7/);
    expect(() => encodeKneaded(f, word, 4, false)).toThrow(/group 4 is outside the 4 rows/);
    expect(() => encodeKneaded(f, word, -1, false)).toThrow(/group -1 is outside/);
    expect(() => encodeKneaded(f, [{ index: -1, negative: false }, ...word.slice(1)], 0, false)).toThrow(/index -1 is outside/);
    expect(() => encodeKneaded(f, [{ index: 4, negative: false }, ...word.slice(1)], 0, false)).toThrow(/index 4 is outside a group of 4/);
  });

  it('runs a layer: each output is the dot product + bias, ReLU, requantised, in kneaded words + 2 cycles', async () => {
    const f = format();
    const rng = new Rng(3);
    const fanIn = 13;
    const outputs = 5;
    const codes = Array.from({ length: fanIn * outputs }, () => (rng.nextU32() % 5 === 0 ? 0 : (rng.nextU32() % 256) - 128));
    const bias = Array.from({ length: outputs }, () => (rng.nextU32() % 2001) - 1000);
    const rows = Array.from({ length: 2 * fanIn }, () => (rng.nextU32() % 256) - 128);
    const image = sacLayerImage({ ...f, rows: 4 }, codes, fanIn, outputs);
    const m = new SacPeModel({ ...f, rows: 4 }, { k: image.words.length, b: outputs });
    for (const relu of [false, true]) {
      const r = await runSacLayer((c) => m.run(c), { ...f, rows: 4 }, { image, bias, rows, nRows: 2, fanIn, relu, shift: -6 });
      for (let row = 0; row < 2; row++)
        for (let j = 0; j < outputs; j++) {
          const col = Array.from({ length: fanIn }, (_, t) => codes[t * outputs + j]!);
          let a = sacDot(kneadColumn(col, 4, 8), rows.slice(row * fanIn, (row + 1) * fanIn), 4, 8) + bias[j]!;
          expect(a).toBe(col.reduce((s, w, t) => s + w * rows[row * fanIn + t]!, 0) + bias[j]!);
          if (relu && a < 0) a = 0;
          expect(r.accOut[row * outputs + j]).toBe(a);
          expect(r.codes[row * outputs + j]).toBe(requantise(a, -6, -128, 127));
          expect(r.cycles[row * outputs + j]).toBe(sacOutputCycles(image.counts[j]!));
        }
    }
  });

  it('saturates each segment at its width, and the shift-added sum at the accumulator', () => {
    // one lane entry (magnitude bit 0) on activation 127, repeated: the segment stops at 2^(seg-1) - 1
    const f = format({ seg: 10, pe: { n: 8, signed: true, yWidth: 16, accBits: 12 } });
    const m = new SacPeModel(f, { k: 16, b: 2 });
    const lane0 = [{ index: 0, negative: false }, null, null, null, null, null, null, null];
    const lane7 = [null, null, null, null, null, null, null, { index: 0, negative: false }];
    const words = [
      ...Array.from({ length: 9 }, (_, i) => encodeKneaded(f, lane0, 0, i === 8)),
      ...Array.from({ length: 3 }, (_, i) => encodeKneaded(f, lane7, 0, i === 2)),
    ];
    const cmds: ModuleCommand[] = [
      { kind: 'write', sel: SAC_MEM.kneaded, addr: 0, words },
      { kind: 'write', sel: SAC_MEM.activations, addr: 0, words: [127n] },
      { kind: 'set', port: 'kbase', value: 0n },
      { kind: 'set', port: 'start', value: 1n },
      { kind: 'run', cycles: 20, dones: 1 },
      { kind: 'set', port: 'start', value: 0n },
      { kind: 'peek' },
      { kind: 'set', port: 'kbase', value: 9n },
      { kind: 'set', port: 'start', value: 1n },
      { kind: 'run', cycles: 2 },
      { kind: 'peek' }, // running: acc reads 0 outside the finishing cycle
      { kind: 'run', cycles: 20, dones: 1 },
      { kind: 'peek' },
    ];
    const peeks = m
      .run(cmds)
      .filter((r): r is Extract<ModuleResponse, { kind: 'peek' }> => r.kind === 'peek')
      .map((p) => p.values.map(Number));
    // 9 x 127 = 1143 > 511: the segment holds 511 (10 bits); acc_out = 511
    expect(peeks[0]![1]).toBe(511);
    expect(peeks[1]![0]).toBe(0);
    // 3 x 127 x 2^7 = 48768 > 2047: acc_out saturates at the 12-bit accumulator
    expect(peeks[2]![1]).toBe(2047);
  });

  it('takes start only when idle, answers host reads with what was written, and refuses unknown inputs', () => {
    const f = format();
    const m = new SacPeModel(f, { k: 4, b: 2 });
    const w = encodeKneaded(f, [{ index: 1, negative: true }, null, null, null, null, null, null, null], 0, true);
    const r = m.run([
      { kind: 'write', sel: SAC_MEM.kneaded, addr: 0, words: [w, w] },
      { kind: 'write', sel: SAC_MEM.activations, addr: 0, words: [5n, 0xfdn] }, // -3 as an 8-bit code
      { kind: 'write', sel: SAC_MEM.biases, addr: 0, words: [BigInt.asUintN(64, -7n)] },
      { kind: 'set', port: 'start', value: 1n },
      { kind: 'run', cycles: 10, dones: 2 },
      { kind: 'read', sel: SAC_MEM.kneaded, addr: 0, n: 2 },
      { kind: 'read', sel: SAC_MEM.activations, addr: 0, n: 2 },
      { kind: 'read', sel: SAC_MEM.biases, addr: 0, n: 1 },
      { kind: 'peek' },
    ]);
    // two outputs of 1 word each: idle, word, finish -> done at cycles 2 and 5
    const run = r[4] as Extract<ModuleResponse, { kind: 'run' }>;
    expect(run.result.doneCycles).toEqual([2, 5]);
    expect((r[5] as { words: bigint[] }).words).toEqual([w, w]);
    expect((r[6] as { words: bigint[] }).words).toEqual([5n, 0xfdn]);
    expect((r[7] as { words: bigint[] }).words).toEqual([BigInt.asUintN(64, -7n)]);
    // -(-3) + (-7) = -4, ReLU off
    expect(Number((r[8] as { values: bigint[] }).values[1])).toBe(2 ** 24 - 4);
    expect(() => m.run([{ kind: 'set', port: 'mac_en', value: 1n }])).toThrow(/no input 'mac_en'/);
    // a memory never written reads 0; reset is answered (the PE has no reset of its own)
    const fresh = new SacPeModel(f, { k: 4, b: 2 });
    expect(fresh.run([{ kind: 'read', sel: SAC_MEM.kneaded, addr: 3, n: 1 }, { kind: 'reset' }])).toEqual([
      { kind: 'read', words: [0n] },
      { kind: 'reset' },
    ]);
  });

  it('runs exactly the cycles asked; in the finishing cycle acc is the shift-added sum', () => {
    const f = format();
    const m = new SacPeModel(f, { k: 2, b: 2 });
    // magnitude bit 2 of weight 0 (4 x activation 6 = 24)
    const w = encodeKneaded(f, [null, null, { index: 0, negative: false }, null, null, null, null, null], 0, true);
    const r = m.run([
      { kind: 'write', sel: SAC_MEM.kneaded, addr: 0, words: [w] },
      { kind: 'write', sel: SAC_MEM.activations, addr: 0, words: [6n] },
      { kind: 'set', port: 'start', value: 1n },
      { kind: 'run', cycles: 2 },
      { kind: 'peek' },
    ]);
    expect((r[3] as Extract<ModuleResponse, { kind: 'run' }>).result).toMatchObject({ cycles: 2, dones: 0 });
    expect(Number((r[4] as { values: bigint[] }).values[0])).toBe(24);
  });
});
