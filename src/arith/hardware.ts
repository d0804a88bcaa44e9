import { AxhwError } from '../errors.js';
import { multiplierFromTableFile, multiplierFromUnit, type ApproxMultiplier } from './fixed-multiplier.js';
import { resolveUnitSpec } from '../gen/unit-spec.js';
import { floatMultiplierFromUnit, type FloatMultiplier } from './float-multiplier.js';
import type { Arithmetic, ProductPath } from '../train/approx-ops.js';

/** The hardware a run uses: a fixed-point multiplier (table or transform path) or fpmul (float32 + mask). */
export type HardwareChoice =
  | { kind: 'fixed'; mult: ApproxMultiplier; path: ProductPath; pathReason: string }
  | { kind: 'float'; float: FloatMultiplier; path: 'transform'; pathReason: string };

/** The multiplier (registry unit spec or table file, both read from the RTL) and the product path. */
export async function resolveHardware(opts: { multiplier?: string; multiplierTable?: string; path?: string; log?: (m: string) => void }): Promise<HardwareChoice | undefined> {
  if (opts.multiplier && opts.multiplierTable) throw new AxhwError('Give --multiplier or --multiplier-table, not both.');
  if (!opts.multiplier && !opts.multiplierTable) {
    if (opts.path && opts.path !== 'auto') throw new AxhwError(`--path ${opts.path} needs a multiplier.`, 'Add --multiplier drum:width=8,k=4,signed (or --multiplier-table file.npy).');
    return undefined;
  }
  const want = opts.path ?? 'auto';
  if (!['auto', 'transform', 'table'].includes(want)) throw new AxhwError(`--path must be auto, transform or table (got '${want}').`);
  const spec = opts.multiplier ? resolveUnitSpec(opts.multiplier) : undefined;
  if (spec?.unit.name === 'fpmul') {
    if (want === 'table') throw new AxhwError('fpmul layers run on float32 values through the significand mask; there is no table path.', 'Use --path auto or transform.');
    const float = await floatMultiplierFromUnit(spec, opts.log);
    return { kind: 'float', float, path: 'transform', pathReason: `per-operand significand mask, RTL(a, b) = fround(T(a) T(b)) checked on ${float.provenance.checkedPairs} pairs` };
  }
  const mult = opts.multiplier ? await multiplierFromUnit(opts.multiplier, { log: opts.log }) : multiplierFromTableFile(opts.multiplierTable!);
  if (want === 'transform' && !mult.transform) throw new AxhwError(`${mult.label} has no per-operand transform: ${mult.noTransform}.`, 'Use --path table (or auto).');
  if (want === 'table' || (want === 'auto' && !mult.transform)) {
    if (!mult.products) throw new AxhwError(`${mult.label}: its product table is too large for the table path.`, 'Use a multiplier of at most 11 bits.');
    return { kind: 'fixed', mult, path: 'table', pathReason: want === 'table' ? 'requested' : `no per-operand transform (${mult.noTransform})` };
  }
  return { kind: 'fixed', mult, path: 'transform', pathReason: want === 'transform' ? 'requested' : 'the RTL table factorises as Ta(a) Tb(b) on every pair' };
}

/** The forward-pass arithmetic of a choice (fixed point: with frozen input exponents when given). */
export function arithmeticOf(h: HardwareChoice, inputExps?: number[]): Arithmetic {
  return h.kind === 'float' ? { float: h.float } : { mult: h.mult, path: h.path, inputExps };
}

export function hardwareLabel(h: HardwareChoice): string {
  return h.kind === 'float' ? h.float.label : h.mult.label;
}

export function hardwareRtlHash(h: HardwareChoice): string {
  return h.kind === 'float' ? h.float.provenance.rtlHash : h.mult.provenance.rtlHash;
}

export function describeHardware(h: HardwareChoice): Record<string, unknown> {
  if (h.kind === 'float') {
    const f = h.float;
    return { multiplier: f.label, arithmetic: `binary32 operands keeping ${f.mbits} significand bits, float32 accumulation`, path: h.path, pathReason: h.pathReason, provenance: f.provenance };
  }
  const m = h.mult;
  return {
    multiplier: m.label,
    width: m.width,
    operandEncoding: m.signed ? `two's complement, ${m.qmin}..${m.qmax}` : `sign-magnitude around an unsigned multiplier, ${m.qmin}..${m.qmax}`,
    path: h.path,
    pathReason: h.pathReason,
    provenance: m.provenance,
  };
}
