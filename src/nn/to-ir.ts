import type { Network } from './network.js';
import type { FixedArithmetic } from './fixed-arithmetic.js';
import type { NtvStorage } from '../arith/stored-weights.js';
import { quantiseNetwork, type QuantisedNetwork } from '../ir/quantised-network.js';

/** The network as the fixed-point hardware runs it, at these frozen input exponents (optionally one NTV draw). */
export function quantisedNetworkOf(net: Network, hw: FixedArithmetic, inputExps: number[], ntv?: NtvStorage): QuantisedNetwork {
  return quantiseNetwork(net.spec, net.weightArrays(), hw.spec.mult, inputExps, { ntv, neurons: hw.spec.neurons });
}

/** The hardware path running a quantised network's stored codes (held fixed over a whole evaluation). */
export function runningStoredCodes(hw: FixedArithmetic, q: QuantisedNetwork): FixedArithmetic {
  return hw.with({
    ntv: undefined,
    inputExps: q.layers.map((l) => l.inputExp),
    frozenWeights: q.layers.map((l) => ({ ew: l.weightExp, codes: l.weightCodes })),
  });
}
