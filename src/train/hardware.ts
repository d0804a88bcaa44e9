import { AxhwError } from '../errors.js';
import { multiplierFromTableFile, multiplierFromUnit, type ApproxMultiplier } from './multiplier.js';
import type { ProductPath } from './approx-ops.js';

export interface HardwareChoice {
  mult: ApproxMultiplier;
  path: ProductPath;
  /** Why this path (auto: transform when the RTL table factorises). */
  pathReason: string;
}

/** The multiplier (registry unit spec or table file, both read from the RTL) and the product path. */
export async function resolveHardware(opts: { multiplier?: string; multiplierTable?: string; path?: string; log?: (m: string) => void }): Promise<HardwareChoice | undefined> {
  if (opts.multiplier && opts.multiplierTable) throw new AxhwError('Give --multiplier or --multiplier-table, not both.');
  if (!opts.multiplier && !opts.multiplierTable) {
    if (opts.path && opts.path !== 'auto') throw new AxhwError(`--path ${opts.path} needs a multiplier.`, 'Add --multiplier drum:width=8,k=4,signed (or --multiplier-table file.npy).');
    return undefined;
  }
  const mult = opts.multiplier ? await multiplierFromUnit(opts.multiplier, { log: opts.log }) : multiplierFromTableFile(opts.multiplierTable!);
  const want = opts.path ?? 'auto';
  if (!['auto', 'transform', 'table'].includes(want)) throw new AxhwError(`--path must be auto, transform or table (got '${want}').`);
  if (want === 'transform' && !mult.transform) throw new AxhwError(`${mult.label} has no per-operand transform: ${mult.noTransform}.`, 'Use --path table (or auto).');
  if (want === 'table' || (want === 'auto' && !mult.transform)) {
    if (!mult.products) throw new AxhwError(`${mult.label}: its product table is too large for the table path.`, 'Use a multiplier of at most 11 bits.');
    return { mult, path: 'table', pathReason: want === 'table' ? 'requested' : `no per-operand transform (${mult.noTransform})` };
  }
  return { mult, path: 'transform', pathReason: want === 'transform' ? 'requested' : 'the RTL table factorises as Ta(a) Tb(b) on every pair' };
}

export function describeHardware(h: HardwareChoice): Record<string, unknown> {
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
