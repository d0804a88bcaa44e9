import type { QuantisedNetwork } from '../ir/quantised-network.js';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { NpuGeometry } from '../models/npu-model.js';
import { referenceInference } from '../infer/reference.js';
import { quantiseValue } from '../arith/fixed-point.js';
import { compileNetwork, type CompiledNetwork, type CompileFaults } from './compile.js';

/** A generated NPU: its design, geometry, and unit spec (`npu:mult=...,p=16,...`, the parameters as given). */
export interface NpuHardware {
  design: ModuleDesign;
  geo: NpuGeometry;
  spec: string;
}

/** What the NPU must write for m samples: per sample and program layer, its codes or streamed accumulators. */
export type ExpectedOutputs = (x: Float32Array, m: number) => Float64Array[][];

/**
 * A network on an NPU, built once: the hardware, the compiled program and memory images, and what the NPU
 * must write for any samples (the integer reference, per program layer). Run, cost, the operand trace,
 * compile's output and the demo all read this one value; none of them compiles again.
 */
export interface NpuTarget extends NpuHardware {
  compiled: CompiledNetwork;
  expected: ExpectedOutputs;
}

/** A quantised network compiled for this NPU, with its integer reference as the expected outputs. */
export function networkTarget(q: QuantisedNetwork, hw: NpuHardware, faults?: CompileFaults): NpuTarget {
  const compiled = compileNetwork(q, hw.geo, faults);
  return { design: hw.design, geo: hw.geo, spec: hw.spec, compiled, expected: referenceCodes(q, compiled) };
}

/** Per sample and program layer, what the NPU must write: codes at the layer's output exponent, or the last layer's accumulators. */
function referenceCodes(q: QuantisedNetwork, compiled: CompiledNetwork): ExpectedOutputs {
  const { qmin, qmax } = q.mult;
  const byModelLayer = new Map(compiled.layers.map((l, i) => [l.modelLayer, i]));
  return (x, m) => {
    const out: Float64Array[][] = Array.from({ length: m }, () => []);
    referenceInference(q, x, m, (layer, values) => {
      const li = byModelLayer.get(layer);
      if (li === undefined) return;
      const entry = compiled.layers[li]!;
      const per = values.length / m;
      for (let s = 0; s < m; s++) {
        const v = values.subarray(s * per, (s + 1) * per);
        out[s]![li] =
          entry.codeExp !== undefined ? v.map((z) => quantiseValue(z, entry.codeExp!, qmin, qmax)) : v.map((z) => z / 2 ** entry.accExp!);
      }
    });
    return out;
  };
}
