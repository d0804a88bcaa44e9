import type { Network } from '../nn/network.js';
import type { LabelledData } from '../data/table-data.js';
import { scaleExponent } from '../arith/fixed-point.js';
import type { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import { predict } from './predict.js';

/**
 * Frozen input exponents for inference: each weighted layer's max |input| over the calibration data,
 * observed while running on the hardware (products through the table), so approximate activations fit.
 */
export function calibrate(net: Network, d: LabelledData, hw: FixedArithmetic): number[] {
  const max: number[] = net.weighted.map(() => 0);
  predict(net, d, hw.with({ inputExps: undefined, ntv: undefined, observe: (k, info) => (max[k] = Math.max(max[k]!, info.maxAbs)) }));
  return max.map((m) => scaleExponent(m, hw.spec.mult.qmax));
}
