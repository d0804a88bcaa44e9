/**
 * Sign-magnitude split of an operand pair, written into a shared scratch object so hot loops allocate
 * nothing (V8 inlines the call). For two's-complement N-bit codes pass half = 2^(N-1), full = 2^N; the
 * most negative code maps to magnitude 2^(N-1).
 */
export const sm = { ma: 0, mb: 0, neg: false };

export function splitSignMagnitude(a: number, b: number, signed: boolean, half: number, full: number): void {
  sm.ma = a;
  sm.mb = b;
  sm.neg = false;
  if (!signed) return;
  if (a >= half) {
    sm.ma = full - a;
    sm.neg = true;
  }
  if (b >= half) {
    sm.mb = full - b;
    sm.neg = !sm.neg;
  }
}
