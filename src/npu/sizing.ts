import type { Design } from '../gen/design.js';
import type { RawParams } from '../gen/params.js';
import { generateModule } from '../gen/generate-module.js';
import { getModule, resolveModule } from '../gen/registry.js';
import { npuGeometry, type NpuMemoryRole } from '../gen/units/npu.js';
import type { MemoryKind } from '../gen/memory-kind.js';
import { formatUnitSpec } from '../gen/unit-spec.js';
import type { NpuGeometry } from '../models/npu-model.js';
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
): RawParams {
  const acc = s.acc ?? Math.max(32, ...exactAccumulatorBits);
  const { params } = resolveModule('npu', {
    mult,
    p: s.P,
    acc,
    wdepth: 1 << 20,
    bdepth: 1 << 16,
    adepth: 1 << 22,
    pdepth: 1 << 12,
    ...extra,
  });
  const trial = compile(npuGeometry(params, child));
  return {
    mult,
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

/** The NPU with these parameters on this multiplier: its design, geometry, and unit spec (the parameters as given). */
export function npuDesign(params: RawParams, child: Design): NpuHardware {
  const { unit, params: p } = resolveModule('npu', params);
  return {
    design: generateModule(getModule('npu'), p, { mult: child }),
    geo: npuGeometry(p, child),
    spec: formatUnitSpec(unit.name, params),
  };
}
