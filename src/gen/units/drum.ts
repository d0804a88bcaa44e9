import { defineUnit } from '../unit.js';
import { integerMultiplier } from './integer-multiplier.js';
import { drumBatchModel, drumTransform } from '../../models/drum.js';
import { clog2 } from '../../util/bits.js';

export const drumUnit = defineUnit({
  name: 'drum',
  description: 'DRUM dynamic-range unbiased approximate multiplier (Hashemi et al., ICCAD 2015)',
  params: [
    { name: 'width', kind: 'int', min: 2, max: 32, default: 8, doc: 'operand width N in bits (2..32)' },
    { name: 'k', kind: 'int', min: 2, max: 32, default: 4, doc: 'bits kept per operand, 2 <= k <= width; k = width is exact' },
    { name: 'signed', kind: 'bool', default: false, doc: "two's-complement operands, sign-magnitude around the unsigned core" },
  ],
  rules: ['k <= width', 'signed needs k >= 3 (with k = 2 the square of the most negative operand overflows the 2 x width-bit result)'],
  check(p) {
    const { width: n, k, signed } = p;
    if (k > n) return `k = ${k} must not exceed width = ${n} (2 <= k <= width).`;
    // Unbiasing rounds the magnitude 2^(N-1) of the most negative code up to 1.5 * 2^(N-1) when k = 2,
    // so (-2^(N-1))^2 would become 2^(2N-1) + 2^(2N-4): more than the 2N-bit signed result holds.
    // For k >= 3 every product fits, so signed DRUM needs k >= 3 rather than a silently wrapping result.
    if (signed && k < 3)
      return (
        `signed DRUM needs k >= 3: with k = 2 the product of two most-negative operands, (-2^${n - 1})^2, ` +
        `approximates to 2^${2 * n - 1} + 2^${2 * n - 4}, which overflows the ${2 * n}-bit signed result.`
      );
    return undefined;
  },
  template: 'drum.v.hbs',
  templateContext(p) {
    const { width: n, k, signed } = p;
    const lw = Math.max(1, clog2(n)); // bits of a leading-one position 0..n-1
    return { n, k, signed, exact: k === n, lw, sw: lw + 1, padBits: 2 * n - 2 * k };
  },
  numbers: integerMultiplier.numbers,
  ports: integerMultiplier.ports,
  model: (p) => drumBatchModel(p),
  transform: (p) => drumTransform(p),
  extraCorners(p) {
    // Values around every truncation boundary: 2^k - 1 (kept exactly), 2^k (first truncated), and
    // patterns whose dropped bits are all ones or all zeros.
    const { width: n, k } = p;
    const out: number[] = [];
    for (let t = k - 1; t < n; t++) {
      const top = 2 ** t;
      out.push(top + (2 ** Math.max(0, t - k + 1) - 1), top + 2 ** Math.max(0, t - k + 1));
    }
    out.push(2 ** k - 1, 2 ** k);
    return out.filter((v) => v < 2 ** n);
  },
  testSweep: [
    { width: 8, k: 4, signed: false },
    { width: 8, k: 4, signed: true },
    { width: 8, k: 2, signed: false },
    { width: 8, k: 6, signed: true },
    { width: 8, k: 8, signed: true },
    { width: 6, k: 3, signed: true },
    { width: 16, k: 6, signed: false },
    { width: 16, k: 8, signed: true },
    { width: 32, k: 8, signed: true },
    { width: 24, k: 24, signed: false },
  ],
});
