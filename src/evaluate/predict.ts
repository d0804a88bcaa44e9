import { tf } from '../nn/backend.js';
import type { Network } from '../nn/network.js';
import type { ArithmeticPlan } from '../nn/arithmetic.js';
import type { LabelledData } from '../data/table-data.js';
import { accuracy } from '../ir/classes.js';

export { accuracy };

export const EVAL_BATCH = 500;

/** Predicted class per sample, in batches, exactly (no arithmetic given) or on the hardware. */
export function predict(net: Network, d: LabelledData, arithmetic?: ArithmeticPlan, batch = EVAL_BATCH): Int32Array {
  const out = new Int32Array(d.n);
  const f = d.x.length / d.n;
  for (let s = 0; s < d.n; s += batch) {
    const m = Math.min(batch, d.n - s);
    const p = tf.tidy(() => tf.argMax(net.forward(tf.tensor(d.x.subarray(s * f, (s + m) * f), [m, ...d.shape]), arithmetic), 1));
    out.set(p.dataSync() as Int32Array, s);
    p.dispose();
  }
  return out;
}

/** Outputs (n x outputs, row-major) for every sample, in batches, exactly or on the hardware. */
export function logitsOf(
  net: Network,
  d: Pick<LabelledData, 'x' | 'n' | 'shape'>,
  arithmetic?: ArithmeticPlan,
  batch = EVAL_BATCH,
): Float32Array {
  const f = d.x.length / d.n;
  let out: Float32Array | undefined;
  for (let s = 0; s < d.n; s += batch) {
    const m = Math.min(batch, d.n - s);
    const z = tf.tidy(() => net.forward(tf.tensor(d.x.subarray(s * f, (s + m) * f), [m, ...d.shape]), arithmetic));
    const v = z.dataSync() as Float32Array;
    out ??= new Float32Array(d.n * z.shape[1]);
    out.set(v, s * z.shape[1]);
    z.dispose();
  }
  return out ?? new Float32Array(0);
}

/** The first n samples of a data set (calibration needs a representative, not an exhaustive, pass). */
export function head(d: LabelledData, n: number): LabelledData {
  const m = Math.min(n, d.n);
  const f = d.x.length / d.n;
  return { ...d, x: d.x.subarray(0, m * f), y: d.y.subarray(0, m), n: m };
}
