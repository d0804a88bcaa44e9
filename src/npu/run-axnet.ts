import type { QuantisedAxnet } from '../ir/quantised-axnet.js';
import { axnetReference } from '../infer/axnet-reference.js';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { NpuGeometry } from '../models/npu-model.js';
import type { ModuleCostOptions } from '../synth/module-cost.js';
import { compileAxnet, type AxnetCompileFaults } from './compile-axnet.js';
import type { CompiledNetwork } from './compile.js';
import { runCompiledOnNpu, type ExpectedOutputs, type NpuRunOptions, type NpuRunResult } from './run.js';
import { costCompiledNpu, type NpuCost } from './cost.js';
import type { Design } from '../gen/design.js';
import { npuDesign, sizeNpuFor } from './sizing.js';

/** Per sample and program layer, what the NPU must write: the integer reference's stages, in program order. */
export function axnetExpected(q: QuantisedAxnet): ExpectedOutputs {
  return (x, m) => {
    const { stages } = axnetReference(q, x, m);
    return Array.from({ length: m }, (_, s) => stages.map((st) => st.data.subarray(s * st.outputs, (s + 1) * st.outputs)));
  };
}

export interface AxnetNpuResult extends NpuRunResult {
  /** H(x) from the streamed accumulators (n x outputs, scaled) and the predictor's decisions, as the NPU computed them. */
  h: Float64Array;
  predictedSafe: Uint8Array;
}

/**
 * An AXNet framework on the NPU (with the Hadamard step): every stage of every sample compared with the
 * integer reference, cycles measured; H(x) and the safe / unsafe decisions read from the out-stream
 * (2 logits, then the approximator's outputs).
 */
export async function runAxnetOnNpu(
  q: QuantisedAxnet,
  design: ModuleDesign,
  geo: NpuGeometry,
  x: Float32Array,
  n: number,
  o: NpuRunOptions & { faults?: AxnetCompileFaults } = {},
): Promise<AxnetNpuResult> {
  const compiled = compileAxnet(q, geo, o.faults);
  const h = new Float64Array(n * q.outputs);
  const predictedSafe = new Uint8Array(n);
  const accExp = compiled.layers.at(-1)!.accExp!;
  const r = await runCompiledOnNpu(compiled, axnetExpected(q), design, geo, x, n, o, (s, words) => {
    predictedSafe[s] = +(words[1]! > words[0]!);
    for (let j = 0; j < q.outputs; j++) h[s * q.outputs + j] = words[2 + j]! * 2 ** accExp;
  });
  return { ...r, h, predictedSafe };
}

/** Area and energy per invocation of the framework on the gate-level NPU (`n` samples, outputs checked). */
export async function axnetNpuCost(
  q: QuantisedAxnet,
  design: ModuleDesign,
  geo: NpuGeometry,
  x: Float32Array,
  n: number,
  o: ModuleCostOptions = {},
): Promise<NpuCost & { compiled: CompiledNetwork }> {
  const compiled = compileAxnet(q, geo);
  return { ...(await costCompiledNpu(compiled, axnetExpected(q), design, geo, x, n, o)), compiled };
}

/** An NPU with the Hadamard step for this framework: P PEs, memories sized by a trial compile, accumulators wide enough for exact sums. */
export function axnetNpu(
  q: QuantisedAxnet,
  mult: string,
  child: Design,
  P: number,
): { design: ModuleDesign; geo: NpuGeometry; spec: string } {
  const exact = [...q.predictor, ...q.approximator].map((l) => l.exactAccumulatorBits);
  return npuDesign(
    sizeNpuFor((geo) => compileAxnet(q, geo), exact, mult, { P }, child, { hadamard: true }),
    child,
  );
}
