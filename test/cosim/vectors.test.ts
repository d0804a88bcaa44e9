import { describe, expect, it } from 'vitest';
import { cornerCodes, fillRange } from '../../src/cosim/vectors.js';
import { Rng } from '../../src/util/rng.js';

describe('test vectors', () => {
  it('covers 0, 1, max, powers of two, all ones and sign boundaries', () => {
    const u = cornerCodes(8, false);
    for (const v of [0, 1, 2, 255, 254, 128, 127, 64, 63, 65]) expect(u).toContain(v);
    const s = cornerCodes(8, true, [20]);
    for (const v of [0x80, 0x81, 0x7f, 0x7e, 0xff, 20, 256 - 20]) expect(s).toContain(v);
    expect(Math.max(...s)).toBeLessThan(256);
  });

  it('seeded random is reproducible and seed-dependent', () => {
    const seq = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.nextU32()
        )(new Rng(seed)),
      );
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
  });

  it('maps range indices to row-major operand codes', () => {
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    fillRange(4, 14, a, b, 4);
    expect([...a]).toEqual([0, 0, 1, 1]);
    expect([...b]).toEqual([14, 15, 0, 1]);
  });

  it('fills every range as index = a << bWidth | b defines it (row starts and ends, b narrow and wider than 16 bits)', () => {
    const rng = new Rng(3);
    for (const bWidth of [0, 1, 3, 12, 16, 17, 20])
      for (let t = 0; t < 20; t++) {
        const n = 1 + (rng.nextU32() % 5000);
        const start = t === 0 ? 0 : rng.nextU32() % 2 ** Math.min(bWidth + 6, 31);
        const [a, b] = [new Uint32Array(n + 1).fill(7), new Uint32Array(n + 1).fill(7)];
        fillRange(bWidth, start, a, b, n);
        const index = Array.from({ length: n }, (_, i) => start + i);
        expect([...a], `${bWidth} ${start}`).toEqual([...index.map((x) => Math.floor(x / 2 ** bWidth)), 7]); // nothing past n
        expect([...b], `${bWidth} ${start}`).toEqual([...index.map((x) => x % 2 ** bWidth), 7]);
      }
  });
});
