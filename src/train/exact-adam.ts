import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../nn/backend.js';
import { owned, valuesOf } from '../nn/ops/registered.js';
import { packageRoot } from '../paths.js';

/**
 * Adam as TensorFlow.js's AdamOptimizer computes it, bit for bit, in one pass per variable instead of
 * some fifteen tensor ops (each with its own scalar tensors): the step cost about 1 ms of a LeNet-5 step
 * and a quarter of an MLP step. Every operation is the float32 operation TensorFlow.js applies, in the
 * same order (Math.fround after each: a float32 sum, product, quotient or square root computed in double
 * and rounded once is the float32 result), with the same constants: beta1, beta2, 1 - beta1, 1 - beta2,
 * epsilon and -learningRate rounded to float32, and beta1^t, beta2^t kept as float32 products.
 *
 *   m = m * b1 + g * (1 - b1);  v = v * b2 + g^2 * (1 - b2)
 *   w = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) * -lr + w;  b1^t *= b1;  b2^t *= b2
 *
 * The pass runs in WebAssembly SIMD (wasm/adam.wat, the moments kept in its memory) where that loads, else
 * in JavaScript; both are tested against TensorFlow.js's optimizer and each other.
 */
export class ExactAdam extends tf.Optimizer {
  static get className() {
    return 'ExactAdam';
  }

  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  private readonly c: Omit<Constants, 'bc1' | 'bc2'>;
  private accB1: number;
  private accB2: number;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    const f = Math.fround;
    this.c = {
      b1: f(beta1),
      b2: f(beta2),
      oneMinusB1: f(1 - beta1),
      oneMinusB2: f(1 - beta2),
      eps: f(epsilon ?? tf.backend().epsilon()),
      minusLr: f(-learningRate),
    };
    [this.accB1, this.accB2] = [this.c.b1, this.c.b2];
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const f = Math.fround;
    const constants = { ...this.c, bc1: f(1 - this.accB1), bc2: f(1 - this.accB2) };
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    for (const { name, tensor: gradient } of named) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name]!;
      // Views of the backend's memory where it allows (copied into the kernel's before anything runs).
      const w = valuesOf(variable) as Float32Array;
      const next = this.step(name, w, valuesOf(gradient) as Float32Array, constants);
      tf.tidy(() => variable.assign(tf.tensor(owned(next), variable.shape)));
    }
    this.accB1 = f(this.accB1 * this.c.b1);
    this.accB2 = f(this.accB2 * this.c.b2);
    this.incrementIterations();
  }

  private readonly kernel = adamKernel();
  /** Byte offsets of every variable's m and v in the kernel's memory, and the end of them. */
  private readonly at = new Map<string, { m: number; v: number }>();
  private top = 0;

  /** One variable's new weights (a view into the kernel's memory); its moments are updated in place. */
  private step(name: string, w: Float32Array, g: Float32Array, k: Constants): Float32Array {
    if (!this.kernel) {
      let s = this.moments.get(name);
      if (!s) this.moments.set(name, (s = { m: new Float32Array(w.length), v: new Float32Array(w.length) }));
      return adamStep(w, g, s.m, s.v, k);
    }
    const bytes = 16 * Math.ceil(w.length / 4);
    let at = this.at.get(name);
    if (!at) {
      this.at.set(name, (at = { m: this.top, v: this.top + bytes }));
      this.top += 2 * bytes;
      this.ensure(this.top);
      // Fresh pages are zero; reused ones (a variable first seen after another grew) are zeroed here.
      new Float32Array(this.kernel.memory.buffer, at.m, 2 * (bytes / 4)).fill(0);
    }
    const [wa, ga] = [this.top, this.top + bytes];
    this.ensure(ga + bytes);
    const mem = new Float32Array(this.kernel.memory.buffer);
    mem.set(w, wa / 4);
    mem.set(g, ga / 4);
    this.kernel.adam(wa, ga, at.m, at.v, w.length, k.b1, k.b2, k.oneMinusB1, k.oneMinusB2, k.bc1, k.bc2, k.eps, k.minusLr);
    return mem.subarray(wa / 4, wa / 4 + w.length);
  }

  private ensure(bytes: number): void {
    const have = this.kernel!.memory.buffer.byteLength;
    if (bytes > have) this.kernel!.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.c.eps };
  }

  override dispose(): void {
    this.moments.clear();
  }
}

/** The step's float32 constants: bc1 = 1 - b1^t and bc2 = 1 - b2^t at this step. */
interface Constants {
  b1: number;
  b2: number;
  oneMinusB1: number;
  oneMinusB2: number;
  bc1: number;
  bc2: number;
  eps: number;
  minusLr: number;
}

/** The step in JavaScript (the kernel's fallback and second statement): new weights; m and v in place. */
export function adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: Constants): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * k.b1) + f(gi * k.oneMinusB1));
    const vi = f(f(v[i]! * k.b2) + f(f(gi * gi) * k.oneMinusB2));
    m[i] = mi;
    v[i] = vi;
    out[i] = f(f(f(mi / k.bc1) / f(f(Math.sqrt(f(vi / k.bc2))) + k.eps)) * k.minusLr) + w[i]!;
  }
  return out;
}

interface AdamKernel {
  memory: WebAssembly.Memory;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    b1: number,
    b2: number,
    omb1: number,
    omb2: number,
    bc1: number,
    bc2: number,
    eps: number,
    mlr: number,
  ): void;
}

export const ADAM_KERNEL_FILE = join(packageRoot, 'dist', 'wasm', 'adam.wasm');
let module: WebAssembly.Module | null | undefined;

/** A fresh instance of the kernel (its own memory, for one optimiser's moments), or undefined. */
function adamKernel(): AdamKernel | undefined {
  if (module === undefined) module = existsSync(ADAM_KERNEL_FILE) ? new WebAssembly.Module(readFileSync(ADAM_KERNEL_FILE)) : null;
  return module ? (new WebAssembly.Instance(module).exports as unknown as AdamKernel) : undefined;
}
