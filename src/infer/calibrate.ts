import type { Network } from '../nn/network.js';
import type { LabelledData } from '../data/table-data.js';
import { scaleExponent } from '../arith/fixed-point.js';
import type { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import { quantiseNetwork, type QuantisedNetwork } from '../ir/quantised-network.js';
import type { NtvStorage } from '../arith/stored-weights.js';
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

/** The network as the fixed-point hardware runs it, at these frozen input exponents (optionally one NTV draw). */
export function quantisedNetworkOf(net: Network, hw: FixedArithmetic, inputExps: number[], ntv?: NtvStorage): QuantisedNetwork {
  return quantiseNetwork(net.spec, net.weightArrays(), hw.spec.mult, inputExps, { ntv });
}

/** The hardware path running a quantised network's stored codes (held fixed over a whole evaluation). */
export function runningStoredCodes(hw: FixedArithmetic, q: QuantisedNetwork): FixedArithmetic {
  return hw.with({ ntv: undefined, inputExps: q.layers.map((l) => l.inputExp), frozenWeights: q.layers.map((l) => ({ ew: l.weightExp, codes: l.weightCodes })) });
}
