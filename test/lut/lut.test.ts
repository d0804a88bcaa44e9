import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { derivedTableFromRtl, tableFromRtl } from '../../src/lut/from-rtl.js';
import { readTable, writeTable } from '../../src/lut/io.js';
import { valueAt, type LutTable } from '../../src/lut/table.js';
import { decodeNpy } from '../../src/lut/npy.js';
import { externalDesign } from '../../src/external/design.js';
import { requireTool } from '../helpers/tools.js';

let table: LutTable;
let table64: LutTable;
let table24: LutTable;
const dir = mkdtempSync(join(tmpdir(), 'axhw-lut-'));

describe('lookup tables', () => {
  beforeAll(async () => {
    requireTool('verilator');
    const r = resolveUnit('drum', { width: 8, k: 4, signed: true });
    table = await tableFromRtl(generateDesign(r.unit, r.params));
    // A 24-bit signed result in <i4 entries exercises sign extension; a 36-bit one the 8-byte dtype.
    const w = resolveUnit('exact-mul', { width: 12, signed: true });
    table24 = await tableFromRtl(generateDesign(w.unit, w.params));
    table64 = await tableFromRtl(
      await externalDesign({ rtl: [join(import.meta.dirname, '..', 'fixtures', 'rtl', 'wide_mult.v')], top: 'wide_mult' }),
    );
  });

  it('uses the documented layout and dtype', () => {
    expect(table.meta).toMatchObject({ shape: [256, 256], dtype: '<i2', unit: 'drum', verified: true, source: 'rtl', yWidth: 16 });
    expect(valueAt(table, 0x80 * 256 + 127)).toBe(-17280n); // row = a code, column = b code
    expect(table24.meta.dtype).toBe('<i4');
    expect(valueAt(table24, 0x800 * 4096 + 0x7ff)).toBe(-2048n * 2047n); // sign-extended 24-bit result
    expect(valueAt(table24, 0xfff * 4096 + 0xfff)).toBe(1n);
    expect(table64.meta.dtype).toBe('<i8');
    expect(valueAt(table64, 0x20 * 64 + 0x1f)).toBe(-32n * 31n);
    expect(valueAt(table64, 0x20 * 64 + 0x20)).toBe(1024n);
  });

  it.each(['npy', 'bin', 'hex'])('round-trips through .%s with its sidecar', (fmt) => {
    for (const t of fmt === 'hex' ? [table, table64] : [table, table24, table64]) {
      const path = join(dir, `rt-${t.meta.top}.${fmt}`);
      writeTable(t, path);
      const back = readTable(path, { unit: t.meta.unit, params: t.meta.params, rtlHash: t.meta.rtlHash, requireVerified: t.meta.verified });
      expect(back.data.equals(t.data)).toBe(true);
      expect(back.meta.dataSha256).toBe(t.meta.dataSha256);
    }
  });

  it('writes a standard .npy (v1.0 header, 64-byte aligned data)', () => {
    const path = join(dir, 'std.npy');
    writeTable(table, path);
    const raw = readFileSync(path);
    expect(raw.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
    const headerLen = raw.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(raw.subarray(10, 10 + headerLen).toString()).toMatch(
      /^\{'descr': '<i2', 'fortran_order': False, 'shape': \(256, 256\), \}\s*\n$/,
    );
    expect(decodeNpy(raw, path).data.length).toBe(65536 * 2);
  });

  describe('rejects corrupt or mismatched files', () => {
    const fresh = (fmt: string) => {
      const path = join(dir, `c-${Math.random().toString(36).slice(2)}.${fmt}`);
      writeTable(table, path);
      return path;
    };
    it('a flipped data byte (hash mismatch)', () => {
      const p = fresh('npy');
      const raw = readFileSync(p);
      raw[raw.length - 100] ^= 0x40;
      writeFileSync(p, raw);
      expect(() => readTable(p)).toThrow(/is corrupt: its data hash/);
    });
    it('a truncated .bin and .npy', () => {
      const b = fresh('bin');
      writeFileSync(b, readFileSync(b).subarray(0, 1000));
      expect(() => readTable(b)).toThrow(/is 1000 bytes; 256 x 256 entries of <i2 need 131072/);
      const n = fresh('npy');
      writeFileSync(n, readFileSync(n).subarray(0, 5000));
      expect(() => readTable(n)).toThrow(/data is \d+ bytes, shape 256 x 256 of <i2 needs 131072/);
    });
    it('a .hex with a missing or bad entry', () => {
      const h = fresh('hex');
      const lines = readFileSync(h, 'utf8').split('\n');
      writeFileSync(h, lines.slice(0, -5).join('\n'));
      expect(() => readTable(h)).toThrow(/holds 65532 entries; its sidecar says 65536/);
      const h2 = fresh('hex');
      writeFileSync(h2, readFileSync(h2, 'utf8').replace(/\n([0-9a-f]+)\n/, '\nzz12\n'));
      expect(() => readTable(h2)).toThrow(/is not hexadecimal/);
    });
    it('a missing, unparsable or inconsistent sidecar', () => {
      const p = fresh('npy');
      writeFileSync(`${p}.json`, '{ not json');
      expect(() => readTable(p)).toThrow(/is not valid JSON/);
      const q = fresh('npy');
      const meta = JSON.parse(readFileSync(`${q}.json`, 'utf8'));
      writeFileSync(`${q}.json`, JSON.stringify({ ...meta, dtype: '<i4' }));
      expect(() => readTable(q)).toThrow(/is <i2 256 x 256 but its sidecar says <i4 256 x 256/);
      writeFileSync(`${q}.json`, JSON.stringify({ ...meta, rtlHash: 'abc' }));
      expect(() => readTable(q)).toThrow(/Sidecar .* is malformed: rtlHash/);
      const r = fresh('bin');
      writeFileSync(`${r}.json`, '');
      expect(() => readTable(r)).toThrow(/is not valid JSON/);
      expect(() => readTable(join(dir, 'none.npy'))).toThrow(/does not exist/);
      const lone = join(dir, 'lone.npy');
      writeFileSync(lone, readFileSync(fresh('npy')));
      expect(() => readTable(lone)).toThrow(/has no sidecar/);
    });
    it('a file that is not a .npy at all, and unknown extensions', () => {
      const p = fresh('npy');
      writeFileSync(p, 'hello world, not numpy');
      expect(() => readTable(p)).toThrow(/missing the \\x93NUMPY magic/);
      expect(() => readTable(join(dir, 'table.csv'))).toThrow(/Cannot tell the table format/);
    });
    it('a table of another unit, parameter set or RTL', () => {
      const p = fresh('npy');
      expect(() => readTable(p, { unit: 'exact-mul' })).toThrow(/is a table of 'drum', not 'exact-mul'/);
      expect(() => readTable(p, { params: { k: 5 } })).toThrow(/was made with k = 4, not 5/);
      expect(() => readTable(p, { rtlHash: '0'.repeat(64) })).toThrow(/was read from different RTL/);
      expect(() => readTable(p, { kind: 'significand' })).toThrow(/is a 'pairs' table, not a 'significand' table/);
    });
  });

  it('derived tables round-trip with their kind and control setting, and are checked against expectations', async () => {
    const r = resolveUnit('fpmul', {}, 'bfloat16');
    const d = generateDesign(r.unit, r.params);
    const t = await derivedTableFromRtl(d, r.unit.derivedTables![0], { controls: { mbits: 5 }, jobs: 1 });
    for (const fmt of ['npy', 'bin', 'hex'] as const) {
      const path = join(dir, `sig5.${fmt}`);
      writeTable(t, path);
      const back = readTable(path, {
        unit: 'fpmul',
        kind: 'significand',
        controls: { mbits: 5 },
        rtlHash: d.rtlHash,
        requireVerified: true,
      });
      expect(back.meta.shape).toEqual([16, 16]);
      expect(back.data.equals(t.data)).toBe(true);
      expect(() => readTable(path, { controls: { mbits: 6 } })).toThrow(/was read with mbits = 5, not 6/);
    }
  });

  it('refuses tables beyond 2^24 entries with a clear error', async () => {
    const r = resolveUnit('drum', { width: 16, k: 6 });
    await expect(tableFromRtl(generateDesign(r.unit, r.params))).rejects.toThrow(/2\^32 entries; tables are limited to 2\^24/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
