import { readMaybeCompressed } from './decompress.js';
import { dataError } from './data-error.js';

/** An IDX array (the MNIST file format): big-endian header, magic 0x0000 <type> <ndims>, dims, data. */
export interface IdxArray {
  shape: number[];
  data: Float32Array;
}

const TYPES: Record<number, { bytes: number; read: (b: Buffer, o: number) => number }> = {
  0x08: { bytes: 1, read: (b, o) => b[o]! },
  0x09: { bytes: 1, read: (b, o) => b.readInt8(o) },
  0x0b: { bytes: 2, read: (b, o) => b.readInt16BE(o) },
  0x0c: { bytes: 4, read: (b, o) => b.readInt32BE(o) },
  0x0d: { bytes: 4, read: (b, o) => b.readFloatBE(o) },
  0x0e: { bytes: 8, read: (b, o) => b.readDoubleBE(o) },
};

export function readIdx(file: string): IdxArray {
  const buf = readMaybeCompressed(file);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw dataError(file, 'not an IDX file (bad magic number)');
  const type = TYPES[buf[2]!];
  if (!type) throw dataError(file, `unknown IDX element type 0x${buf[2]!.toString(16)}`);
  const ndims = buf[3]!;
  if (ndims < 1 || buf.length < 4 + 4 * ndims) throw dataError(file, 'truncated IDX header');
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const n = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  if (buf.length !== start + n * type.bytes)
    throw dataError(
      file,
      `IDX size mismatch: header says ${shape.join('x')} (${n * type.bytes} bytes of data), file has ${buf.length - start}`,
    );
  const data = new Float32Array(n);
  if (type.bytes === 1 && buf[2] === 0x08) data.set(buf.subarray(start));
  else for (let i = 0; i < n; i++) data[i] = type.read(buf, start + i * type.bytes);
  return { shape, data };
}
