/**
 * Dynamic fixed point: a tensor is stored as integer codes q with one power-of-two scale per layer,
 * value = q * 2^e. The exponent is the smallest e with max|x| / 2^e <= qmax, so the largest magnitude
 * just fits; rounding is half-to-even (what tf.round does), saturating at [qmin, qmax].
 */
export function scaleExponent(maxAbs: number, qmax: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 0;
  // Stryker disable next-line ArithmeticOperator: an estimate only; the loops below correct any start exactly
  let e = Math.ceil(Math.log2(maxAbs / qmax));
  // log2 can be off by one ulp at powers of two: fix up exactly.
  // Stryker disable next-line EqualityOperator: at equality the second loop steps back, same result
  while (qmax * 2 ** e < maxAbs) e++;
  // Mutants left alive below (ConditionalExpression,EqualityOperator,UpdateOperator): V8's log2 never overestimates here (searched); kept
  // for other engines
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator: equivalent, see above
  while (qmax * 2 ** (e - 1) >= maxAbs) e--;
  return e;
}

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantiseValue(v: number, e: number, qmin: number, qmax: number): number {
  const q = roundHalfEven(v * 2 ** -e);
  // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

/** Largest magnitude in float32 data (the input of scaleExponent). */
export function maxAbs32(a: Float32Array): number {
  let m = 0;
  // Stryker disable next-line EqualityOperator: reading past the end gives NaN, which never wins the comparison
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    // Stryker disable next-line EqualityOperator: an equal value leaves the maximum as it is
    if (v > m) m = v;
  }
  return m;
}
