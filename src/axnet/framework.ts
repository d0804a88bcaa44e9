import { tf } from '../nn/backend.js';
import { Network } from '../nn/network.js';
import { mlp } from '../ir/model-spec.js';
import type { LayerArithmetic } from '../nn/arithmetic.js';
import { exactArithmetic } from '../nn/arithmetic.js';
import { sampleErrors } from '../data/axbench/function.js';
import { hadamardOn, type Hadamard } from './hadamard.js';
import { predictorOutputs, type Topology } from './topology.js';

/** The hardware a framework's forward pass runs on: the layers' arithmetic and the Hadamard product. */
export interface ForwardHardware {
  arithmetic: LayerArithmetic;
  hadamard: Hadamard;
}

export const EXACT: ForwardHardware = { arithmetic: exactArithmetic, hadamard: hadamardOn() };

/**
 * An approximator and a predictor (seeded Glorot weights). With `connect` (AXNet), the predictor's
 * output layer is split into the control vectors of the connected approximator hidden layers and the
 * 2 logits, and a connected layer passes a(i) . c(i) on: a(i+1) = f(W(i)^T (a(i) . c(i)) + b(i)) (eq. 4).
 * Without it, the two networks are independent (onepass, iterative). Weighted layers are numbered
 * approximator first, then predictor, for the arithmetic.
 */
export class Framework {
  readonly approximator: Network;
  readonly predictor: Network;

  constructor(
    readonly topology: Topology,
    seed: number,
  ) {
    const t = topology;
    this.approximator = new Network(mlp('approximator', [t.inputs], [...t.approximatorHidden, t.outputs]), seed);
    this.predictor = new Network(mlp('predictor', [t.inputs], [t.predictorHidden, predictorOutputs(t)]), seed + 1);
    // Control vectors start near 1 (their biases at 1, the weights small): the approximator begins as a
    // plain MLP instead of one whose hidden activations are all multiplied by about zero.
    const controls = predictorOutputs(t) - 2;
    if (controls > 0) {
      const out = this.predictor.weighted.at(-1)!.b;
      tf.tidy(() => out.assign(tf.concat([tf.ones([controls]), tf.zeros([2])])));
    }
  }

  approximatorVariables(): tf.Variable[] {
    return this.approximator.weighted.flatMap((l) => [l.w, l.b]);
  }

  predictorVariables(): tf.Variable[] {
    return this.predictor.weighted.flatMap((l) => [l.w, l.b]);
  }

  /** The predictor's raw outputs (n x outputs): control vectors, then logits. */
  private predictorOutput(x: tf.Tensor2D, hw: ForwardHardware): tf.Tensor2D {
    let h = x;
    const base = this.approximator.weighted.length;
    this.predictor.weighted.forEach((l, k) => {
      h = hw.arithmetic.dense(h, l.w as tf.Tensor2D, l.b as tf.Tensor1D, base + k, k > 0);
      if (k < this.predictor.weighted.length - 1) h = tf.relu(h);
    });
    return h;
  }

  /** Safe / unsafe logits (n x 2; column 1 is "safe"). */
  logits(x: tf.Tensor2D, hw: ForwardHardware = EXACT): tf.Tensor2D {
    const out = this.predictorOutput(x, hw);
    const w = out.shape[1];
    return w === 2 ? out : tf.slice(out, [0, w - 2], [-1, 2]);
  }

  /** H(x) and the logits in one pass (AXNet needs the predictor's control vectors for H). */
  forward(x: tf.Tensor2D, hw: ForwardHardware = EXACT): { h: tf.Tensor2D; logits: tf.Tensor2D } {
    const out = this.predictorOutput(x, hw);
    const controls = new Map<number, tf.Tensor2D>();
    let at = 0;
    for (const l of this.topology.connect ?? []) {
      const width = this.topology.approximatorHidden[l - 1]!;
      controls.set(l, tf.slice(out, [0, at], [-1, width]));
      at += width;
    }
    return { h: this.approximatorOutput(x, hw, controls), logits: controls.size ? tf.slice(out, [0, at], [-1, 2]) : out };
  }

  /** H(x) alone: without control vectors (onepass, iterative) the predictor is not run. */
  approximate(x: tf.Tensor2D, hw: ForwardHardware = EXACT): tf.Tensor2D {
    return this.topology.connect?.length ? this.forward(x, hw).h : this.approximatorOutput(x, hw, new Map());
  }

  /** The approximator's layers, a(i) . c(i) after each hidden layer i with a control vector. */
  private approximatorOutput(x: tf.Tensor2D, hw: ForwardHardware, controls: Map<number, tf.Tensor2D>): tf.Tensor2D {
    let a = x;
    const layers = this.approximator.weighted;
    layers.forEach((l, k) => {
      a = hw.arithmetic.dense(a, l.w as tf.Tensor2D, l.b as tf.Tensor1D, k, k > 0);
      if (k < layers.length - 1) {
        a = tf.relu(a);
        const c = controls.get(k + 1);
        if (c) a = hw.hadamard(a, c);
      }
    });
    return a;
  }

  /** H(x) of every sample, per-sample errors against y, and the predictor's decisions, in one batch. */
  evaluate(
    x: Float32Array,
    y: Float32Array,
    n: number,
    hw: ForwardHardware = EXACT,
  ): { h: Float32Array; errors: Float64Array; predictedSafe: Uint8Array } {
    const t = this.topology;
    let h: Float32Array = new Float32Array(0);
    let safe: Float32Array = new Float32Array(0);
    // Read inside and return nothing: tidy walks what it returns, a typed array element by element.
    tf.tidy(() => {
      const r = this.forward(tf.tensor2d(x, [n, t.inputs]), hw);
      [h, safe] = [r.h.dataSync() as Float32Array, r.logits.dataSync() as Float32Array];
    });
    const predictedSafe = Uint8Array.from({ length: n }, (_, i) => +(safe[2 * i + 1]! > safe[2 * i]!));
    return { h, errors: sampleErrors(h, y, t.outputs), predictedSafe };
  }

  dispose(): void {
    this.approximator.dispose();
    this.predictor.dispose();
  }
}
