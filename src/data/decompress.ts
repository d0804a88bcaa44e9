import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { decompressSync } from '@napi-rs/lzma/xz';
import { dataError } from './data-error.js';

/** The xz decoder, a native module loaded on first use (most commands read no data set). */
const xzDecompress = (raw: Buffer) =>
  (createRequire(import.meta.url)('@napi-rs/lzma/xz') as { decompressSync: typeof decompressSync }).decompressSync(raw);

/** Read a file, undoing gzip or xz compression (recognised by magic bytes, not by name). */
export function readMaybeCompressed(file: string): Buffer {
  if (!existsSync(file)) throw dataError(file, 'file not found');
  const raw = readFileSync(file);
  try {
    if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) return gunzipSync(raw);
    if (raw.length >= 6 && raw.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
      return Buffer.from(xzDecompress(raw));
  } catch (e) {
    throw dataError(file, `corrupt compressed data (${(e as Error).message})`);
  }
  if (raw.length >= 3 && raw.subarray(0, 3).toString('latin1') === 'BZh')
    throw dataError(file, 'bzip2 compression is not supported', 'Recompress it with gzip or xz.');
  return raw;
}
