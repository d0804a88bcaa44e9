import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/nn/backend.js';
import { Network } from '../../src/nn/network.js';
import { resolveModel } from '../../src/ir/model-spec.js';
import { train, type TrainingData } from '../../src/train/trainer.js';
import { Rng } from '../../src/util/rng.js';
import { crossEntropy64, mlp64 } from '../helpers/mlp64.js';

/**
 * The trainer's axtrain-act step, end to end, against an independent statement: with plain SGD and one
 * batch holding the whole training set, one epoch is one step, so the weights must move by exactly
 * -lr * (dE/dW + lambda * dS/dW), with E (cross-entropy) and S (sensitivity) and their derivatives taken
 * by central differences of a float64 model that shares no code with TensorFlow.js.
 */
describe('axtrain-act: one SGD step of the trainer equals -lr (dE/dW + lambda dS/dW)', () => {
  const sizes = [5, 7, 6, 3];
  const n = 6;
  const rng = new Rng(21);
  const uniform = () => (rng.nextU32() / 2 ** 32) * 2 - 1;
  const x = Float32Array.from({ length: n * sizes[0]! }, uniform);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const data: TrainingData = { train: { x, y, n }, test: { x, y, n }, shape: [sizes[0]!] };
  const model = resolveModel(`mlp:${sizes.slice(1).join('-')}`, [sizes[0]!], sizes.at(-1)!);
  type Param = { name: string; data: Float32Array };
  let start: Param[];
  let ws: Float64Array[];
  let bs: Float64Array[];
  beforeAll(async () => {
    await initBackend();
    // Seeded weights with non-zero biases, so no hidden pre-activation sits at a ReLU kink.
    const net = new Network(model, 3);
    start = net.weights().map((p) => ({
      name: p.name,
      data: p.name.startsWith('b')
        ? Float32Array.from(p.data, (_, j) => 0.05 * (j + 1) * (Number(p.name.slice(1)) % 2 ? -1 : 1))
        : Float32Array.from(p.data),
    }));
    net.dispose();
    ws = start.filter((p) => p.name.startsWith('w')).map((p) => Float64Array.from(p.data));
    bs = start.filter((p) => p.name.startsWith('b')).map((p) => Float64Array.from(p.data));
  });
  const x64 = Float64Array.from(x);
  const lr = 0.05;
  const lambda = 0.7;

  /** E + lambda S of the float64 model, with one parameter (weights or biases of layer l, index i) moved by d. */
  function objective(kind: 'w' | 'b', l: number, i: number, d: number, withHessian = true): { E: number; S: number } {
    const w2 = ws.map((a) => Float64Array.from(a));
    const b2 = bs.map((a) => Float64Array.from(a));
    (kind === 'w' ? w2 : b2)[l]![i]! += d;
    const m = mlp64(w2, b2, sizes, x64, n);
    if (withHessian) return { E: crossEntropy64(m.logits, y, n), S: m.S };
    // A negative control's S: g held at its starting value (g detached), so only |g w|'s first-order term moves.
    const g0 = mlp64(ws, bs, sizes, x64, n).g;
    let S = 0;
    w2.forEach((w, k) => w.forEach((v, j) => (S += Math.abs(g0[k]![j]! * v))));
    return { E: crossEntropy64(m.logits, y, n), S };
  }

  function expectedStep(withHessian: boolean, lam: number): Float64Array[] {
    const h = 1e-6;
    return start.map((p) => {
      const kind = p.name[0] as 'w' | 'b';
      // Position among the weighted layers (the float64 model's index).
      const layer = start.filter((q) => q.name[0] === kind).indexOf(p);
      return Float64Array.from(p.data, (_, i) => {
        const [up, down] = [objective(kind, layer, i, h, withHessian), objective(kind, layer, i, -h, withHessian)];
        const dE = (up.E - down.E) / (2 * h);
        const dS = (up.S - down.S) / (2 * h);
        return -lr * (dE + lam * dS);
      });
    });
  }

  async function trainerStep(lam: number): Promise<Float64Array[]> {
    const r = await train({
      data,
      model,
      method: 'axtrain-act',
      optimizer: 'sgd',
      act: { lambda: lam, lambdaStep: 0 },
      initialWeights: start,
      epochs: 1,
      batchSize: n,
      learningRate: lr,
      seed: 1,
    });
    const after = r.net.weights();
    r.net.dispose();
    expect(r.history.map((e) => e.phase)).toEqual(['act']);
    return start.map((p) => Float64Array.from(after.find((a) => a.name === p.name)!.data, (v, i) => v - p.data[i]!));
  }

  const maxDiff = (a: Float64Array[], b: Float64Array[]) =>
    Math.max(...a.flatMap((t, k) => Array.from(t, (v, i) => Math.abs(v - b[k]![i]!))));

  it('weights and biases of every layer move as the float64 objective says', async () => {
    const got = await trainerStep(lambda);
    const want = expectedStep(true, lambda);
    expect(got.map((t) => t.length)).toEqual([5 * 7, 7, 7 * 6, 6, 6 * 3, 3]);
    // float32 training against float64 differences: steps are ~1e-2, rounding ~1e-7.
    expect(maxDiff(got, want)).toBeLessThan(2e-5);
    // Negative controls: the same comparison fails for a trainer that dropped S's second-order term
    // (g detached) or the lambda factor, so the check above can fail.
    expect(maxDiff(got, expectedStep(false, lambda))).toBeGreaterThan(1e-3);
    expect(maxDiff(got, expectedStep(true, 1))).toBeGreaterThan(1e-3);
    expect(maxDiff(got, expectedStep(true, 0))).toBeGreaterThan(1e-3);
  });
});
