/** Class predictions from output rows, and their accuracy: plain arrays, shared by the float and the integer paths. */

/** Predicted class per sample: the first maximum of its row (row-major, n rows). */
export function argmaxRows(values: Float32Array | Float64Array, n: number): Int32Array {
  const classes = values.length / n;
  const predictions = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (values[s * classes + j]! > values[s * classes + best]!) best = j;
    predictions[s] = best;
  }
  return predictions;
}

/** Share of predictions equal to their labels. */
export function accuracy(pred: Int32Array, y: Int32Array | Float32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

/**
 * Output rows in the model's order, from rows a network computes in another order (`outputOf[i]`: the model
 * output that computed output i is; -1 a placeholder, dropped).
 */
export function modelOrder(values: Float64Array, n: number, outputOf: Int32Array): Float64Array<ArrayBuffer> {
  const width = outputOf.length;
  const classes = outputOf.reduce((m, c) => Math.max(m, c + 1), 0);
  const out = new Float64Array(n * classes);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < width; i++) if (outputOf[i]! >= 0) out[s * classes + outputOf[i]!] = values[s * width + i]!;
  return out;
}
