import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { compressSync as xz } from '@napi-rs/lzma/xz';
import { readIdx } from '../../src/data/idx.js';
import { readLabelledCsv } from '../../src/data/csv.js';
import { readArff } from '../../src/data/arff.js';
import { readRda, dataFrameToLabelled } from '../../src/data/rda.js';
import { readTabular } from '../../src/data/datasets.js';
import { AxhwError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'axhw-data-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

function idx(type: number, dims: number[], bytes: number[]): Buffer {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h[2] = type;
  h[3] = dims.length;
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([h, Buffer.from(bytes)]);
}

/** A tiny R serialisation (XDR, version 2) of pairlist(df = data.frame(a = c(1.5, 2), b = c(3L, 4L), cls = factor(c('x', 'z'), levels =
 * c('x', 'y', 'z')))). */
function rdaBytes(): Buffer {
  const parts: Buffer[] = [Buffer.from('RDX2\nX\n')];
  const int = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const dbl = (v: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    parts.push(b);
  };
  const chars = (s: string) => {
    int(9 | (1 << 15)); // CHARSXP, ASCII
    int(s.length);
    parts.push(Buffer.from(s));
  };
  const sym = (s: string) => {
    int(1);
    chars(s);
  };
  const strs = (ss: string[]) => {
    int(16);
    int(ss.length);
    ss.forEach(chars);
  };
  int(2);
  int(0x030000);
  int(0x020300);
  int(2 | (1 << 10)); // pairlist cell with tag
  sym('df');
  int(19 | (1 << 9) | (1 << 8)); // list with attributes (data frame)
  int(3);
  int(14);
  int(2);
  dbl(1.5);
  dbl(2);
  int(13);
  int(2);
  int(3);
  int(4);
  int(13 | (1 << 9) | (1 << 8)); // factor
  int(2);
  int(1);
  int(3);
  int(2 | (1 << 10));
  sym('levels');
  strs(['x', 'y', 'z']);
  int(2 | (1 << 10));
  sym('class');
  strs(['factor']);
  int(254);
  int(2 | (1 << 10)); // data frame attributes
  sym('names');
  strs(['a', 'b', 'cls']);
  int(2 | (1 << 10));
  sym('class');
  strs(['data.frame']);
  int(254);
  int(254); // end of the top pairlist
  return Buffer.concat(parts);
}

const expectDataError = (f: () => unknown, pattern: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AxhwError);
    expect((e as Error).message).toMatch(pattern);
    expect((e as AxhwError).fix).toMatch(/fetch-data\.sh|--data-path|file|folder/);
    return;
  }
  throw new Error('expected an error');
};

describe('IDX', () => {
  it('reads raw and gzip-compressed files (magic, big-endian dims, data)', () => {
    const raw = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    for (const f of [file('a.idx', raw), file('a.idx.gz', gzipSync(raw))]) {
      const r = readIdx(f);
      expect(r.shape).toEqual([2, 2, 3]);
      expect(Array.from(r.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    }
  });
  it('rejects bad magic, truncated data and corrupt gzip', () => {
    expectDataError(() => readIdx(file('bad.idx', Buffer.from([1, 2, 3, 4]))), /bad magic/);
    expectDataError(() => readIdx(file('short.idx', idx(0x08, [10], [1, 2]))), /size mismatch/);
    expectDataError(
      () => readIdx(file('corrupt.gz', Buffer.concat([gzipSync(idx(0x08, [1], [1])).subarray(0, 12), Buffer.from([0, 0, 0])]))),
      /corrupt compressed/,
    );
    expectDataError(() => readIdx(join(dir, 'missing.idx')), /not found/);
  });
});

describe('CSV', () => {
  it("reads scikit-learn's header (n, features, class names) and checks it", () => {
    const d = readLabelledCsv(file('bc.csv', '3,2,neg,pos\n1,2,0\n3,4.5,1\n-1,0,1\n'));
    expect(d.n).toBe(3);
    expect(d.shape).toEqual([2]);
    expect(d.classes).toEqual(['neg', 'pos']);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4.5, -1, 0]);
    expect(Array.from(d.y)).toEqual([0, 1, 1]);
    expectDataError(() => readLabelledCsv(file('bad-header.csv', '5,2,a,b\n1,2,0\n')), /announces 5 rows/);
  });
  it('reads headerless and gzip files; rejects ragged rows, text values and bad labels', () => {
    const d = readLabelledCsv(file('d.csv.gz', gzipSync('0,1,2\n3,4,1\n')));
    expect(d.classes).toEqual(['0', '1', '2']);
    expectDataError(() => readLabelledCsv(file('ragged.csv', '1,2,0\n1,0\n')), /2 fields, expected 3/);
    expectDataError(() => readLabelledCsv(file('text.csv', '1,2,0\n1,x,0\n')), /'x' is not a number/);
    expectDataError(() => readLabelledCsv(file('label.csv', '1,2,0\n1,2,0.5\n')), /not a class index/);
  });
});

describe('ARFF', () => {
  it('reads numeric attributes, a nominal class, comments and quoted values', () => {
    const text =
      "% comment\n@relation test\n@attribute 'a 1' numeric\n@attribute b REAL\n@attribute class {'x " +
      "y',z}\n\n@data\n1,2,'x y'\n% another\n3.5,-4,z\n";
    const d = readArff(file('t.arff', text));
    expect(d.n).toBe(2);
    expect(d.classes).toEqual(['x y', 'z']);
    expect(Array.from(d.x)).toEqual([1, 2, 3.5, -4]);
    expect(Array.from(d.y)).toEqual([0, 1]);
  });
  it('rejects missing values, unknown classes, string attributes and files without @data', () => {
    const head = '@relation t\n@attribute a numeric\n@attribute c {p,q}\n@data\n';
    expectDataError(() => readArff(file('m.arff', head + '?,p\n')), /missing or not a number/);
    expectDataError(() => readArff(file('u.arff', head + '1,r\n')), /'r' is not one of/);
    expectDataError(() => readArff(file('s.arff', '@relation t\n@attribute a string\n@attribute c {p}\n@data\n')), /not supported/);
    expectDataError(() => readArff(file('n.arff', '@relation t\n@attribute a numeric\n')), /no @data/);
  });
});

describe('R data (.rda)', () => {
  it('decodes a data frame with numeric, integer and factor columns, gzip or xz compressed', () => {
    for (const [name, bytes] of [
      ['df.rda', gzipSync(rdaBytes())],
      ['dfx.rda', Buffer.from(xz(rdaBytes()))],
    ] as const) {
      const objs = readRda(file(name, bytes));
      expect([...objs.keys()]).toEqual(['df']);
      const d = dataFrameToLabelled(name, objs.get('df')!);
      expect(Array.from(d.x)).toEqual([1.5, 3, 2, 4]);
      // unused level 'y' is dropped, labels renumbered
      expect(d.classes).toEqual(['x', 'z']);
      expect(Array.from(d.y)).toEqual([0, 1]);
      expect(readTabular(join(dir, name)).n).toBe(2);
    }
  });
  it('rejects other files and truncated streams', () => {
    expectDataError(() => readRda(file('not.rda', gzipSync('hello world'))), /not an R data file/);
    expectDataError(() => readRda(file('trunc.rda', gzipSync(rdaBytes().subarray(0, 60)))), /truncated/);
  });
});
