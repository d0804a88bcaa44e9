import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { encodeNpy } from '../../src/lut/npy.js';
import { readWeightTable } from '../../src/tetris/weight-table.js';
import { analyzeLayers } from '../../src/tetris/analyze.js';
import { kneadedWordsOfMatrix } from '../../src/tetris/knead.js';

const dir = mkdtempSync(join(tmpdir(), 'axhw-weights-'));
const save = (name: string, codes: number[], shape: [number, number]) => {
  const f = join(dir, name);
  writeFileSync(f, encodeNpy({ signed: true, bytes: 1 }, shape, Buffer.from(Int8Array.from(codes).buffer)));
  return f;
};
const range = { qmin: -128, qmax: 127 };

describe('a weight table (.npy of codes) as one dense layer', () => {
  it('reads (fan-in, outputs) row-major codes and analyses them like a network layer', () => {
    const codes = [1, -2, 0, 3, 4, 0, -128, 127];
    const l = readWeightTable(save('w.npy', codes, [4, 2]), range);
    expect([l.fanIn, l.outputs, l.rowsPerInference, l.kind]).toEqual([4, 2, 1, 'dense']);
    expect(Array.from(l.weightCodes)).toEqual(codes);
    const a = analyzeLayers([l], { n: 8, signed: true, yWidth: 16, accBits: 32 }, [2, 4]);
    expect(a.total.weights).toBe(8);
    expect(a.total.kneading.map((k) => k.words)).toEqual([2, 4].map((g) => kneadedWordsOfMatrix(codes, 4, 2, g, 8)));
  });

  it('refuses a missing file, a file that is not a 2-D integer .npy, and codes outside the range, naming the entry', () => {
    expect(() => readWeightTable(join(dir, 'none.npy'), range)).toThrow(/Weight table .*none\.npy does not exist/);
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'not numpy');
    expect(() => readWeightTable(junk, range)).toThrow(/junk\.npy is not a 2-D integer \.npy: missing the \\x93NUMPY magic/);
    expect(() => readWeightTable(save('wide.npy', [0, 1, 100, 3], [2, 2]), { qmin: -15, qmax: 15 })).toThrow(
      /entry 2 \(row 1, column 0\) = 100 is outside the codes -15\.\.15/,
    );
  });
});
