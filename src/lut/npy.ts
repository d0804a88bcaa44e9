import { AxhwError } from '../errors.js';
import { npyDescr, parseDescr, type Dtype } from './table.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** Encode a C-order 2-D array as .npy version 1.0 (header padded so data starts on a 64-byte boundary). */
export function encodeNpy(d: Dtype, shape: [number, number], data: Buffer): Buffer {
  let dict = `{'descr': '${npyDescr(d)}', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

/** What an .npy file is for, in a refusal's message and fix (a lookup table unless said otherwise). */
export interface NpyRole {
  noun: string;
  fix: string;
}

export const TABLE_ROLE: NpyRole = { noun: 'axhw table', fix: 'Regenerate it with `axhw lut ... -o <file>.npy`.' };

/** Decode a .npy holding a 2-D little-endian integer array; rejects anything else with the reason. */
export function decodeNpy(buf: Buffer, path: string, role: NpyRole = TABLE_ROLE): { dtype: Dtype; shape: [number, number]; data: Buffer } {
  const bad = (why: string) => new AxhwError(`${path} is not a valid ${role.noun} (.npy): ${why}.`, role.fix);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw bad('missing the \\x93NUMPY magic');
  const major = buf[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw bad('truncated header');
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else throw bad(`unsupported format version ${major}`);
  if (buf.length < start + headerLen) throw bad('truncated header');
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('header lacks descr, fortran_order or shape');
  const dtype = parseDescr(descr);
  if (!dtype) throw bad(`dtype ${descr} is not a little-endian integer type`);
  if (fortran === 'True') throw bad('Fortran (column-major) order is not the table layout');
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (dims.length !== 2 || dims.some((x) => !Number.isInteger(x) || x <= 0)) throw bad(`shape (${shapeText}) is not 2-D`);
  const data = buf.subarray(start + headerLen);
  const want = dims[0] * dims[1] * dtype.bytes;
  if (data.length !== want) throw bad(`data is ${data.length} bytes, shape ${dims.join(' x ')} of ${descr} needs ${want}`);
  return { dtype, shape: [dims[0], dims[1]], data };
}
