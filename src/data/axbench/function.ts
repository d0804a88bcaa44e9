import { Rng } from '../../util/rng.js';

/**
 * An AxBench-style target function for neural approximation: the exact kernel, a seeded generator of its
 * inputs, and the scaling that puts inputs and outputs on [0, 1] (what the networks see). The
 * per-sample error is the mean absolute difference over the scaled outputs (a share of each output's
 * stated range); a sample is safe to approximate when that error is below the function's bound.
 */
export interface TargetFunction {
  name: string;
  /** One line: what the kernel computes, in its own units. */
  doc: string;
  inputs: number;
  outputs: number;
  /** The input domain in the kernel's units, stated for reports. */
  inputRanges: string;
  /** How outputs map to [0, 1], stated for reports. */
  outputScaling: string;
  /**
   * Error bound on the per-sample error (scaled outputs). Set once by one rule, the same for every
   * function: the median test error of the onepass approximator at the full budget (10,000 samples,
   * 30 epochs, seed 1), to one significant digit, so the baseline sits near 50% invocation and a method
   * can be seen to gain or lose. (AxBench's application-level metrics do not give per-invocation bounds.)
   */
  errorBound: number;
  /** Baseline approximator hidden layers (AxBench / AXNet topologies) and predictor hidden layer. */
  approximatorHidden: number[];
  predictorHidden: number;
  /** n samples: scaled inputs (n x inputs) and scaled exact outputs (n x outputs), row-major. */
  generate(n: number, seed: number): { x: Float32Array; y: Float32Array };
}

/** A uniform double in [0, 1) with 53 random bits. */
export function uniform(rng: Rng): number {
  return (rng.nextBits(26) * 2 ** 27 + rng.nextBits(27)) / 2 ** 53;
}

/** Per-sample error: mean |h - y| over the outputs of each sample (rows of `outputs` values). */
export function sampleErrors(h: Float32Array, y: Float32Array, outputs: number): Float64Array {
  const n = y.length / outputs;
  const err = new Float64Array(n);
  // Stryker disable next-line EqualityOperator: one row past the end writes nowhere (typed arrays)
  for (let s = 0; s < n; s++) {
    let e = 0;
    for (let j = 0; j < outputs; j++) e += Math.abs(h[s * outputs + j]! - y[s * outputs + j]!);
    err[s] = e / outputs;
  }
  return err;
}

/** Fill n rows of `inputs` scaled values and `outputs` scaled results from a per-sample draw. */
export function tabulate(
  n: number,
  inputs: number,
  outputs: number,
  seed: number,
  draw: (rng: Rng, x: Float32Array, y: Float32Array) => void,
): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * inputs);
  const y = new Float32Array(n * outputs);
  // Stryker disable next-line EqualityOperator: a draw past the end fills empty views
  for (let s = 0; s < n; s++) draw(rng, x.subarray(s * inputs, (s + 1) * inputs), y.subarray(s * outputs, (s + 1) * outputs));
  return { x, y };
}
