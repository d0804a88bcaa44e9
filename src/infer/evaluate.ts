import { tf } from '../nn/backend.js';
import type { Network } from '../nn/network.js';
import type { HardwareSpec } from '../train/approx-ops.js';
import { storedWeightCodes, type Arithmetic } from '../train/approx-ops.js';
import { scaleExponent } from '../arith/fixed-point.js';
import { floatReferenceInference, referenceInference, type ReferenceLayer } from './reference.js';
import type { FloatMultiplier } from '../arith/float-multiplier.js';
import type { LabelledData } from '../data/table-data.js';
import { Rng } from '../util/rng.js';

const EVAL_BATCH = 500;

/** Predicted class per sample, in batches, exactly (no hw) or on the hardware. */
export function predict(net: Network, d: LabelledData, hw?: Arithmetic, batch = EVAL_BATCH): Int32Array {
  const out = new Int32Array(d.n);
  const f = d.x.length / d.n;
  for (let s = 0; s < d.n; s += batch) {
    const m = Math.min(batch, d.n - s);
    const p = tf.tidy(() => tf.argMax(net.forward(tf.tensor(d.x.subarray(s * f, (s + m) * f), [m, ...d.shape]), hw), 1));
    out.set(p.dataSync() as Int32Array, s);
    p.dispose();
  }
  return out;
}

/** Logits (n x classes, row-major) for every sample, in batches, exactly (no hw) or on the hardware. */
export function logitsOf(net: Network, d: LabelledData, hw?: Arithmetic, batch = EVAL_BATCH): Float32Array {
  const f = d.x.length / d.n;
  let out: Float32Array | undefined;
  for (let s = 0; s < d.n; s += batch) {
    const m = Math.min(batch, d.n - s);
    const z = tf.tidy(() => net.forward(tf.tensor(d.x.subarray(s * f, (s + m) * f), [m, ...d.shape]), hw));
    const v = z.dataSync() as Float32Array;
    out ??= new Float32Array(d.n * z.shape[1]);
    out.set(v, s * z.shape[1]);
    z.dispose();
  }
  return out ?? new Float32Array(0);
}

export function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

/**
 * Frozen input exponents for inference: each weighted layer's max |input| over the calibration data,
 * observed while running on the hardware (products through the table), so approximate activations fit.
 */
export function calibrate(net: Network, d: LabelledData, hw: Omit<HardwareSpec, 'inputExps' | 'observe' | 'ntv'>): number[] {
  const max: number[] = net.weighted.map(() => 0);
  predict(net, d, { ...hw, observe: (k, info) => (max[k] = Math.max(max[k]!, info.maxAbs)) });
  return max.map((m) => scaleExponent(m, hw.mult.qmax));
}

/** How often the TensorFlow.js hardware path and a reference predict the same class. */
export interface Agreement {
  agreement: number;
  samples: number;
  referenceAccuracy: number;
  floatAccuracy: number;
}

/** The hardware path against a JS reference (`reference` predicts one batch of samples), in batches. */
function agreementWith(net: Network, d: LabelledData, hw: Arithmetic, reference: (layers: ReferenceLayer[], x: Float32Array, m: number) => Int32Array): Agreement {
  const floatPred = predict(net, d, hw);
  const layers = net.weighted.map((p) => ({ w: p.w.dataSync() as Float32Array, b: p.b.dataSync() as Float32Array }));
  const refPred = new Int32Array(d.n);
  const f = d.x.length / d.n;
  for (let s = 0; s < d.n; s += EVAL_BATCH) {
    const m = Math.min(EVAL_BATCH, d.n - s);
    refPred.set(reference(layers, d.x.subarray(s * f, (s + m) * f), m), s);
  }
  let same = 0;
  for (let i = 0; i < d.n; i++) if (floatPred[i] === refPred[i]) same++;
  return { agreement: same / d.n, samples: d.n, referenceAccuracy: accuracy(refPred, d.y), floatAccuracy: accuracy(floatPred, d.y) };
}

/** Fixed-point hardware (frozen input exponents) against the integer reference. */
export function referenceAgreement(net: Network, d: LabelledData, hw: HardwareSpec): Agreement {
  return agreementWith(net, d, hw, (layers, x, m) => referenceInference(net.spec, layers, hw.inputExps!, hw.mult, x, m).predictions);
}

/** The fpmul path against the JS reference (RTL-rounded products, float32 sums in order). */
export function floatReferenceAgreement(net: Network, d: LabelledData, fm: FloatMultiplier): Agreement {
  return agreementWith(net, d, { float: fm }, (layers, x, m) => floatReferenceInference(net.spec, layers, fm, x, m));
}

/**
 * Accuracy under NTV weight storage: `draws` independent sets of bit flips (seeded), each applied once
 * to the stored weight codes and held for the whole test set. Mean and (population) standard deviation.
 */
export function ntvEvaluate(net: Network, d: LabelledData, hw: HardwareSpec, rate: number, draws: number, seed: number): { mean: number; std: number; accuracies: number[] } {
  const rng = new Rng(seed);
  const accuracies: number[] = [];
  for (let t = 0; t < draws; t++) {
    const frozen = net.weighted.map((p) => {
      const w = p.w.dataSync() as Float32Array;
      return storedWeightCodes(w, { mult: hw.mult, ntv: { rate, rng } });
    });
    accuracies.push(accuracy(predict(net, d, { ...hw, ntv: undefined, frozenWeights: frozen }), d.y));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / draws;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / draws);
  return { mean, std, accuracies };
}
