import type { Design } from '../gen/design.js';
import type { RawParams } from '../gen/params.js';
import { generateModule } from '../gen/generate-module.js';
import { getModule, resolveModule } from '../gen/registry.js';
import { npuGeometry, type NpuMemoryRole } from '../gen/units/npu.js';
import type { MemoryKind } from '../gen/memory-kind.js';
import { formatUnitSpec } from '../gen/unit-spec.js';
import { markedPes, type NpuGeometry } from '../models/npu-model.js';
import type { CompiledNetwork } from './compile.js';
import type { NpuHardware } from './target.js';

/** NPU parameters a user may set; the memory depths default to what the network needs. */
export interface NpuSizing {
  P: number;
  acc?: number;
  wdepth?: number;
  bdepth?: number;
  adepth?: number;
  pdepth?: number;
  /** The kind of each memory role (unit parameters; the default where absent). */
  memory?: Partial<Record<NpuMemoryRole, MemoryKind>>;
  /** PEs on the second multiplier (a heterogeneous NPU; the model source names the multiplier). */
  apes?: number;
  /** Which PEs those are, a digit per PE, PE 0 first (the npu unit's amask; apes, where absent, counts its 1s). */
  amask?: string;
}

/** The second multiplier of a heterogeneous NPU: its spec and design. */
export interface SecondMultiplier {
  spec: string;
  design: Design;
}

/**
 * NPU parameters for what `compile` runs on this multiplier: accumulators wide enough for exact sums (at
 * least 32 bits), memory depths from a trial compile on unbounded memories, unless given; `extra` adds
 * generation parameters (hadamard).
 */
export function sizeNpuFor(
  compile: (geo: NpuGeometry) => CompiledNetwork,
  exactAccumulatorBits: number[],
  mult: string,
  s: NpuSizing,
  child: Design,
  extra: RawParams = {},
  second?: SecondMultiplier,
): RawParams {
  const acc = s.acc ?? Math.max(32, ...exactAccumulatorBits);
  const hetero = second ? { approx: second.spec, apes: s.apes ?? markedPes(s.amask ?? ''), ...(s.amask ? { amask: s.amask } : {}) } : {};
  const { params } = resolveModule('npu', {
    mult,
    ...hetero,
    p: s.P,
    acc,
    wdepth: 1 << 20,
    bdepth: 1 << 16,
    adepth: 1 << 22,
    pdepth: 1 << 12,
    ...extra,
  });
  const trial = compile(npuGeometry(params, child, second?.design));
  return {
    mult,
    ...hetero,
    p: s.P,
    acc,
    wdepth: s.wdepth ?? Math.max(2, trial.weights[0]!.length),
    bdepth: s.bdepth ?? Math.max(2, trial.biases[0]!.length),
    adepth: s.adepth ?? Math.max(2, trial.activationWords),
    pdepth: s.pdepth ?? Math.max(10, trial.words.length),
    ...s.memory,
    ...extra,
  };
}

/** The NPU with these parameters on this multiplier (and a second one): its design, geometry, and unit spec (the parameters as given). */
export function npuDesign(params: RawParams, child: Design, second?: Design): NpuHardware {
  const { unit, params: p } = resolveModule('npu', params);
  return {
    design: generateModule(getModule('npu'), p, second ? { mult: child, approx: second } : { mult: child }),
    geo: npuGeometry(p, child, second),
    spec: formatUnitSpec(unit.name, params),
  };
}
