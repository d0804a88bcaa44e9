import { canonicalNaN, fpBias, fpmulTransformCode, type FpFormat, type FpmulParams, type Rounding, type SubnormalPolicy } from './fpmul.js';

/**
 * A second, independent statement of the fpmul specification in exact BigInt arithmetic:
 * y = round(T(a) * T(b)) with the transform applied first and one exact rounding of the product.
 * Slow; the tests hold the batch model (and through it the RTL) to it.
 */
export function fpmulReference(p: FpmulParams, mbits: number, aCode: number, bCode: number): number {
  const t = fpmulTransformCode(p, mbits);
  const x = unpack(p, t(aCode));
  const y = unpack(p, t(bCode));
  const sign = x.sign ^ y.sign;
  if (x.kind === 'nan' || y.kind === 'nan') return canonicalNaN(p);
  if (x.kind === 'inf' || y.kind === 'inf') {
    if (x.kind === 'zero' || y.kind === 'zero') return canonicalNaN(p);
    return pack(p, sign, 2 ** p.exp - 1, 0);
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: roundToFormat rounds m = 0 to the same signed zero
  if (x.kind === 'zero' || y.kind === 'zero') return pack(p, sign, 0, 0);
  return roundToFormat(p, p.rounding, p.subnormals, sign, x.sig * y.sig, x.scale + y.scale);
}

interface Unpacked {
  kind: 'nan' | 'inf' | 'zero' | 'finite';
  sign: number;
  /** value = sig * 2^scale */
  sig: bigint;
  scale: number;
}

function unpack(f: FpFormat, code: number): Unpacked {
  const c = BigInt(code);
  const sign = Number(c >> BigInt(f.exp + f.frac));
  const e = Number((c >> BigInt(f.frac)) & ((1n << BigInt(f.exp)) - 1n));
  const fr = c & ((1n << BigInt(f.frac)) - 1n);
  const emax = 2 ** f.exp - 1;
  if (e === emax) return { kind: fr === 0n ? 'inf' : 'nan', sign, sig: 0n, scale: 0 };
  const sig = e === 0 ? fr : fr | (1n << BigInt(f.frac));
  if (sig === 0n) return { kind: 'zero', sign, sig, scale: 0 };
  return { kind: 'finite', sign, sig, scale: (e === 0 ? 1 : e) - fpBias(f) - f.frac };
}

function pack(f: FpFormat, sign: number, e: number, fr: number): number {
  return sign * 2 ** (f.exp + f.frac) + e * 2 ** f.frac + fr;
}

/** Round sign * m * 2^scale (m > 0) to the format: IEEE rne or toward zero, gradual underflow or FTZ. */
export function roundToFormat(
  f: FpFormat,
  rounding: Rounding,
  subnormals: SubnormalPolicy,
  sign: number,
  m: bigint,
  scale: number,
): number {
  const bias = fpBias(f);
  const emin = 1 - bias;
  const emaxFinite = 2 ** f.exp - 2 - bias;
  const msb = m.toString(2).length - 1;
  const e = msb + scale; // unbiased exponent of the exact value
  // Quantum (weight of the last kept bit): normal precision, or fixed at the subnormal spacing.
  // Stryker disable next-line EqualityOperator: at e = emin both quanta are emin - frac
  const qExp = subnormals === 'full' && e < emin ? emin - f.frac : e - f.frac;
  const shift = qExp - scale;
  let q: bigint;
  // Mutants left alive below (UnaryOperator): shift >= 0 always (a product's leading one is at least frac above its quantum), and 0 shifts
  // by 0 either way
  // Stryker disable next-line UnaryOperator: equivalent, see above
  if (shift <= 0) q = m << BigInt(-shift);
  else {
    q = m >> BigInt(shift);
    const r = m - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rounding === 'rne' && (r > half || (r === half && (q & 1n) === 1n))) q += 1n;
  }
  // q * 2^qExp is the rounded magnitude; renormalise if rounding carried.
  let exp = qExp + f.frac; // unbiased exponent if q has its leading one at position frac
  if (q >= 1n << BigInt(f.frac + 1)) {
    q >>= 1n;
    exp += 1;
  }
  const maxFinite = pack(f, sign, 2 ** f.exp - 2, 2 ** f.frac - 1);
  if (exp > emaxFinite) return rounding === 'rne' ? pack(f, sign, 2 ** f.exp - 1, 0) : maxFinite;
  // Mutants left alive below (ConditionalExpression,BlockStatement): a subnormal q (exp = emin) packed as a normal gives the same code,
  // (emin + bias) * 2^frac + q - 2^frac = q; the branch states the case
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, see above
  if (q < 1n << BigInt(f.frac)) {
    // Subnormal (only reachable with gradual underflow) or zero.
    return pack(f, sign, 0, Number(q));
  }
  if (exp < emin) return pack(f, sign, 0, 0); // ftz: below the smallest normal after rounding
  return pack(f, sign, exp + bias, Number(q - (1n << BigInt(f.frac))));
}
