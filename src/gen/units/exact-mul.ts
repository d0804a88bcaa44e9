import { defineUnit } from '../unit.js';
import { integerMultiplier } from './integer-multiplier.js';
import { exactMulBatchModel } from '../../models/exact-mul.js';

export const exactMulUnit = defineUnit({
  name: 'exact-mul',
  description: 'Exact N x N multiplier with a 2N-bit result (the baseline; same ports as drum)',
  params: [
    { name: 'width', kind: 'int', min: 2, max: 32, default: 8, doc: 'operand width N in bits (2..32)' },
    { name: 'signed', kind: 'bool', default: false, doc: "two's-complement operands and result" },
  ],
  template: 'exact-mul.v.hbs',
  templateContext: (p) => ({ n: p.width, signed: p.signed }),
  numbers: integerMultiplier.numbers,
  ports: integerMultiplier.ports,
  model: (p) => exactMulBatchModel(p),
  transform: (p) => {
    const n = p.width;
    return p.signed ? (c: number) => (c >= 2 ** (n - 1) ? c - 2 ** n : c) : (c: number) => c;
  },
  testSweep: [
    { width: 8, signed: false },
    { width: 8, signed: true },
    { width: 16, signed: true },
    { width: 32, signed: false },
  ],
});
