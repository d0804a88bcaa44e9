import { referenceInference } from '../infer/reference.js';
import type { QuantisedNetwork } from '../ir/quantised-network.js';
import { runOnnx } from './interpreter.js';
import { convertImages } from './layout.js';
import type { ModelProto } from './proto.js';

/**
 * The `--as-hardware` file evaluated by axhw's ONNX interpreter on samples (engine layout, preprocessed)
 * against the integer reference: the samples whose logits differ (none, when the export is right) and the
 * largest difference.
 */
export function checkHardwareExport(
  model: ModelProto,
  q: QuantisedNetwork,
  x: Float32Array,
  n: number,
): { samples: number; differing: number; largest: number } {
  const shape = q.spec.input;
  const f = x.length / n;
  const x64 = Float64Array.from(x);
  const input = shape.length === 3 ? convertImages(x64, n, { h: shape[0]!, w: shape[1]!, c: shape[2]! }, true) : x64;
  const dims = shape.length === 3 ? [n, shape[2]!, shape[0]!, shape[1]!] : [n, f];
  const got = runOnnx(model, { input: { dims, data: input } }).logits!.data;
  const want = referenceInference(q, x, n).logits;
  const classes = want.length / n;
  let [differing, largest] = [0, 0];
  for (let s = 0; s < n; s++) {
    let d = 0;
    for (let j = 0; j < classes; j++) d = Math.max(d, Math.abs(got[s * classes + j]! - want[s * classes + j]!));
    if (d > 0 || got.length !== want.length) differing++;
    largest = Math.max(largest, d);
  }
  return { samples: n, differing, largest };
}
