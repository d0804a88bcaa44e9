import type { OperatorPorts } from '../models/operator.js';
import { Rng } from '../util/rng.js';
import { toCode } from '../util/bits.js';

/**
 * Corner operand codes for one port: 0, 1, 2, max, every power of two and its neighbours, all ones,
 * and for two's complement the sign boundaries (min, min + 1, -1, -2, max positive). `extra` holds
 * unit-specific magnitudes (e.g. DRUM truncation boundaries); for signed ports their negations too.
 */
export function cornerCodes(width: number, signed: boolean, extra: number[] = []): number[] {
  const full = 2 ** width;
  const set = new Set<number>();
  const add = (v: number) => {
    if (Number.isInteger(v) && v >= 0 && v < full) set.add(v);
  };
  for (const v of [0, 1, 2, 3, full - 1, full - 2]) add(v);
  for (let i = 0; i < width; i++) {
    add(2 ** i);
    add(2 ** i - 1);
    add(2 ** i + 1);
  }
  if (signed) {
    const half = 2 ** (width - 1);
    for (const v of [half, half + 1, half - 1, half - 2]) add(v);
    for (const m of extra) if (m > 0 && m <= half) add(toCode(-m, width));
  }
  for (const m of extra) add(m);
  return [...set].sort((x, y) => x - y);
}

/** All pairs of corner codes (the cartesian product), as two parallel arrays. */
export function cornerPairs(ports: OperatorPorts, extra: number[] = []): { a: Uint32Array; b: Uint32Array; n: number } {
  const ca = cornerCodes(ports.a.width, ports.signed, extra);
  const cb = cornerCodes(ports.b.width, ports.signed, extra);
  const n = ca.length * cb.length;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  let i = 0;
  for (const x of ca) {
    for (const y of cb) {
      a[i] = x;
      b[i] = y;
      i++;
    }
  }
  return { a, b, n };
}

/** Fill a and b with n seeded uniform operand codes. */
export function fillRandom(rng: Rng, ports: OperatorPorts, a: Uint32Array, b: Uint32Array, n: number): void {
  const wa = ports.a.width;
  const wb = ports.b.width;
  for (let i = 0; i < n; i++) {
    a[i] = rng.nextBits(wa);
    b[i] = rng.nextBits(wb);
  }
}

/**
 * Operand codes of pairs start..start+n-1 of the row-major pair space, a row at a time: a is constant along
 * a row (a fill) and b counts up, with no test per pair (the exhaustive sweep fills every pair it checks).
 */
export function fillRange(bWidth: number, start: number, a: Uint32Array, b: Uint32Array, n: number): void {
  const cols = 2 ** bWidth;
  let row = Math.floor(start / cols);
  let col = start - row * cols;
  const counting = cols <= COUNTED ? countUp(cols) : undefined;
  for (let i = 0; i < n; row++, col = 0) {
    const end = i + Math.min(cols - col, n - i);
    a.fill(row, i, end);
    if (counting) b.set(counting.subarray(col, col + end - i), i);
    else for (let j = i, v = col; j < end; j++, v++) b[j] = v;
    i = end;
  }
}

/** b operands up to 16 bits are copied from a kept 0, 1, 2, ... (a copy is three times faster than the loop). */
const COUNTED = 1 << 16;
let counted = new Uint32Array(0);
function countUp(length: number): Uint32Array {
  if (counted.length < length) counted = Uint32Array.from({ length }, (_, i) => i);
  return counted;
}
