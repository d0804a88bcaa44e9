import type { QuantisedNetwork } from '../ir/quantised-network.js';
import { networkGraph, type QuantisedGraph } from '../ir/quantised-graph.js';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { NpuGeometry } from '../models/npu-model.js';
import { graphReference } from '../infer/graph-reference.js';
import { placeNeurons } from './placement.js';
import { compileGraph, type CompiledNetwork, type CompileFaults } from './compile.js';

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

/** A network's graph (a plain network's, or an AXNet framework's) compiled for this NPU, its integer reference as the expected outputs. */
export function graphTarget(g: QuantisedGraph, hw: NpuHardware, faults?: CompileFaults): NpuTarget {
  const compiled = compileGraph(g, hw.geo, faults);
  return { design: hw.design, geo: hw.geo, spec: hw.spec, compiled, expected: referenceWrites(g, compiled) };
}

/** A quantised network placed (placement.ts) and compiled for this NPU, with its integer reference as the expected outputs. */
export function networkTarget(q: QuantisedNetwork, hw: NpuHardware, faults?: CompileFaults): NpuTarget {
  return graphTarget(networkGraph(placeNeurons(q, hw.geo.P, hw.geo)), hw, faults);
}

/** Per sample and program layer, what the NPU must write: the reference's value of the step it runs (codes, or streamed accumulators). */
function referenceWrites(g: QuantisedGraph, compiled: CompiledNetwork): ExpectedOutputs {
  return (x, m) => {
    const values = graphReference(g, x, m);
    const written = compiled.writes.map((v) => values.get(v)!);
    return Array.from({ length: m }, (_, s) => written.map((v) => Float64Array.from(v.data.subarray(s * v.size, (s + 1) * v.size))));
  };
}
