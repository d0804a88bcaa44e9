import { describe, expect, it } from 'vitest';
import { resultCodeAt, resultView } from '../../src/models/operator.js';

describe('result views', () => {
  it('view a result buffer by byte width, at its offset, and read codes back', () => {
    const buf = Buffer.alloc(40);
    const sub = buf.subarray(8); // a view into a larger buffer: its offset must be kept
    const one = resultView(sub, 1, 4);
    expect(one).toBeInstanceOf(Uint8Array);
    one[0] = 0xab;
    expect(buf[8]).toBe(0xab);
    expect(resultView(sub, 2, 4)).toBeInstanceOf(Uint16Array);
    const four = resultView(sub, 4, 4);
    four[1] = 0xdeadbeef;
    expect(resultCodeAt(four, 4, 1)).toBe(0xdeadbeefn);
    const eight = resultView(new ArrayBuffer(16), 8, 2);
    expect(eight).toHaveLength(4);
    eight[2] = 0x89abcdef;
    eight[3] = 0x01234567;
    expect(resultCodeAt(eight, 8, 1)).toBe(0x0123456789abcdefn);
  });
});
