import type { Network } from '../nn/network.js';
import type { LabelledData } from '../data/table-data.js';
import type { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import { Rng } from '../util/rng.js';
import { quantisedNetworkOf, runningStoredCodes } from '../nn/to-ir.js';
import { accuracy, predict } from './predict.js';

/**
 * Accuracy under NTV weight storage: `draws` independent sets of bit flips (seeded), each drawn into the
 * quantised network's stored codes once and held for the whole test set. Mean and (population) standard
 * deviation. `hw` carries the frozen input exponents.
 */
export function ntvEvaluate(
  net: Network,
  d: LabelledData,
  hw: FixedArithmetic,
  rate: number,
  draws: number,
  seed: number,
): { mean: number; std: number; accuracies: number[] } {
  const rng = new Rng(seed);
  const accuracies: number[] = [];
  for (let t = 0; t < draws; t++) {
    const q = quantisedNetworkOf(net, hw, hw.spec.inputExps!, { rate, rng });
    accuracies.push(accuracy(predict(net, d, runningStoredCodes(hw, q)), d.y));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / draws;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / draws);
  return { mean, std, accuracies };
}
