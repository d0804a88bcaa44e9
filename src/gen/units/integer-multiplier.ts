import type { NumberFormat } from '../unit.js';
import type { OperatorPorts } from '../../models/operator.js';

/** What an n x n -> 2n integer multiplier (exact or approximate, no control inputs) computes on, and its ports. */
export const integerMultiplier = {
  numbers: (p: { width: number; signed: boolean }): NumberFormat => ({ kind: 'fixed', width: p.width, signed: p.signed }),
  ports: (p: { width: number; signed: boolean }): OperatorPorts => ({
    a: { name: 'a', width: p.width },
    b: { name: 'b', width: p.width },
    y: { name: 'y', width: 2 * p.width },
    signed: p.signed,
    controls: [],
  }),
};
