import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readNeuronMasks } from '../../src/npu/neuron-masks.js';
import { AxhwError } from '../../src/errors.js';

const file = (text: string) => {
  const f = join(mkdtempSync(join(tmpdir(), 'axhw-masks-')), 'n.json');
  writeFileSync(f, text);
  return f;
};

describe('neuron mask files (--approx-neurons)', () => {
  it('reads 0/1 masks and index lists, bare or under "masks"', () => {
    expect(readNeuronMasks(file('[[1,0,1],[0]]')).map((m) => Array.from(m))).toEqual([[1, 0, 1], [0]]);
    expect(readNeuronMasks(file('{"masks": [{"outputs": 4, "neurons": [3, 0]}, [1]]}')).map((m) => Array.from(m))).toEqual([
      [1, 0, 0, 1],
      [1],
    ]);
  });

  it.each([
    ['not JSON', '[[1,', /not readable JSON/],
    ['a value other than 0 or 1', '[[2]]', /not a neuron mask file/],
    ['an index past the layer', '[{"outputs": 2, "neurons": [2]}]', /layer 0 names neuron 2 of 2/],
  ])('refuses %s', (_, text, message) => {
    expect(() => readNeuronMasks(file(text))).toThrow(AxhwError);
    expect(() => readNeuronMasks(file(text))).toThrow(message);
  });
});
