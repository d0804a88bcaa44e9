import type { Network } from '../nn/network.js';
import type { PreparedData } from '../data/prepare.js';
import type { Hardware } from '../nn/hardware.js';
import { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import { FloatArithmetic } from '../nn/float-arithmetic.js';
import { AxhwError } from '../errors.js';
import { calibrate } from './calibrate.js';
import { floatReferenceAgreement, referenceAgreement, type Agreement } from './agreement.js';
import { ntvEvaluate } from './ntv.js';

/** What hardware evaluation reports: accuracy on the hardware, the reference check, NTV draws. */
export interface HardwareEvaluation {
  hardware: Record<string, unknown>;
  /** Frozen per-layer input exponents (fixed-point hardware). */
  inputExps?: number[];
  accuracy: number;
  reference: Agreement;
  ntv?: { rate: number; draws: number; seed: number; mean: number; std: number; accuracies: number[] };
}

/** NTV flips act on stored fixed-point weight codes: they need a fixed-point multiplier to store them at. */
export function checkNtvStorage(hw: Hardware | undefined, ntvRate: number | undefined): void {
  if (!ntvRate) return;
  if (!hw)
    throw new AxhwError(
      'NTV bit flips act on stored fixed-point weights: give the multiplier whose width they are stored at.',
      'Add --multiplier exact-mul:width=8,signed for exact arithmetic with NTV storage.',
    );
  if (!hw.fixed)
    throw new AxhwError(
      'NTV bit flips act on stored fixed-point weights; fpmul layers keep float32 weights.',
      'Drop --ntv-rate/--ntv-voltage, or use a fixed-point multiplier.',
    );
}

/**
 * Accuracy on the hardware with its reference check (the integer reference on the quantised network for
 * fixed point; RTL-rounded float32 products for fpmul) and NTV draws (validated by checkNtvStorage).
 */
export function evaluateOnHardware(
  net: Network,
  data: PreparedData,
  hw: Hardware,
  o: { ntvRate?: number; ntvDraws: number; seed: number; inputExps?: number[] },
): HardwareEvaluation {
  if (!hw.fixed) {
    const reference = floatReferenceAgreement(net, data.test, new FloatArithmetic(hw.float!));
    return { hardware: hw.describe(), accuracy: reference.floatAccuracy, reference };
  }
  const base = new FixedArithmetic({ mult: hw.fixed, path: hw.path });
  const inputExps = o.inputExps ?? calibrate(net, data.train, base);
  const frozen = base.with({ inputExps });
  const reference = referenceAgreement(net, data.test, frozen);
  const ntv = o.ntvRate
    ? { rate: o.ntvRate, draws: o.ntvDraws, seed: o.seed, ...ntvEvaluate(net, data.test, frozen, o.ntvRate, o.ntvDraws, o.seed) }
    : undefined;
  return { hardware: hw.describe(), inputExps, accuracy: reference.floatAccuracy, reference, ntv };
}
