import { AxhwError } from '../errors.js';
import type { LayerArithmetic } from './arithmetic.js';
import { resolveUnitSpec } from '../gen/unit-spec.js';
import { multiplierFromTableFile, multiplierFromUnit, type ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { floatMultiplierFromUnit, type FloatMultiplier } from '../multipliers/float-multiplier.js';
import { FixedArithmetic, type ProductPath } from './fixed-arithmetic.js';
import { FloatArithmetic } from './float-arithmetic.js';
import type { NtvStorage } from '../arith/stored-weights.js';

/**
 * The hardware a run uses, resolved from a unit spec or a table file (both read from the RTL): what it
 * is, and the layer arithmetic it gives. Fixed-point hardware also stores weights as integer codes
 * (NTV, calibration, the quantised network and the integer reference need that); float hardware (fpmul)
 * keeps float32 values.
 */
export interface Hardware {
  label: string;
  rtlHash: string;
  path: ProductPath;
  pathReason: string;
  /** The forward-pass arithmetic (NTV flips in the stored weights only on fixed-point hardware). */
  arithmetic(ntv?: NtvStorage): LayerArithmetic;
  describe(): Record<string, unknown>;
  /** Present for fixed-point hardware. */
  fixed?: ApproxMultiplier;
  /** Present for fpmul hardware. */
  float?: FloatMultiplier;
}

/** Fixed-point hardware on a multiplier read from the RTL, on a product path. */
export function fixedHardware(mult: ApproxMultiplier, path: ProductPath, pathReason: string): Hardware {
  return {
    label: mult.label,
    rtlHash: mult.provenance.rtlHash,
    path,
    pathReason,
    fixed: mult,
    arithmetic: (ntv) => new FixedArithmetic({ mult, path, ntv }),
    describe: () => ({
      multiplier: mult.label,
      width: mult.width,
      operandEncoding: mult.signed
        ? `two's complement, ${mult.qmin}..${mult.qmax}`
        : `sign-magnitude around an unsigned multiplier, ${mult.qmin}..${mult.qmax}`,
      path,
      pathReason,
      provenance: mult.provenance,
    }),
  };
}

/**
 * Fixed-point hardware whose neurons each use one of two multipliers of one number format (ApproxAnn's
 * assignment, a heterogeneous NPU): `masks` per weighted layer mark the neurons on `approx`.
 */
export function mixedHardware(
  mult: ApproxMultiplier,
  approx: ApproxMultiplier,
  masks: Uint8Array[],
  path: ProductPath,
  pathReason: string,
): Hardware {
  const plain = fixedHardware(mult, path, pathReason);
  const neurons = { approx, masks };
  return {
    ...plain,
    label: `${mult.label} + ${approx.label} per neuron`,
    arithmetic: (ntv) => new FixedArithmetic({ mult, path, ntv, neurons }),
    describe: () => ({
      ...plain.describe(),
      second: approx.label,
      neuronsOnSecond: masks.map((m) => m.reduce((a, v) => a + v, 0)),
      secondProvenance: approx.provenance,
    }),
  };
}

/** fpmul hardware: float32 values through the significand mask. */
export function floatHardware(float: FloatMultiplier): Hardware {
  const pathReason = `per-operand significand mask, RTL(a, b) = round(T(a) T(b)) checked on ${float.provenance.checkedPairs} pairs`;
  return {
    label: float.label,
    rtlHash: float.provenance.rtlHash,
    path: 'transform',
    pathReason,
    float,
    arithmetic: (ntv) => {
      if (ntv)
        throw new AxhwError(
          'NTV bit flips act on stored fixed-point weights; fpmul layers keep float32 weights.',
          'Drop --ntv-rate/--ntv-voltage, or use a fixed-point multiplier.',
        );
      return new FloatArithmetic(float);
    },
    describe: () => ({
      multiplier: float.label,
      arithmetic: float.narrow
        ? `operands rounded to the ${1 + float.format.exp + float.format.frac}-bit format keeping ${float.mbits} ` +
          `significand bits, every product rounded to the format, float32 accumulation`
        : `binary32 operands keeping ${float.mbits} significand bits, float32 accumulation`,
      path: 'transform',
      pathReason,
      provenance: float.provenance,
    }),
  };
}

/** The multiplier (registry unit spec or table file, both read from the RTL) and the product path. */
export async function resolveHardware(opts: {
  multiplier?: string;
  multiplierTable?: string;
  path?: string;
  log?: (m: string) => void;
}): Promise<Hardware | undefined> {
  if (opts.multiplier && opts.multiplierTable)
    throw new AxhwError('Give --multiplier or --multiplier-table, not both.', 'Drop one of them.');
  if (!opts.multiplier && !opts.multiplierTable) {
    if (opts.path && opts.path !== 'auto')
      throw new AxhwError(
        `--path ${opts.path} needs a multiplier.`,
        'Add --multiplier drum:width=8,k=4,signed (or --multiplier-table file.npy).',
      );
    return undefined;
  }
  const want = opts.path ?? 'auto';
  if (!['auto', 'transform', 'table'].includes(want))
    throw new AxhwError(
      `--path must be auto, transform or table (got '${want}').`,
      'Use --path auto (the default), --path transform or --path table.',
    );
  const spec = opts.multiplier ? resolveUnitSpec(opts.multiplier) : undefined;
  // A unit computing on a float format runs as float layers (the significand mask); every other as fixed point.
  if (spec?.unit.numbers(spec.params).kind === 'float') {
    if (want === 'table')
      throw new AxhwError(
        'fpmul layers run on float32 values through the significand mask; there is no table path.',
        'Use --path auto or transform.',
      );
    return floatHardware(await floatMultiplierFromUnit(spec, opts.log));
  }
  const mult = opts.multiplier
    ? await multiplierFromUnit(opts.multiplier, { log: opts.log })
    : multiplierFromTableFile(opts.multiplierTable!);
  if (want === 'transform' && !mult.transform)
    throw new AxhwError(`${mult.label} has no per-operand transform: ${mult.noTransform}.`, 'Use --path table (or auto).');
  if (want === 'table' || (want === 'auto' && !mult.transform)) {
    if (!mult.products)
      throw new AxhwError(`${mult.label}: its product table is too large for the table path.`, 'Use a multiplier of at most 11 bits.');
    return fixedHardware(mult, 'table', want === 'table' ? 'requested' : `no per-operand transform (${mult.noTransform})`);
  }
  return fixedHardware(mult, 'transform', want === 'transform' ? 'requested' : 'the RTL table factorises as Ta(a) Tb(b) on every pair');
}
