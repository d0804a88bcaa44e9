/**
 * DRUM restated from docs/methods.md (DRUM), independently of src/models/drum.ts: for a magnitude x with
 * its leading one at t, keep x when t < k, else shift right by s = t - k + 1, force the last bit to 1 and
 * shift back. Signed operands: sign-magnitude around the unsigned core (-2^(N-1) has magnitude 2^(N-1)).
 */
export function drumBruteForce(a: number, b: number, k: number): number {
  const t = (x: number) => {
    if (x === 0) return 0;
    const lead = 31 - Math.clz32(x);
    if (lead < k) return x;
    const s = lead - k + 1;
    return (Math.floor(x / 2 ** s) | 1) * 2 ** s;
  };
  const sign = Math.sign(a) * Math.sign(b);
  return sign * t(Math.abs(a)) * t(Math.abs(b));
}

/** Every metric of docs/methods.md (error metrics) by its definition, over explicit (exact, approx) lists. */
export function metricsBruteForce(exact: number[], approx: number[]) {
  const n = exact.length;
  const e = approx.map((q, i) => q - exact[i]!);
  const nonzeroExact = exact.map((p, i) => i).filter((i) => exact[i] !== 0);
  const mae = e.reduce((s, x) => s + Math.abs(x), 0) / n;
  return {
    er: e.filter((x) => x !== 0).length / n,
    me: e.reduce((s, x) => s + x, 0) / n,
    mae,
    mred: nonzeroExact.reduce((s, i) => s + Math.abs(e[i]!) / Math.abs(exact[i]!), 0) / nonzeroExact.length,
    nmed: mae / Math.max(...exact.map(Math.abs)),
    wce: Math.max(...e.map(Math.abs)),
    wcre: Math.max(...nonzeroExact.map((i) => Math.abs(e[i]!) / Math.abs(exact[i]!))),
    mse: e.reduce((s, x) => s + x * x, 0) / n,
  };
}

/** Exact and DRUM products of every pair of N-bit operands (two's complement when signed), row-major. */
export function drumPairs(width: number, k: number, signed: boolean): { exact: number[]; approx: number[] } {
  const lo = signed ? -(2 ** (width - 1)) : 0;
  const hi = signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
  const code = (v: number) => (v < 0 ? v + 2 ** width : v);
  const exact: number[] = [];
  const approx: number[] = [];
  // Row-major over codes, as the tables are laid out.
  const values = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).sort((x, y) => code(x) - code(y));
  for (const a of values) {
    for (const b of values) {
      exact.push(a * b);
      approx.push(drumBruteForce(a, b, k));
    }
  }
  return { exact, approx };
}
