import { tf } from './backend.js';
import { AxhwError } from '../errors.js';
import { arithmeticAt, type ArithmeticPlan } from './arithmetic.js';
import { maxPool } from './ops/max-pool.js';
import { patches } from './ops/patches.js';
import { explicitConv } from '../ir/im2col.js';
import { layerShapes, weightedLayerSizes, type ModelSpec } from '../ir/model-spec.js';
import { Rng } from '../util/rng.js';

/** One weighted layer's parameters: W is (fan-in x out); a convolution's fan-in is ordered (kh, kw, c). */
export interface WeightedLayer {
  layer: number;
  w: tf.Variable;
  b: tf.Variable;
}

/**
 * A network of dense, conv2d, max-pool and flatten layers. `forward` runs every weighted layer on its
 * arithmetic (exact float32 by default; per layer with a list). Weights start Glorot-uniform from a seeded
 * generator, so a seed gives the same network on every backend.
 */
export class Network {
  readonly weighted: WeightedLayer[] = [];
  private readonly shapes: number[][];

  constructor(
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.shapes = layerShapes(spec);
    const rng = new Rng(seed);
    const sizes = weightedLayerSizes(spec);
    spec.layers.forEach((l, i) => {
      if (l.kind !== 'dense' && l.kind !== 'conv2d') return;
      const { fanIn, outputs: out } = sizes[this.weighted.length]!;
      const fanOut = l.kind === 'dense' ? out : l.kernel * l.kernel * out;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = Float32Array.from({ length: fanIn * out }, () => (rng.nextU32() / 2 ** 32) * 2 * limit - limit);
      // In a tidy: the initial tensors are copied into the variables and would otherwise stay allocated.
      this.weighted.push(
        tf.tidy(() => ({ layer: i, w: tf.variable(tf.tensor2d(w, [fanIn, out]), true), b: tf.variable(tf.zeros([out]), true) })),
      );
    });
  }

  /**
   * Logits for a batch (n x input shape). `weights` replaces the layers' weight matrices (same order and
   * shapes as `weighted`), so the logits can be differentiated with respect to given tensors (AxTrain's
   * sensitivity needs dO/dW as a function of W). `x` is data: the logits are differentiable in the weights
   * and biases, not in x (the first weighted layer computes no input gradient).
   */
  forward(x: tf.Tensor, arithmetic?: ArithmeticPlan, weights?: tf.Tensor[]): tf.Tensor2D {
    let h = x;
    let k = 0;
    this.spec.layers.forEach((l, i) => {
      const inShape = i === 0 ? this.spec.input : this.shapes[i - 1]!;
      const n = h.shape[0]!;
      if (l.kind === 'flatten') h = tf.reshape(h, [n, -1]);
      else if (l.kind === 'maxpool') h = maxPool(h as tf.Tensor4D, l.size, reluBefore(this.spec, i));
      else {
        const p = this.weighted[k]!;
        const [wk, bk] = [(weights?.[k] ?? p.w) as tf.Tensor2D, p.b as tf.Tensor1D];
        const on = arithmeticAt(arithmetic, k);
        let y: tf.Tensor2D;
        if (l.kind === 'conv2d') {
          const x4 = tf.reshape(h, [n, inShape[0]!, inShape[1]!, inShape[2]!]) as tf.Tensor4D;
          // An explicit geometry (strides, other padding) runs on the patch op: the direct kernels take stride 1 only.
          const explicit = explicitConv(l);
          y =
            (explicit ? undefined : on.conv?.(x4, wk, bk, l.kernel, l.pad, k)) ??
            on.dense(patches(x4, l.kernel, l.kernel, l.pad, explicit).cols, wk, bk, k, k > 0);
        } else y = on.dense(h as tf.Tensor2D, wk, bk, k, k > 0);
        // A ReLU followed by max pooling runs inside the pooling (one backward kernel, the same bits).
        if (l.relu && !reluBefore(this.spec, i + 1)) y = tf.relu(y);
        h = l.kind === 'conv2d' ? tf.reshape(y, [n, ...this.shapes[i]!]) : y;
        k++;
      }
    });
    return h as tf.Tensor2D;
  }

  /** The weighted layers' float32 weights (fan-in x out, row-major) and biases, in order. */
  weightArrays(): { w: Float32Array; b: Float32Array }[] {
    return this.weighted.map((p) => ({ w: p.w.dataSync() as Float32Array, b: p.b.dataSync() as Float32Array }));
  }

  weights(): { name: string; shape: number[]; data: Float32Array }[] {
    return this.weighted.flatMap((p) => [
      { name: `w${p.layer}`, shape: p.w.shape, data: p.w.dataSync() as Float32Array },
      { name: `b${p.layer}`, shape: p.b.shape, data: p.b.dataSync() as Float32Array },
    ]);
  }

  setWeights(values: { name: string; data: Float32Array }[]): void {
    for (const p of this.weighted) {
      for (const [name, v] of [
        [`w${p.layer}`, p.w],
        [`b${p.layer}`, p.b],
      ] as const) {
        const src = values.find((s) => s.name === name);
        if (!src || src.data.length !== v.size)
          throw new AxhwError(
            `The model's layers need ${v.size} values for ${name}; its weights hold ${src ? src.data.length : 'none'}: ` +
              `model.json was edited, or belongs to other weights.`,
            'Use the model folder as `axhw train` wrote it, or retrain.',
          );
        v.assign(tf.tensor(src.data, v.shape));
      }
    }
  }

  dispose(): void {
    for (const p of this.weighted) {
      p.w.dispose();
      p.b.dispose();
    }
  }
}

/** Whether layer i is a max pooling right after a layer with ReLU (which the pooling then applies). */
function reluBefore(spec: ModelSpec, i: number): boolean {
  const [prev, layer] = [spec.layers[i - 1], spec.layers[i]];
  return layer?.kind === 'maxpool' && prev !== undefined && prev.kind !== 'maxpool' && prev.kind !== 'flatten' && prev.relu;
}
