import { initBackend } from '../nn/backend.js';
import type { RawParams } from '../gen/params.js';
import { Network } from '../nn/network.js';
import { loadTrainedModel } from '../evaluate/model-data.js';
import type { PreparedData } from '../data/prepare.js';
import { fixedHardware, resolveHardware } from '../nn/hardware.js';
import { multiplierFromDesign } from '../multipliers/fixed-multiplier.js';
import { externalDesign } from '../external/design.js';
import type { Design } from '../gen/design.js';
import { FixedArithmetic } from '../nn/fixed-arithmetic.js';
import { calibrate } from '../evaluate/calibrate.js';
import { quantisedNetworkOf } from '../nn/to-ir.js';
import type { QuantisedNetwork } from '../ir/quantised-network.js';
import type { NtvStorage } from '../arith/stored-weights.js';
import { MAX_ACC_BITS, peFormat } from '../gen/units/pe.js';
import { resolveUnitSpec } from '../gen/unit-spec.js';
import { generateDesign } from '../gen/generate.js';
import { AxhwError } from '../errors.js';
import { compileNetwork } from '../npu/compile.js';
import { npuDesign, sizeNpuFor, type NpuSizing, type SecondMultiplier } from '../npu/sizing.js';
import { networkTarget, type NpuTarget } from '../npu/target.js';
import { bestSplit } from '../npu/placement.js';

export type { NpuSizing } from '../npu/sizing.js';

export interface NpuForModel {
  net: Network;
  data: PreparedData;
  /** The network as the hardware runs it (frozen input exponents; exact sums). */
  q: QuantisedNetwork;
  inputExps: number[];
  /** The network on an NPU sized for it: design, geometry, spec, compiled program and images, reference outputs. */
  target: NpuTarget;
  /** The PEs' multiplier as the PE names it (`--multiplier` spec, or `rtl:<top>`). */
  multSpec: string;
  /** Quantise again with NTV flips drawn into the stored codes. */
  withNtv(ntv: NtvStorage): QuantisedNetwork;
}

/** A trained model quantised for a PE's integer multiplier: what every fixed-point hardware back end reads. */
export interface QuantisedModel {
  net: Network;
  data: PreparedData;
  /** The network as the hardware runs it (frozen input exponents; exact sums). */
  q: QuantisedNetwork;
  inputExps: number[];
  /** The multiplier's design (registry operator or the user's Verilog). */
  child: Design;
  /** The multiplier as the PE names it (`--multiplier` spec, or `rtl:<top>`). */
  multSpec: string;
  /** The second multiplier of marked neurons. */
  second?: SecondMultiplier;
  /** Quantise again with NTV flips drawn into the stored codes. */
  withNtv(ntv: NtvStorage): QuantisedNetwork;
}

export interface ModelSource {
  modelDir: string;
  mult?: string;
  /** Neurons on a second multiplier (a registry operator of the first's number format): per weighted layer, a mask over its outputs. */
  approx?: { mult: string; masks: Uint8Array[] };
  rtl?: { files: string[]; top: string };
  dataPath?: string;
  log?: (m: string) => void;
}

/**
 * A trained model (axhw train's folder) for a PE with this multiplier: the data, the calibration (the
 * training run's when it was made for this very RTL, else measured on the training split) and the
 * quantised network.
 */
export async function quantisedModel(o: ModelSource): Promise<QuantisedModel> {
  if ((o.mult === undefined) === (o.rtl === undefined))
    throw new AxhwError(
      o.mult === undefined ? 'No multiplier given for the PEs.' : 'Give the PEs one multiplier: --multiplier or --rtl, not both.',
      'Use --multiplier <unit:params> (a registry operator) or --rtl <file.v> --top <module> (your own Verilog).',
    );
  await initBackend();
  const { file, weights, data } = loadTrainedModel(o.modelDir, o.dataPath);
  const net = new Network(file.model, 0);
  net.setWeights(weights);
  // The PE's rules first (a plain integer multiplier), before its table is read from the RTL.
  const spec = o.mult === undefined ? undefined : resolveUnitSpec(o.mult);
  const child = spec ? generateDesign(spec.unit, spec.params) : await externalDesign({ rtl: o.rtl!.files, top: o.rtl!.top });
  peFormat(child, MAX_ACC_BITS);
  const hw = spec
    ? await resolveHardware({ multiplier: o.mult, path: 'table', log: o.log })
    : fixedHardware(await multiplierFromDesign(child, { log: o.log }), 'table', 'requested');
  if (!hw?.fixed)
    throw new AxhwError(
      `${o.mult} is not a fixed-point multiplier; the NPU's PEs multiply integer codes.`,
      'Use e.g. --multiplier drum:width=8,k=4,signed or exact-mul:width=8,signed.',
    );
  const second = o.approx ? await secondMultiplier(o.approx.mult, o.log) : undefined;
  const base = new FixedArithmetic({
    mult: hw.fixed,
    path: 'table',
    ...(second ? { neurons: { approx: second.fixed, masks: o.approx!.masks } } : {}),
  });
  // The training run's calibration holds for the one multiplier it ran on; mixed neurons are calibrated here.
  const inputExps =
    file.calibration && file.calibration.rtlHash === hw.rtlHash && !second ? file.calibration.inputExps : calibrate(net, data.train, base);
  const frozen = base.with({ inputExps });
  const q = quantisedNetworkOf(net, frozen, inputExps);
  if (child.rtlHash !== hw.rtlHash)
    throw new AxhwError(
      `The NPU's multiplier RTL differs from the table the network was quantised with (${child.top}).`,
      'This is a bug in axhw: please report it with the command you ran.',
    );
  return {
    net,
    data,
    q,
    inputExps,
    child,
    multSpec: o.mult ?? `rtl:${o.rtl!.top}`,
    ...(second ? { second: { spec: o.approx!.mult, design: second.design } } : {}),
    withNtv: (ntv) => quantisedNetworkOf(net, frozen, inputExps, ntv),
  };
}

/** The second multiplier of marked neurons: a registry operator, its table read from the RTL. */
async function secondMultiplier(spec: string, log?: (m: string) => void) {
  const r = resolveUnitSpec(spec);
  const design = generateDesign(r.unit, r.params);
  peFormat(design, MAX_ACC_BITS);
  const hw = await resolveHardware({ multiplier: spec, path: 'table', log });
  if (!hw?.fixed)
    throw new AxhwError(`${spec} is not a fixed-point multiplier; the NPU's PEs multiply integer codes.`, 'Use e.g. drum:width=8,k=2.');
  return { design, fixed: hw.fixed };
}

/** A trained model on an NPU with this multiplier: the quantised model and an NPU sized for it. */
export async function npuForModel(o: ModelSource & { sizing: NpuSizing }): Promise<NpuForModel> {
  return npuForQuantised(await quantisedModel(o), o.sizing);
}

/** An NPU sized for a quantised model (quantisedModel's, whose calibration can then serve more than one use). */
export function npuForQuantised(m: QuantisedModel, sizing: NpuSizing): NpuForModel {
  // A heterogeneous NPU without a stated split: the PEs on each multiplier that give the fewest MAC cycles.
  const stated = sizing.apes !== undefined || Boolean(sizing.amask);
  const s = m.second && !stated ? { ...sizing, apes: bestSplit(m.q, sizing.P).apes } : sizing;
  const target = networkTarget(m.q, npuDesign(sizeNpu(m.q, m.multSpec, s, m.child, m.second), m.child, m.second?.design));
  return { net: m.net, data: m.data, q: m.q, inputExps: m.inputExps, target, multSpec: m.multSpec, withNtv: m.withNtv };
}

/** NPU parameters for a network on this multiplier: depths from a trial compile on unbounded memories, unless given. */
export function sizeNpu(q: QuantisedNetwork, mult: string, s: NpuSizing, child: Design, second?: SecondMultiplier): RawParams {
  return sizeNpuFor(
    (geo) => compileNetwork(q, geo),
    q.layers.map((l) => l.exactAccumulatorBits),
    mult,
    s,
    child,
    {},
    second,
  );
}
