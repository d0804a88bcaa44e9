import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { formatOf, readTable, sidecarPath, writeTable, type TableExpectation } from '../../src/lut/io.js';
import { decodeNpy, encodeNpy } from '../../src/lut/npy.js';
import {
  codesToValues,
  npyDescr,
  parseDescr,
  tableMetaHash,
  valueAt,
  valuesAsNumbers,
  LAYOUT_NOTE,
  type Dtype,
  type LutTable,
} from '../../src/lut/table.js';
import { byteWidth } from '../../src/util/bits.js';
import { sha256, sha256Plain } from '../../src/util/hash.js';
import { execFileSync } from 'node:child_process';
import { thrown } from '../helpers/errors.js';

/**
 * Table I/O without a simulator: tables built by hand from a formula, so every dtype, width and sign
 * (and every malformed file) can be made on purpose. Errors are checked by their whole message and fix,
 * since a reader's message is what a user acts on.
 */
const dir = mkdtempSync(join(tmpdir(), 'axhw-table-io-'));
let serial = 0;
const fresh = (ext: string) => join(dir, `t${serial++}.${ext}`);

/** A 'pairs' table of f(a, b) over all codes of an aWidth x bWidth operand pair, results of yWidth bits. */
function makeTable(o: {
  aWidth: number;
  bWidth: number;
  yWidth: number;
  signed: boolean;
  f: (a: number, b: number) => bigint;
  verified?: boolean;
  kind?: string;
  shape?: [number, number];
  controls?: Record<string, number>;
}): LutTable {
  const shape = o.shape ?? [2 ** o.aWidth, 2 ** o.bWidth];
  const dtype: Dtype = { signed: o.signed, bytes: byteWidth(o.yWidth) };
  const data = Buffer.alloc(shape[0] * shape[1] * dtype.bytes);
  for (let a = 0; a < shape[0]; a++)
    for (let b = 0; b < shape[1]; b++) {
      const v = o.f(a, b);
      const off = (a * shape[1] + b) * dtype.bytes;
      if (dtype.bytes === 8) {
        if (o.signed) data.writeBigInt64LE(v, off);
        else data.writeBigUInt64LE(v, off);
      } else if (o.signed) data.writeIntLE(Number(v), off, dtype.bytes);
      else data.writeUIntLE(Number(v), off, dtype.bytes);
    }
  const t: LutTable = {
    dtype,
    data,
    meta: {
      format: 'axhw-lut',
      version: 2,
      unit: 'hand',
      params: { width: o.aWidth },
      top: 'hand_mult',
      rtlHash: 'a'.repeat(64),
      verilator: 'test',
      verified: o.verified ?? true,
      source: 'rtl',
      kind: o.kind ?? 'pairs',
      controls: o.controls,
      shape,
      dtype: npyDescr(dtype),
      aWidth: o.aWidth,
      bWidth: o.bWidth,
      yWidth: o.yWidth,
      signed: o.signed,
      layout: LAYOUT_NOTE,
      dataSha256: sha256Plain(data),
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  };
  t.meta.metaSha256 = tableMetaHash(t.meta);
  return t;
}

/** Signed a*b - 3 over 2- and 3-bit two's-complement codes: negative values, 6-bit results in <i1. */
const signedSmall = () =>
  makeTable({
    aWidth: 2,
    bWidth: 3,
    yWidth: 6,
    signed: true,
    f: (a, b) => BigInt(BigInt.asIntN(2, BigInt(a))) * BigInt(BigInt.asIntN(3, BigInt(b))) - 3n,
  });

describe('table formats and dtypes', () => {
  it('numpy descr strings: 1-byte types are byte-order free, wider ones little-endian; anything else is refused', () => {
    expect(npyDescr({ signed: true, bytes: 1 })).toBe('|i1');
    expect(npyDescr({ signed: false, bytes: 1 })).toBe('|u1');
    expect(npyDescr({ signed: true, bytes: 2 })).toBe('<i2');
    expect(npyDescr({ signed: false, bytes: 8 })).toBe('<u8');
    expect(parseDescr('|u1')).toEqual({ signed: false, bytes: 1 });
    expect(parseDescr('<i4')).toEqual({ signed: true, bytes: 4 });
    for (const bad of ['<u1', '|i2', '>i2', '<f4', '<i3', 'x<i2', '<i2x', '', '<i16']) expect(parseDescr(bad), bad).toBeUndefined();
  });

  it('formatOf reads the extension (any case) or an explicit format, and names the fix otherwise', () => {
    expect(formatOf('a/b.NPY')).toBe('npy');
    expect(formatOf('t.hex')).toBe('hex');
    expect(formatOf('t.dat', 'bin')).toBe('bin');
    const e = thrown(() => formatOf('t.csv'));
    expect(e.message).toBe("Cannot tell the table format of 't.csv'.");
    expect(e.fix).toBe('Use a .npy, .bin or .hex file name, or pass --format npy|bin|hex.');
    expect(() => formatOf('t.tbl', 'csv')).toThrow(/Cannot tell the table format of 't.tbl'/);
    expect(formatOf('t.NPY', 'npy')).toBe('npy'); // agreeing is fine
    const clash = thrown(() => formatOf('t.npy', 'hex'));
    expect([clash.message, clash.fix]).toEqual([
      "--format hex disagrees with the file name 't.npy' (a .npy file).",
      'Drop --format (the extension decides), or name the file *.hex.',
    ]);
    expect(() => formatOf('t.bin', 'npy')).toThrow(/--format npy disagrees with the file name 't\.bin'/);
    expect(() => formatOf('t.hex', 'bin')).toThrow(/--format bin disagrees with the file name 't\.hex'/);
  });

  it('valueAt and valuesAsNumbers read every dtype, signed and unsigned, at any buffer offset', () => {
    const cases = [
      { aWidth: 2, bWidth: 3, yWidth: 6, signed: true },
      { aWidth: 2, bWidth: 2, yWidth: 8, signed: false },
      { aWidth: 3, bWidth: 2, yWidth: 12, signed: true },
      { aWidth: 2, bWidth: 2, yWidth: 16, signed: false },
      { aWidth: 2, bWidth: 3, yWidth: 24, signed: true },
      { aWidth: 2, bWidth: 2, yWidth: 32, signed: false },
      { aWidth: 2, bWidth: 2, yWidth: 40, signed: true },
      { aWidth: 2, bWidth: 2, yWidth: 52, signed: false },
    ];
    for (const c of cases) {
      const lim = 2n ** BigInt(c.yWidth - (c.signed ? 1 : 0));
      const f = (a: number, b: number) => ((BigInt(a * 37 + b * 101 + 5) * (lim / 211n)) % lim) * (c.signed && (a + b) % 2 ? -1n : 1n);
      const t = makeTable({ ...c, f });
      const want = Array.from({ length: 2 ** (c.aWidth + c.bWidth) }, (_, i) => f(Math.floor(i / 2 ** c.bWidth), i % 2 ** c.bWidth));
      expect(
        Array.from({ length: want.length }, (_, i) => valueAt(t, i)),
        JSON.stringify(c),
      ).toEqual(want);
      expect(Array.from(valuesAsNumbers(t))).toEqual(want.map(Number));
      // The same bytes one byte into a larger buffer: typed arrays cannot view them in place there.
      const shifted = Buffer.concat([Buffer.from([0x55]), t.data]).subarray(1);
      expect(Array.from(valuesAsNumbers({ data: shifted, dtype: t.dtype }))).toEqual(want.map(Number));
    }
  });

  it('codesToValues sign-extends raw yWidth-bit codes into the dtype, in place, for signed results only', () => {
    const one = Buffer.from([0x3f, 0x20, 0x1f, 0x00]); // 6-bit codes -1, -32, 31, 0 in |i1
    codesToValues(one, { signed: true, bytes: 1 }, 6);
    expect(Array.from(new Int8Array(one.buffer, one.byteOffset, 4))).toEqual([-1, -32, 31, 0]);
    const two = Buffer.alloc(6);
    [0x7ff, 0x400, 0x3ff].forEach((c, i) => two.writeUInt16LE(c, 2 * i)); // 11-bit codes in <i2
    codesToValues(two, { signed: true, bytes: 2 }, 11);
    expect([0, 1, 2].map((i) => two.readInt16LE(2 * i))).toEqual([-1, -1024, 1023]);
    const four = Buffer.alloc(8);
    four.writeUInt32LE(0xffffff, 0); // 24-bit -1
    four.writeUInt32LE(0x7fffff, 4);
    codesToValues(four, { signed: true, bytes: 4 }, 24);
    expect([four.readInt32LE(0), four.readInt32LE(4)]).toEqual([-1, 0x7fffff]);
    const eight = Buffer.alloc(24);
    [2n ** 40n - 1n, 2n ** 39n, 2n ** 39n - 1n].forEach((c, i) => eight.writeBigUInt64LE(c, 8 * i)); // 40-bit codes in <i8
    codesToValues(eight, { signed: true, bytes: 8 }, 40);
    expect([0, 1, 2].map((i) => eight.readBigInt64LE(8 * i))).toEqual([-1n, -(2n ** 39n), 2n ** 39n - 1n]);
    const unsigned = Buffer.from([0x3f, 0x20]);
    codesToValues(unsigned, { signed: false, bytes: 1 }, 6);
    expect(Array.from(unsigned)).toEqual([0x3f, 0x20]);
    const full = Buffer.from([0xff, 0x80]); // 8-bit codes already fill |i1
    codesToValues(full, { signed: true, bytes: 1 }, 8);
    expect(Array.from(full)).toEqual([0xff, 0x80]);
  });
});

describe('writing tables', () => {
  it(".hex is $readmemh text: a comment naming the layout, then one yWidth-bit two's-complement code per line", () => {
    const t = makeTable({ aWidth: 1, bWidth: 1, yWidth: 10, signed: true, f: (a, b) => BigInt(a * 2 + b) * 200n - 400n });
    const path = fresh('hex');
    expect(writeTable(t, path)).toEqual([path, `${path}.json`]);
    expect(readFileSync(path, 'utf8')).toBe(
      '// axhw pairs table hand_mult: 2 x 2, entry index = row * 2 + column, 10-bit codes\n270\n338\n000\n0c8\n',
    );
    const wide = makeTable({
      aWidth: 1,
      bWidth: 1,
      yWidth: 64,
      signed: false,
      f: (a, b) => (a + b === 2 ? 2n ** 64n - 1n : BigInt(a * 2 + b)),
    });
    const p64 = fresh('hex');
    writeTable(wide, p64);
    expect(readFileSync(p64, 'utf8').split('\n').slice(1)).toEqual([
      '0000000000000000',
      '0000000000000001',
      '0000000000000002',
      'ffffffffffffffff',
      '',
    ]);
    expect(readTable(p64).data.equals(wide.data)).toBe(true);
  });

  it("the sidecar is the table's metadata plus the file format, as indented JSON ending in a newline", () => {
    const t = signedSmall();
    for (const format of ['npy', 'bin', 'hex'] as const) {
      const path = fresh('tbl');
      writeTable(t, path, format);
      const text = readFileSync(sidecarPath(path), 'utf8');
      expect(text).toBe(JSON.stringify({ ...t.meta, file: { format } }, null, 2) + '\n');
      expect(JSON.parse(text).file).toEqual({ format });
    }
  });

  it('a sidecar that cannot be written takes the table file with it (never one without the other)', () => {
    const path = fresh('npy');
    mkdirSync(sidecarPath(path)); // a directory where the sidecar should go
    expect(() => writeTable(signedSmall(), path)).toThrow();
    expect(existsSync(path)).toBe(false);
  });

  it.each(['npy', 'bin', 'hex'])('every dtype round-trips through .%s', (ext) => {
    for (const [yWidth, signed] of [
      [6, true],
      [8, false],
      [12, true],
      [24, false],
      [40, true],
      [64, true],
      [64, false],
    ] as const) {
      const top = 2n ** BigInt(yWidth - (signed ? 1 : 0));
      const t = makeTable({
        aWidth: 2,
        bWidth: 2,
        yWidth,
        signed,
        f: (a, b) =>
          a === 3 && b === 3 ? top - 1n : signed && a === 2 && b === 2 ? -top : BigInt(a * 4 + b) * (signed && b % 2 ? -1n : 1n),
      });
      const path = fresh(ext);
      writeTable(t, path);
      const back = readTable(path, { unit: 'hand', params: { width: 2 }, rtlHash: 'a'.repeat(64), requireVerified: true });
      expect(back.data.equals(t.data), `${yWidth} ${signed}`).toBe(true);
      expect(back.dtype).toEqual(t.dtype);
    }
  });
});

describe('reading .hex tables', () => {
  const hexOf = (lines: string[], ending = '\n') => {
    const path = fresh('hex');
    writeTable(signedSmall(), path);
    writeFileSync(path, lines.join(ending));
    return path;
  };
  const codes = () => {
    const path = fresh('hex');
    writeTable(signedSmall(), path);
    return readFileSync(path, 'utf8').split('\n').slice(1, -1);
  };

  it('accepts comments, blank lines, surrounding spaces, CRLF line ends and upper-case digits', () => {
    const c = codes();
    const path = hexOf(
      [
        '// edited by hand',
        '',
        ...c.map((x, i) => (i % 3 === 0 ? `  ${x.toUpperCase()}  // entry ${i}` : i % 3 === 1 ? `\t${x}` : x)),
        '   ',
      ],
      '\r\n',
    );
    expect(readTable(path).data.equals(signedSmall().data)).toBe(true);
  });

  it.each([
    [
      'one entry missing',
      (c: string[]) => c.slice(1),
      (p: string) => `${p} holds 31 entries; its sidecar says 32.`,
      'The file is truncated or was edited; regenerate it with `axhw lut`.',
    ],
    [
      'one entry too many',
      (c: string[]) => [...c, '00'],
      (p: string) => `${p} holds 33 entries; its sidecar says 32.`,
      'The file is truncated or was edited; regenerate it with `axhw lut`.',
    ],
    [
      'a non-hex entry',
      (c: string[]) => ['zz', ...c.slice(1)],
      (p: string) => `${p}: entry 0 ('zz') is not hexadecimal.`,
      'Regenerate the table with `axhw lut`.',
    ],
    [
      'hex digits followed by junk',
      (c: string[]) => [...c.slice(0, 4), '1fg', ...c.slice(5)],
      (p: string) => `${p}: entry 4 ('1fg') is not hexadecimal.`,
      'Regenerate the table with `axhw lut`.',
    ],
    [
      'junk followed by hex digits',
      (c: string[]) => [...c.slice(0, 2), 'g1f', ...c.slice(3)],
      (p: string) => `${p}: entry 2 ('g1f') is not hexadecimal.`,
      'Regenerate the table with `axhw lut`.',
    ],
    [
      'a code wider than the result',
      (c: string[]) => [...c.slice(0, 7), '40', ...c.slice(8)],
      (p: string) => `${p}: entry 7 exceeds 6 bits.`,
      'Regenerate the table with `axhw lut`.',
    ],
  ])('refuses %s', (_what, edit, message, fix) => {
    const path = hexOf(edit(codes()));
    const e = thrown(() => readTable(path));
    expect(e.message).toBe(message(path));
    expect(e.fix).toBe(fix);
  });

  it('the widest code that fits is read back, sign and all', () => {
    const c = codes();
    const path = hexOf([...c.slice(0, 7), '3f', ...c.slice(8)]);
    const e = thrown(() => readTable(path)); // a valid code, but no longer the data the sidecar's hash covers
    expect(e.message).toMatch(/is corrupt: its data hash/);
  });
});

/** A .npy byte string with the given header dictionary text, version and data. */
function npyWith(dict: string, data: Buffer, major = 1): Buffer {
  const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const len = Buffer.alloc(major === 1 ? 2 : 4);
  if (major === 1) len.writeUInt16LE(dict.length);
  else len.writeUInt32LE(dict.length);
  return Buffer.concat([head, len, Buffer.from(dict, 'latin1'), data]);
}

describe('decoding .npy', () => {
  const data = Buffer.from(Int16Array.from([1, -2, 3, -4, 5, -6]).buffer);
  const dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";

  it('reads versions 1, 2 and 3, compact or spaced headers, and trailing commas in the shape', () => {
    for (const major of [1, 2, 3]) {
      const r = decodeNpy(npyWith(dict, data, major), 'x.npy');
      expect(r).toEqual({ dtype: { signed: true, bytes: 2 }, shape: [2, 3], data });
    }
    const compact = decodeNpy(npyWith("{'descr':'<i2','fortran_order':False,'shape':(2,3,)}", data), 'x.npy');
    expect(compact.shape).toEqual([2, 3]);
    const spaced = decodeNpy(npyWith("{'descr':   '<i2',  'fortran_order':   False, 'shape':  ( 2 ,  3 , ) }", data), 'x.npy');
    expect(spaced.shape).toEqual([2, 3]);
    // What encodeNpy writes, it reads.
    expect(decodeNpy(encodeNpy({ signed: true, bytes: 2 }, [2, 3], data), 'x.npy').data.equals(data)).toBe(true);
  });

  it('encodeNpy writes version 1.0 with the header padded by spaces and a newline, so data starts on a 64-byte boundary', () => {
    // Shapes of 1 to 6 digits move the header's length across the padding's whole range.
    for (const shape of [
      [1, 2],
      [16, 16],
      [256, 4096],
      [4096, 65536],
      [123456, 7],
      [1, 999999],
    ] as [number, number][]) {
      const raw = encodeNpy({ signed: false, bytes: 1 }, shape, Buffer.alloc(0));
      expect(raw.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
      const headerLen = raw.readUInt16LE(8);
      expect(raw.length).toBe(10 + headerLen);
      expect(raw.length % 64).toBe(0);
      expect(raw.subarray(10).toString('latin1')).toMatch(
        new RegExp(`^\\{'descr': '\\|u1', 'fortran_order': False, 'shape': \\(${shape[0]}, ${shape[1]}\\), \\} *\\n$`),
      );
    }
  });

  const header = (d: string) => npyWith(d, data);
  it.each([
    ['no magic', Buffer.from('hello world, not numpy'), 'missing the \\x93NUMPY magic'],
    [
      'a file shorter than the magic and lengths',
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0]),
      'missing the \\x93NUMPY magic',
    ],
    ['an empty header', Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]), 'header lacks descr, fortran_order or shape'],
    [
      'a version-2 file with an empty header',
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]),
      'header lacks descr, fortran_order or shape',
    ],
    ['a version-2 file cut inside its header length', Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 60, 0]), 'truncated header'],
    ['an unknown version', npyWith(dict, data, 4), 'unsupported format version 4'],
    ['a header longer than the file', npyWith(dict, data).subarray(0, 40), 'truncated header'],
    ['a header without its shape', header("{'descr': '<i2', 'fortran_order': False}"), 'header lacks descr, fortran_order or shape'],
    ['a header without its descr', header("{'fortran_order': False, 'shape': (2, 3)}"), 'header lacks descr, fortran_order or shape'],
    ['a header without fortran_order', header("{'descr': '<i2', 'shape': (2, 3)}"), 'header lacks descr, fortran_order or shape'],
    [
      'a float dtype',
      header("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }"),
      'dtype <f2 is not a little-endian integer type',
    ],
    [
      'a big-endian dtype',
      header("{'descr': '>i2', 'fortran_order': False, 'shape': (2, 3), }"),
      'dtype >i2 is not a little-endian integer type',
    ],
    [
      'column-major order',
      header("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }"),
      'Fortran (column-major) order is not the table layout',
    ],
    ['a 1-D shape', header("{'descr': '<i2', 'fortran_order': False, 'shape': (6,), }"), 'shape (6,) is not 2-D'],
    ['a 3-D shape', header("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 2, 3), }"), 'shape (1, 2, 3) is not 2-D'],
    ['an empty dimension', header("{'descr': '<i2', 'fortran_order': False, 'shape': (0, 3), }"), 'shape (0, 3) is not 2-D'],
    ['a second empty dimension', header("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 0), }"), 'shape (2, 0) is not 2-D'],
    ['a fractional dimension', header("{'descr': '<i2', 'fortran_order': False, 'shape': (2.5, 3), }"), 'shape (2.5, 3) is not 2-D'],
    ['a negative dimension', header("{'descr': '<i2', 'fortran_order': False, 'shape': (2, -3), }"), 'shape (2, -3) is not 2-D'],
    ['no data after the header', npyWith(dict, Buffer.alloc(0)), 'data is 0 bytes, shape 2 x 3 of <i2 needs 12'],
    ['one byte of data too many', npyWith(dict, Buffer.concat([data, Buffer.alloc(1)])), 'data is 13 bytes, shape 2 x 3 of <i2 needs 12'],
  ])('refuses %s', (_what, bytes, why) => {
    const e = thrown(() => decodeNpy(bytes, 'bad.npy'));
    expect(e.message).toBe(`bad.npy is not a valid axhw table (.npy): ${why}.`);
    expect(e.fix).toBe('Regenerate it with `axhw lut ... -o <file>.npy`.');
  });
});

describe('reading tables: every disagreement is an error that says what differs', () => {
  const regen = 'Regenerate the table with `axhw lut`.';
  /** A written table whose sidecar (or file) is then edited. */
  const written = (ext: string, t = signedSmall()) => {
    const path = fresh(ext);
    writeTable(t, path);
    const meta = JSON.parse(readFileSync(sidecarPath(path), 'utf8'));
    const setMeta = (m: unknown) => writeFileSync(sidecarPath(path), typeof m === 'string' ? m : JSON.stringify(m));
    return { path, meta, setMeta };
  };

  it('a missing table or sidecar', () => {
    const missing = join(dir, 'none.bin');
    let e = thrown(() => readTable(missing));
    expect([e.message, e.fix]).toEqual([`Table file ${missing} does not exist.`, 'Create it with `axhw lut <unit> ... -o <file>`.']);
    const lone = fresh('bin');
    writeFileSync(lone, Buffer.alloc(32));
    e = thrown(() => readTable(lone));
    expect([e.message, e.fix]).toEqual([
      `Table ${lone} has no sidecar ${lone}.json; without it the table's unit, RTL and integrity cannot be checked.`,
      'Keep the .json that `axhw lut` writes next to the table, or regenerate both.',
    ]);
  });

  it('a sidecar that is not JSON, or not the table schema (each field named, or the root)', () => {
    const { path, meta, setMeta } = written('bin');
    setMeta('{ not json');
    let e = thrown(() => readTable(path));
    expect(e.message).toMatch(new RegExp(`^Sidecar ${path}\\.json is not valid JSON \\(.+\\)\\.$`));
    expect(e.fix).toBe(regen);
    setMeta({ ...meta, rtlHash: 'abc', aWidth: 0 });
    e = thrown(() => readTable(path));
    expect(e.message).toMatch(new RegExp(`^Sidecar ${path}\\.json is malformed: rtlHash: [^;]+; aWidth: [^;]+\\.$`));
    expect(e.fix).toBe(regen);
    setMeta([1, 2]);
    expect(thrown(() => readTable(path)).message).toMatch(/is malformed: \(root\): /);
    setMeta({ ...meta, params: { width: [2] } }); // a nested field is named by its dotted path
    expect(thrown(() => readTable(path)).message).toMatch(/is malformed: params\.width: /);
    setMeta({ ...meta, dtype: '<f4' });
    e = thrown(() => readTable(path));
    expect([e.message, e.fix]).toEqual([`Sidecar ${path}.json names an unknown dtype '<f4'.`, regen]);
  });

  it.each([
    ['rows', { shape: [2, 8] }],
    ['columns', { shape: [4, 4] }],
  ])('a pairs table whose %s disagree with its operand widths', (_what, edit) => {
    const { path, meta, setMeta } = written('bin');
    setMeta({ ...meta, ...edit });
    const e = thrown(() => readTable(path));
    expect([e.message, e.fix]).toEqual([
      `Sidecar ${path}.json: shape ${edit.shape.join(' x ')} does not match operand widths 2 and 3.`,
      regen,
    ]);
  });

  it('a derived table (not pairs) may have any shape', () => {
    const t = makeTable({
      aWidth: 4,
      bWidth: 4,
      yWidth: 8,
      signed: false,
      kind: 'significand',
      shape: [3, 5],
      f: (a, b) => BigInt(a * 5 + b),
    });
    const path = fresh('npy');
    writeTable(t, path);
    expect(readTable(path, { kind: 'significand' }).meta.shape).toEqual([3, 5]);
  });

  it.each([
    ['dtype', { dtype: '<i2' }, '|i1 4 x 8 but its sidecar says <i2 4 x 8'],
    ['rows', { shape: [2, 8], aWidth: 1 }, '|i1 4 x 8 but its sidecar says |i1 2 x 8'],
    ['columns', { shape: [4, 16], bWidth: 4 }, '|i1 4 x 8 but its sidecar says |i1 4 x 16'],
  ])('a .npy whose %s disagree with its sidecar', (_what, edit, says) => {
    const { path, meta, setMeta } = written('npy');
    setMeta({ ...meta, ...edit });
    const e = thrown(() => readTable(path));
    expect([e.message, e.fix]).toEqual([
      `${path} is ${says}.`,
      'The table and sidecar belong to different tables; regenerate them together.',
    ]);
  });

  it("provenance: the data hash is the plain sha256 of the bytes (what sha256sum prints); the sidecar's own fields are covered too", () => {
    const { path, meta, setMeta } = written('bin');
    expect(execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]).toBe(meta.dataSha256);
    for (const edit of [
      { unit: 'drum' },
      { params: { width: 3 } },
      { rtlHash: 'b'.repeat(64) },
      { verified: false },
      { createdAt: '2027-01-01' },
    ]) {
      setMeta({ ...meta, ...edit });
      const e = thrown(() => readTable(path));
      expect([e.message, e.fix], JSON.stringify(edit)).toEqual([
        `Sidecar ${path}.json was edited: its fields no longer match its metaSha256, so the unit, parameters ` +
          `and RTL it names cannot be trusted.`,
        'Regenerate the table with `axhw lut` (never edit a sidecar by hand).',
      ]);
    }
    const { metaSha256: _, ...unsigned } = meta;
    setMeta(unsigned);
    expect(thrown(() => readTable(path)).message).toMatch(/was edited/);
    // Key order is not content: the same fields in another order still verify.
    setMeta(Object.fromEntries(Object.entries(meta).reverse()));
    expect(readTable(path).meta.unit).toBe('hand');
  });

  it('version-1 tables (older axhw: NUL-terminated data hash, no metaSha256) are still read and checked', () => {
    const { path, meta, setMeta } = written('bin');
    const { metaSha256: _, ...v1 } = meta;
    const data = readFileSync(path);
    setMeta({ ...v1, version: 1, dataSha256: sha256(data) });
    expect(readTable(path).data.equals(data)).toBe(true);
    setMeta({ ...v1, version: 1 }); // a plain hash is not what version 1 wrote
    expect(thrown(() => readTable(path)).message).toMatch(/is corrupt: its data hash/);
  });

  it("a .bin of the wrong size, and data that does not match the sidecar's hash", () => {
    const { path } = written('bin');
    writeFileSync(path, Buffer.alloc(31));
    let e = thrown(() => readTable(path));
    expect([e.message, e.fix]).toEqual([
      `${path} is 31 bytes; 4 x 8 entries of |i1 need 32.`,
      'The file is truncated or belongs to another table; regenerate it with `axhw lut`.',
    ]);
    const t = signedSmall();
    const flipped = Buffer.from(t.data);
    flipped[5]! ^= 1;
    writeFileSync(path, flipped);
    e = thrown(() => readTable(path));
    expect([e.message, e.fix]).toEqual([
      `${path} is corrupt: its data hash ${sha256Plain(flipped).slice(0, 16)}... differs from the ` +
        `sidecar's ${t.meta.dataSha256.slice(0, 16)}...`,
      regen,
    ]);
  });

  const fix = 'Regenerate the table for the unit and parameters you are using.';
  it.each<[string, TableExpectation, (p: string) => string, string?]>([
    ['another unit', { unit: 'drum' }, (p) => `${p} is a table of 'hand', not 'drum'.`],
    ['another kind', { kind: 'significand' }, (p) => `${p} is a 'pairs' table, not a 'significand' table.`],
    ['another parameter value', { params: { width: 3 } }, (p) => `${p} was made with width = 2, not 3.`],
    ['a parameter it was not made with', { params: { k: 4 } }, (p) => `${p} was made with k = undefined, not 4.`],
    ['a control setting it was not read with', { controls: { mbits: 5 } }, (p) => `${p} was read with mbits = (none), not 5.`],
    [
      'other RTL',
      { rtlHash: 'b'.repeat(64) },
      (p) => `${p} was read from different RTL (hash ${'a'.repeat(16)}..., expected ${'b'.repeat(16)}...).`,
    ],
  ])('a table of %s than expected', (_what, expectation, message, want = fix) => {
    const { path } = written('npy');
    const e = thrown(() => readTable(path, expectation));
    expect([e.message, e.fix]).toEqual([message(path), want]);
  });

  it('control settings are compared one by one, and an unverified table is refused only when verification is required', () => {
    const t = makeTable({
      aWidth: 2,
      bWidth: 2,
      yWidth: 8,
      signed: false,
      verified: false,
      controls: { mbits: 5, mode: 1 },
      f: (a, b) => BigInt(a + b),
    });
    const path = fresh('hex');
    writeTable(t, path);
    expect(readTable(path, { controls: { mbits: 5, mode: 1 } }).meta.verified).toBe(false);
    expect(thrown(() => readTable(path, { controls: { mbits: 5, mode: 2 } })).message).toBe(`${path} was read with mode = 1, not 2.`);
    const e = thrown(() => readTable(path, { requireVerified: true }));
    expect([e.message, e.fix]).toEqual([
      `${path} was not verified against a model.`,
      'Regenerate it with a model (registry units always have one; for your RTL pass --model).',
    ]);
    expect(readTable(path, { requireVerified: false }).data.equals(t.data)).toBe(true);
  });
});
