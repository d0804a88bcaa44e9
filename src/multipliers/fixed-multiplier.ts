import { formatUnitSpec, resolveUnitSpec } from '../gen/unit-spec.js';
import { listUnits } from '../gen/registry.js';
import { generateDesign } from '../gen/generate.js';
import { tableFromRtl } from '../lut/from-rtl.js';
import { readTable } from '../lut/io.js';
import { valuesAsNumbers, type LutTable } from '../lut/table.js';
import { AxhwError } from '../errors.js';
import type { Design } from '../gen/design.js';

/**
 * The multiplier an approximate layer uses, as read from the RTL: its product for every pair of operand
 * values, and, when the RTL's table factorises as P(a, b) = T(a) * T(b) on every pair, the per-operand
 * transform T (the fast path). Operands are the integer codes of dynamic fixed point:
 *  - signed multiplier: two's complement, q in [-2^(N-1), 2^(N-1) - 1];
 *  - unsigned multiplier: sign-magnitude around it (as DRUM's signed wrapper does), q in [-(2^N - 1), 2^N - 1],
 *    product = sign(qa) sign(qb) P(|qa|, |qb|).
 */
export interface ApproxMultiplier {
  label: string;
  width: number;
  signed: boolean;
  qmin: number;
  qmax: number;
  /** Product by operand values, row-major over (qa - qmin, qb - qmin); absent when too large. */
  products?: Float64Array;
  /**
   * Per-operand transforms at index q - qmin, when the table factorises exactly as P(a, b) = Ta(a) Tb(b)
   * (proved on every pair): `a` for the activation operand (table rows), `b` for the weight operand.
   */
  transform?: { a: Float32Array; b: Float32Array };
  /** Why there is no transform (the fast path is unavailable). */
  noTransform?: string;
  provenance: {
    source: 'registry-unit' | 'table-file' | 'user-rtl';
    unit: string;
    params: Record<string, unknown>;
    top: string;
    rtlHash: string;
    verilator: string;
    verifiedAgainstModel: boolean;
    file?: string;
  };
}

/** Operand widths with full tables read from the RTL (2^(2N) pairs). */
export const MAX_FIXED_WIDTH = 12;
const MAX_PRODUCT_ENTRIES = 1 << 24;

export interface MultiplierOptions {
  log?: (m: string) => void;
  onProgress?: (done: number, total: number) => void;
}

/** A registry unit's table, generated, Verilated (cached) and read out of the RTL, checked against its model. */
export async function multiplierFromUnit(spec: string, opts: MultiplierOptions = {}): Promise<ApproxMultiplier> {
  const { unit, params, controls } = resolveUnitSpec(spec);
  const d = generateDesign(unit, params);
  return plainMultiplier(
    d,
    Object.keys(controls).length > 0,
    'Use drum or exact-mul here; fpmul runs as float layers: --multiplier fpmul:mbits=8.',
    'registry-unit',
    opts,
  );
}

/** A user's Verilog multiplier (an external design), its table read out of the RTL (checked against its model when it has one). */
export async function multiplierFromDesign(d: Design, opts: MultiplierOptions = {}): Promise<ApproxMultiplier> {
  return plainMultiplier(d, false, 'Pass a module with two operand inputs and one result.', 'user-rtl', opts);
}

/** A design with two operand inputs and no run-time controls (else refused with `fix`), its table read out of the RTL. */
async function plainMultiplier(
  d: Design,
  controlsGiven: boolean,
  fix: string,
  source: 'registry-unit' | 'user-rtl',
  opts: MultiplierOptions,
): Promise<ApproxMultiplier> {
  if (d.ports.controls.length || controlsGiven)
    throw new AxhwError(`${d.top} has run-time control inputs; fixed-point layers need a plain two-operand integer multiplier.`, fix);
  checkWidths(d.ports.a.width, d.ports.b.width, d.top);
  const table = await tableFromRtl(d, { onProgress: opts.onProgress, log: opts.log });
  return fromTable(table, { source });
}

/** A table file written by `axhw lut` (any unit, or the user's own Verilog via --rtl), validated by its sidecar. */
export function multiplierFromTableFile(file: string): ApproxMultiplier {
  const table = readTable(file, { kind: 'pairs' });
  // A fixed-point layer reads integer products; a float unit's table holds codes of its format, which
  // read as integers would be wrong products with no error (its sidecar says which unit made it).
  const m = table.meta;
  const unit = listUnits().find((u) => u.name === m.unit);
  if (unit?.valueOfCode) {
    const spec = formatUnitSpec(m.unit, { ...m.params, ...(m.controls ?? {}) });
    throw new AxhwError(
      `${file} is a table of ${spec}, whose entries are floating-point codes; a fixed-point layer needs a table of integer products.`,
      `Use --multiplier ${spec} (float layers on that unit), or a table of an integer multiplier ` +
        `(axhw lut drum:width=8,k=4,signed -o drum.npy).`,
    );
  }
  checkWidths(table.meta.aWidth, table.meta.bWidth, file);
  return fromTable(table, { source: 'table-file', file });
}

function checkWidths(a: number, b: number, what: string): void {
  if (a !== b)
    throw new AxhwError(
      `${what}: operand widths differ (${a} and ${b}); layers quantise activations and weights to one width.`,
      'Use a multiplier with equal operand widths.',
    );
  if (a > MAX_FIXED_WIDTH || a < 2)
    throw new AxhwError(
      `${what}: ${a}-bit operands; approximate layers take 2..${MAX_FIXED_WIDTH}-bit multipliers (the full table is read from the RTL).`,
      'Use e.g. drum:width=8,k=4,signed.',
    );
}

function fromTable(table: LutTable, src: { source: ApproxMultiplier['provenance']['source']; file?: string }): ApproxMultiplier {
  const m = table.meta;
  const width = m.aWidth;
  const signed = m.signed;
  const qmin = signed ? -(2 ** (width - 1)) : -(2 ** width - 1);
  const qmax = signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
  const values = valuesAsNumbers(table);
  const side = 2 ** width;
  const code = (q: number) => (signed ? (q < 0 ? q + side : q) : Math.abs(q));
  const sgn = (q: number) => (signed || q >= 0 ? 1 : -1);
  const product = (qa: number, qb: number) => sgn(qa) * sgn(qb) * values[code(qa) * side + code(qb)]!;
  const range = qmax - qmin + 1;
  let products: Float64Array | undefined;
  if (range * range <= MAX_PRODUCT_ENTRIES) {
    products = new Float64Array(range * range);
    for (let a = qmin; a <= qmax; a++) for (let b = qmin; b <= qmax; b++) products[(a - qmin) * range + (b - qmin)] = product(a, b);
  }
  const { transform, noTransform } = factorise(product, qmin, qmax);
  return {
    label: `${m.top}${src.file ? ` (${src.file})` : ''}`,
    width,
    signed,
    qmin,
    qmax,
    products,
    transform,
    noTransform,
    provenance: {
      source: src.source,
      unit: m.unit,
      params: m.params,
      top: m.top,
      rtlHash: m.rtlHash,
      verilator: m.verilator,
      verifiedAgainstModel: m.verified,
      file: src.file,
    },
  };
}

/**
 * Rank-one factorisation of the RTL table, if it has one: with a pivot code p (the first of 1, 2, 4, ...
 * with P(p, p) != 0), Ta(a) = P(a, p) and Tb(b) = P(p, b) / P(p, p). DRUM gives Ta = Tb = T with pivot 1;
 * an operand-truncating multiplier factorises with pivot 4. Accepted only if Ta(a) Tb(b) equals P(a, b)
 * exactly on every pair and both transforms are exact in float32.
 */
function factorise(
  product: (a: number, b: number) => number,
  qmin: number,
  qmax: number,
): { transform?: { a: Float32Array; b: Float32Array }; noTransform?: string } {
  let p = 1;
  while (p <= qmax && product(p, p) === 0) p *= 2;
  if (p > qmax) return { noTransform: 'P(p, p) = 0 for every power-of-two code p' };
  const range = qmax - qmin + 1;
  const pp = product(p, p);
  const ta = Float64Array.from({ length: range }, (_, i) => product(i + qmin, p));
  const tb = Float64Array.from({ length: range }, (_, i) => product(p, i + qmin) / pp);
  for (let a = qmin; a <= qmax; a++) {
    for (let b = qmin; b <= qmax; b++) {
      const f = ta[a - qmin]! * tb[b - qmin]!;
      if (product(a, b) !== f) return { noTransform: `P(${a}, ${b}) = ${product(a, b)} but Ta(${a}) Tb(${b}) = ${f}` };
    }
  }
  const a32 = Float32Array.from(ta);
  const b32 = Float32Array.from(tb);
  if (a32.some((v, i) => v !== ta[i]) || b32.some((v, i) => v !== tb[i])) return { noTransform: 'the transforms are not exact in float32' };
  return { transform: { a: a32, b: b32 } };
}
