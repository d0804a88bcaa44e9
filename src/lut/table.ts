import { byteWidth } from '../util/bits.js';
import type { OperatorPorts } from '../models/operator.js';

/**
 * A lookup table of a two-operand unit. Layout, the same in every file format: shape (2^Na, 2^Nb),
 * row = first operand's code, column = second operand's code (two's-complement codes read as unsigned),
 * little-endian integers of the narrowest dtype holding the result (signed dtype for signed results).
 */
export interface Dtype {
  signed: boolean;
  bytes: 1 | 2 | 4 | 8;
}

export interface TableMeta {
  format: 'axhw-lut';
  version: 1;
  unit: string;
  params: Record<string, number | boolean | string>;
  top: string;
  rtlHash: string;
  verilator: string;
  /** True when every entry was also checked against the unit's model while it was read from the RTL. */
  verified: boolean;
  source: 'rtl';
  /** 'pairs': the full table over both operand codes; otherwise a unit's derived table (e.g. 'significand'). */
  kind: string;
  /** Control-input values the table was read under (designs with control inputs). */
  controls?: Record<string, number>;
  shape: [number, number];
  dtype: string;
  aWidth: number;
  bWidth: number;
  yWidth: number;
  signed: boolean;
  layout: string;
  /** sha256 of the table's little-endian data bytes (identical in .npy, .bin and .hex). */
  dataSha256: string;
  createdAt: string;
}

export interface LutTable {
  meta: TableMeta;
  dtype: Dtype;
  /** Little-endian values, row-major, shape[0] * shape[1] * dtype.bytes bytes. */
  data: Buffer;
}

export const LAYOUT_NOTE = "row = code of operand a, column = code of operand b (two's-complement codes read as unsigned); little-endian";

export function dtypeFor(ports: OperatorPorts): Dtype {
  return { signed: ports.signed, bytes: byteWidth(ports.y.width) };
}

/** numpy descr string: <i2, <u4, |u1 ... */
export function npyDescr(d: Dtype): string {
  return `${d.bytes === 1 ? '|' : '<'}${d.signed ? 'i' : 'u'}${d.bytes}`;
}

export function parseDescr(descr: string): Dtype | undefined {
  const m = /^([<|])([iu])([1248])$/.exec(descr);
  if (!m) return undefined;
  const bytes = Number(m[3]) as 1 | 2 | 4 | 8;
  if ((bytes === 1) !== (m[1] === '|')) return undefined;
  return { signed: m[2] === 'i', bytes };
}

/**
 * Turn raw result codes (masked to yWidth, as the RTL produces them) into dtype values in place:
 * signed results narrower than the dtype are sign-extended.
 */
export function codesToValues(buf: Buffer, d: Dtype, yWidth: number): void {
  if (!d.signed || yWidth === 8 * d.bytes) return;
  const n = buf.length / d.bytes;
  if (d.bytes === 8) {
    const w = new Uint32Array(buf.buffer, buf.byteOffset, 2 * n);
    const hiBits = yWidth - 32;
    for (let i = 0; i < n; i++) {
      if (hiBits <= 0) {
        const lo = w[2 * i];
        const v = lo >= 2 ** (yWidth - 1) ? lo - 2 ** yWidth : lo; // yWidth < 32 never uses 8 bytes
        w[2 * i] = v >>> 0;
        w[2 * i + 1] = v < 0 ? 0xffffffff : 0;
      } else {
        const hi = w[2 * i + 1];
        if (hi >= 2 ** (hiBits - 1)) w[2 * i + 1] = (hi - 2 ** hiBits) >>> 0;
      }
    }
    return;
  }
  const view = d.bytes === 1 ? new Uint8Array(buf.buffer, buf.byteOffset, n) : d.bytes === 2 ? new Uint16Array(buf.buffer, buf.byteOffset, n) : new Uint32Array(buf.buffer, buf.byteOffset, n);
  const half = 2 ** (yWidth - 1);
  const full = 2 ** yWidth;
  for (let i = 0; i < n; i++) {
    const c = view[i];
    if (c >= half) view[i] = c - full; // wraps into the dtype's two's complement
  }
}

/** Read entry i as a BigInt value. */
export function valueAt(t: LutTable, i: number): bigint {
  const o = i * t.dtype.bytes;
  const b = t.data;
  switch (t.dtype.bytes) {
    case 1:
      return BigInt(t.dtype.signed ? b.readInt8(o) : b.readUInt8(o));
    case 2:
      return BigInt(t.dtype.signed ? b.readInt16LE(o) : b.readUInt16LE(o));
    case 4:
      return BigInt(t.dtype.signed ? b.readInt32LE(o) : b.readUInt32LE(o));
    case 8:
      return t.dtype.signed ? b.readBigInt64LE(o) : b.readBigUInt64LE(o);
  }
}

/** All entries as a Float64Array of values (exact while |value| < 2^53; tables are at most 2^24 entries). */
export function valuesAsNumbers(t: Pick<LutTable, 'data' | 'dtype'>): Float64Array {
  const n = t.data.length / t.dtype.bytes;
  const ab = t.data.buffer;
  const off = t.data.byteOffset;
  const aligned = off % t.dtype.bytes === 0;
  const src = aligned ? t.data : Buffer.from(t.data);
  const o = aligned ? off : src.byteOffset;
  const buf = aligned ? ab : src.buffer;
  const { signed, bytes } = t.dtype;
  let view: ArrayLike<number | bigint>;
  if (bytes === 1) view = signed ? new Int8Array(buf, o, n) : new Uint8Array(buf, o, n);
  else if (bytes === 2) view = signed ? new Int16Array(buf, o, n) : new Uint16Array(buf, o, n);
  else if (bytes === 4) view = signed ? new Int32Array(buf, o, n) : new Uint32Array(buf, o, n);
  else view = signed ? new BigInt64Array(buf, o, n) : new BigUint64Array(buf, o, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(view[i]);
  return out;
}
