/**
 * An independent float64 model of a ReLU MLP (dense layers, ReLU between them, none after the last):
 * O = mean over samples of the sum of the logits, g = dO/dW by hand-written back-propagation, and
 * S = sum |g * W|. Tests take their finite differences on this model, never on TensorFlow.js.
 */
export function mlp64(ws: Float64Array[], bs: Float64Array[], sizes: number[], x: Float64Array, n: number) {
  const acts: Float64Array[] = [x];
  const pre: Float64Array[] = [];
  for (let l = 0; l < ws.length; l++) {
    const [k, m] = [sizes[l]!, sizes[l + 1]!];
    const z = new Float64Array(n * m);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = bs[l]![j]!;
        for (let t = 0; t < k; t++) s += acts[l]![i * k + t]! * ws[l]![t * m + j]!;
        z[i * m + j] = s;
      }
    pre.push(z);
    acts.push(l < ws.length - 1 ? z.map((v) => Math.max(v, 0)) : z);
  }
  const logits = acts.at(-1)!;
  const O = logits.reduce((a, b) => a + b, 0) / n;
  // dO/dz of the last layer is 1/n everywhere; propagate down.
  let dz = new Float64Array(n * sizes.at(-1)!).fill(1 / n);
  const g: Float64Array[] = ws.map((w) => new Float64Array(w.length));
  for (let l = ws.length - 1; l >= 0; l--) {
    const [k, m] = [sizes[l]!, sizes[l + 1]!];
    for (let i = 0; i < n; i++)
      for (let t = 0; t < k; t++) for (let j = 0; j < m; j++) g[l]![t * m + j]! += acts[l]![i * k + t]! * dz[i * m + j]!;
    if (l === 0) break;
    const da = new Float64Array(n * k);
    for (let i = 0; i < n; i++)
      for (let t = 0; t < k; t++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += dz[i * m + j]! * ws[l]![t * m + j]!;
        da[i * k + t] = pre[l - 1]![i * k + t]! > 0 ? s : 0;
      }
    dz = da;
  }
  let S = 0;
  ws.forEach((w, l) => w.forEach((v, i) => (S += Math.abs(g[l]![i]! * v))));
  return { logits, O, g, S };
}

/** Mean softmax cross-entropy of row-major logits (n x classes) against class indices, in float64. */
export function crossEntropy64(logits: Float64Array, labels: ArrayLike<number>, n: number): number {
  const c = logits.length / n;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * c, (i + 1) * c);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
    e += lse - row[labels[i]!]!;
  }
  return e / n;
}
