import { axnetGraph, type QuantisedAxnet } from '../ir/quantised-axnet.js';
import { graphAccumulatorBits } from '../ir/quantised-graph.js';
import type { Design } from '../gen/design.js';
import { compileGraph, type CompileFaults } from './compile.js';
import { runOnNpu, type NpuRunOptions, type NpuRunResult } from './run.js';
import { npuDesign, sizeNpuFor } from './sizing.js';
import { graphTarget, type NpuHardware, type NpuTarget } from './target.js';

/** An AXNet framework's graph compiled for an NPU with the Hadamard step, its integer reference as the expected outputs. */
export function axnetTarget(q: QuantisedAxnet, hw: NpuHardware, faults?: CompileFaults): NpuTarget {
  return graphTarget(axnetGraph(q), hw, faults);
}

export interface AxnetNpuResult extends NpuRunResult {
  /** H(x) from the streamed accumulators (n x outputs, scaled) and the predictor's decisions, as the NPU computed them. */
  h: Float64Array;
  predictedSafe: Uint8Array;
}

/**
 * An AXNet framework on the NPU (the one runner, every stage of every sample compared with the integer
 * reference), with H(x) and the safe / unsafe decisions read from the out-stream: 2 logits, then the
 * approximator's outputs.
 */
export async function runAxnetOnNpu(t: NpuTarget, x: Float32Array, n: number, o: NpuRunOptions = {}): Promise<AxnetNpuResult> {
  const out = t.compiled.layers.at(-1)!;
  const h = new Float64Array(n * out.outputs);
  const predictedSafe = new Uint8Array(n);
  const r = await runOnNpu(t, x, n, o, (s, words) => {
    predictedSafe[s] = +(words[1]! > words[0]!);
    for (let j = 0; j < out.outputs; j++) h[s * out.outputs + j] = words[2 + j]! * 2 ** out.accExp!;
  });
  return { ...r, h, predictedSafe };
}

/** An NPU with the Hadamard step for this framework: P PEs, memories sized by a trial compile, accumulators wide enough for exact sums. */
export function axnetNpu(q: QuantisedAxnet, mult: string, child: Design, P: number): NpuHardware {
  const g = axnetGraph(q);
  return npuDesign(
    sizeNpuFor((geo) => compileGraph(g, geo), [graphAccumulatorBits(g)], mult, { P }, child, { hadamard: true }),
    child,
  );
}
