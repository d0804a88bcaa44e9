import type { Network } from '../nn/network.js';
import type { LabelledData } from '../data/table-data.js';
import type { ArithmeticPlan } from '../nn/arithmetic.js';
import type { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import type { FloatArithmetic } from '../nn/float-arithmetic.js';
import { floatReferenceInference, referenceInference } from '../infer/reference.js';
import { quantisedNetworkOf } from '../nn/to-ir.js';
import { accuracy, EVAL_BATCH, predict } from './predict.js';

/** How often the TensorFlow.js hardware path and a reference predict the same class. */
export interface Agreement {
  agreement: number;
  samples: number;
  referenceAccuracy: number;
  floatAccuracy: number;
}

/** The hardware path against a JS reference (`reference` predicts one batch of samples), in batches. */
function agreementWith(
  net: Network,
  d: LabelledData,
  hw: ArithmeticPlan,
  reference: (x: Float32Array, m: number) => Int32Array,
): Agreement {
  const floatPred = predict(net, d, hw);
  const refPred = new Int32Array(d.n);
  const f = d.x.length / d.n;
  for (let s = 0; s < d.n; s += EVAL_BATCH) {
    const m = Math.min(EVAL_BATCH, d.n - s);
    refPred.set(reference(d.x.subarray(s * f, (s + m) * f), m), s);
  }
  let same = 0;
  for (let i = 0; i < d.n; i++) if (floatPred[i] === refPred[i]) same++;
  return { agreement: same / d.n, samples: d.n, referenceAccuracy: accuracy(refPred, d.y), floatAccuracy: accuracy(floatPred, d.y) };
}

/** Fixed-point hardware (frozen input exponents) against the integer reference on its quantised network. */
export function referenceAgreement(net: Network, d: LabelledData, hw: FixedArithmetic): Agreement {
  const q = quantisedNetworkOf(net, hw, hw.spec.inputExps!);
  return agreementWith(net, d, hw, (x, m) => referenceInference(q, x, m).predictions);
}

/** The fpmul path against the JS reference (RTL-rounded products, float32 sums in order). */
export function floatReferenceAgreement(net: Network, d: LabelledData, hw: FloatArithmetic): Agreement {
  const layers = net.weightArrays();
  return agreementWith(net, d, hw, (x, m) => floatReferenceInference(net.spec, layers, hw.float, x, m).predictions);
}
