/** Helpers for raw bit patterns ("codes") of operands and results up to 64 bits. */

export const MAX_OPERAND_BITS = 32;
export const MAX_RESULT_BITS = 64;

/** Bytes used to carry a `bits`-wide value: 1, 2, 4 or 8. */
export function byteWidth(bits: number): 1 | 2 | 4 | 8 {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  if (bits <= 32) return 4;
  if (bits <= 64) return 8;
  throw new RangeError(`width ${bits} exceeds 64 bits`);
}

/** Mask of the low `bits` bits as a number (bits <= 32). */
export function mask32(bits: number): number {
  return bits >= 32 ? 0xffffffff : 2 ** bits - 1;
}

/** Interpret an unsigned `bits`-wide code (bits <= 32) as a two's-complement value. */
export function toSigned(code: number, bits: number): number {
  return code >= 2 ** (bits - 1) ? code - 2 ** bits : code;
}

/** Two's-complement code of a value (|value| < 2^bits, bits <= 32). */
export function toCode(value: number, bits: number): number {
  return value < 0 ? value + 2 ** bits : value;
}

export function bigToSigned(code: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, code);
}

export function bigToCode(value: bigint, bits: number): bigint {
  return BigInt.asUintN(bits, value);
}

/** ceil(log2(n)) for n >= 1. */
export function clog2(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/** Bits of an address into `depth` words (at least 1, so a Verilog range is never empty). */
export const addressBits = (depth: number) => Math.max(1, clog2(depth));

/** Ones in a non-negative integer below 2^53. */
export function popcount(v: number): number {
  let n = 0;
  for (let x = v; x > 0; x = Math.floor(x / 2)) n += x % 2;
  return n;
}
