import { byteWidth } from '../util/bits.js';
import { sha256Json } from '../util/hash.js';
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
  /** 2: plain sha256 hashes and metaSha256; 1 (older): data hash of the NUL-terminated form, no metaSha256. */
  version: 1 | 2;
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
  /** Plain sha256 of the table's little-endian data bytes (identical in .npy, .bin and .hex; `sha256sum` of a .bin). */
  dataSha256: string;
  /** sha256 of the other fields (keys sorted): a hand-edited sidecar is detected. */
  metaSha256?: string;
  createdAt: string;
}

export interface LutTable {
  meta: TableMeta;
  dtype: Dtype;
  /** Little-endian values, row-major, shape[0] * shape[1] * dtype.bytes bytes. */
  data: Buffer;
}

export const LAYOUT_NOTE = "row = code of operand a, column = code of operand b (two's-complement codes read as unsigned); little-endian";

/** The hash a sidecar carries of its own fields (all but metaSha256 itself). */
export function tableMetaHash(meta: TableMeta): string {
  const { metaSha256: _, ...rest } = meta;
  return sha256Json(rest);
}

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
  if (!d.signed) return;
  // Mutants left alive below (ConditionalExpression,ArithmeticOperator): a full-width code already is its value; sign-extending it again
  // stores the same bits
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: equivalent, see above
  if (yWidth === 8 * d.bytes) return;
  const n = buf.length / d.bytes;
  if (d.bytes === 8) {
    const w = new Uint32Array(buf.buffer, buf.byteOffset, 2 * n);
    // An 8-byte dtype holds 33..64-bit results: the sign lives in the high word.
    const hiBits = yWidth - 32;
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which compares false and writes nothing
    for (let i = 0; i < n; i++) {
      const hi = w[2 * i + 1];
      if (hi >= 2 ** (hiBits - 1)) w[2 * i + 1] = (hi - 2 ** hiBits) >>> 0;
    }
    return;
  }
  const view =
    d.bytes === 1
      ? new Uint8Array(buf.buffer, buf.byteOffset, n)
      : d.bytes === 2
        ? new Uint16Array(buf.buffer, buf.byteOffset, n)
        : new Uint32Array(buf.buffer, buf.byteOffset, n);
  const half = 2 ** (yWidth - 1);
  const full = 2 ** yWidth;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which compares false and writes nothing
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
  // Typed arrays view only aligned bytes: copy the rest. (Mutants: always copying gives the same
  // values, only slower; never copying is caught by the unaligned-buffer test.)
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: see above
  const src = t.data.byteOffset % t.dtype.bytes === 0 ? t.data : Buffer.from(t.data);
  const [buf, o] = [src.buffer, src.byteOffset];
  const { signed, bytes } = t.dtype;
  let view: ArrayLike<number | bigint>;
  if (bytes === 1) view = signed ? new Int8Array(buf, o, n) : new Uint8Array(buf, o, n);
  else if (bytes === 2) view = signed ? new Int16Array(buf, o, n) : new Uint16Array(buf, o, n);
  else if (bytes === 4) view = signed ? new Int32Array(buf, o, n) : new Uint32Array(buf, o, n);
  else view = signed ? new BigInt64Array(buf, o, n) : new BigUint64Array(buf, o, n);
  const out = new Float64Array(n);
  // Stryker disable next-line EqualityOperator: a write one past the end of a typed array is dropped
  for (let i = 0; i < n; i++) out[i] = Number(view[i]);
  return out;
}
