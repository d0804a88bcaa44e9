/**
 * Exact 64-bit unsigned arithmetic on (lo, hi) uint32 pairs, for models whose results exceed 32 bits.
 * Avoids BigInt so batch models allocate nothing per call. Results land in a shared scratch pair.
 */
export const u64 = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

/** u64 = a * b for uint32 a, b (exact: partial products stay below 2^53). */
export function mul32x32(a: number, b: number): void {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const p0 = al * bl;
  const p1 = ah * bl + al * bh; // < 2^33
  const p2 = ah * bh;
  const lowSum = p0 + (p1 % 65536) * 65536; // < 2^33
  u64.lo = lowSum >>> 0;
  u64.hi = (p2 + Math.floor(p1 / 65536) + Math.floor(lowSum / TWO32)) >>> 0;
}

/** u64 <<= s (0 <= s < 64). */
export function shl64(s: number): void {
  if (s === 0) return;
  if (s >= 32) {
    u64.hi = (u64.lo << (s - 32)) >>> 0;
    u64.lo = 0;
  } else {
    u64.hi = ((u64.hi << s) | (u64.lo >>> (32 - s))) >>> 0;
    u64.lo = (u64.lo << s) >>> 0;
  }
}

/** u64 = -u64 (two's complement, mod 2^64). */
export function neg64(): void {
  const lo = (~u64.lo + 1) >>> 0;
  u64.hi = (~u64.hi + (lo === 0 ? 1 : 0)) >>> 0;
  u64.lo = lo;
}

/** Keep the low `bits` bits (33..64). */
export function mask64(bits: number): void {
  if (bits < 64) u64.hi = (u64.hi & (2 ** (bits - 32) - 1)) >>> 0;
}
