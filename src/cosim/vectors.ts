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

/** Operand codes of pairs start..start+n-1 of the row-major pair space. */
export function fillRange(bWidth: number, start: number, a: Uint32Array, b: Uint32Array, n: number): void {
  const cols = 2 ** bWidth;
  let row = Math.floor(start / cols);
  let col = start - row * cols;
  for (let i = 0; i < n; i++) {
    a[i] = row;
    b[i] = col;
    if (++col === cols) {
      col = 0;
      row++;
    }
  }
}
