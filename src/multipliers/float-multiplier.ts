import { simdQuantiser } from '../arith/simd-quantise.js';
import { generateDesign } from '../gen/generate.js';
import type { ResolvedUnitSpec } from '../gen/unit-spec.js';
import { verifyDesign } from '../verify/verify.js';
import { fpDecoder, fpmulTransformCode, sigWidth, type FpFormat } from '../models/fpmul.js';
import { encodeFormat, formatArithmetic, type FormatArithmetic } from '../arith/float-format.js';
import { resultView, type BatchModel } from '../models/operator.js';
import { AxhwError, MismatchError } from '../errors.js';
import { withControlDefaults } from '../gen/controls.js';
import { getUnit, resolveUnit } from '../gen/registry.js';
import type { ParamValues } from '../gen/params.js';
import { openPool } from '../cosim/pool.js';

/**
 * FramNN's floating-point multiplier for training: binary32 operands (the layer's own float32 values),
 * each keeping the top m significand bits (the fpmul mask, a per-operand transform), product rounded
 * once. The transform identity RTL(a, b) = fround(T(a) T(b)) is proved on the Verilated fpmul RTL at
 * this m before use (the verifier's corner pairs plus seeded random pairs), so the layer's products are the RTL's.
 * For m <= 12 every product is exact in float32 and the layer is fpmul + float32 accumulation
 * (summation order unspecified); above 12 the matrix product may fuse the multiply-add.
 */
export interface FloatMultiplier {
  kind: 'float';
  label: string;
  mbits: number;
  /** AND mask on the float32 bit pattern of a finite value: clears the low 24 - m significand bits (binary32). */
  mask: number;
  format: FpFormat;
  /** A format narrower than binary32 (bfloat16, binary16): operands rounded to it, every product rounded to it. */
  narrow?: FormatArithmetic;
  provenance: {
    source: 'registry-unit';
    unit: string;
    params: ParamValues;
    top: string;
    rtlHash: string;
    checkedPairs: number;
  };
}

export const FLOAT_CHECK_PAIRS = 200_000;

/**
 * fpmul as a training arithmetic, from a resolved unit spec (`fpmul:mbits=8`). The identity
 * RTL(a, b) = fround(T(a) T(b)) at this m is proved by the project's verifier: the Verilated RTL
 * against that identity as the model, on the verifier's corner pairs plus seeded random pairs.
 */
export async function floatMultiplierFromUnit(spec: ResolvedUnitSpec, log?: (m: string) => void): Promise<FloatMultiplier> {
  const { params } = spec;
  const mRaw = spec.controls.mbits;
  const mbits = Number(mRaw ?? 24);
  if (!Number.isInteger(mbits) || mbits < 1 || mbits > 24)
    throw new AxhwError(`fpmul mbits = ${String(mRaw)}: training takes 1..24 significand bits.`, 'Use e.g. --multiplier fpmul:mbits=8.');
  const p = resolveUnit('fpmul', params).params;
  if (p.exp > 8 || p.frac > 23 || p.rounding !== 'rne' || p.subnormals !== 'full' || p.pipeline !== 0) {
    throw new AxhwError(
      'Training runs fpmul on float32 values: a format inside binary32 (exp <= 8, frac <= 23), rne, full subnormals, no pipeline.',
      'Use --multiplier fpmul:mbits=<m> (binary32), fpmul:preset=bfloat16,mbits=<m> or fpmul:preset=binary16,mbits=<m>.',
    );
  }
  const binary32 = p.exp === 8 && p.frac === 23;
  const P = sigWidth(p);
  if (mbits > P) throw new AxhwError(`fpmul mbits = ${mbits}: this format has ${P} significand bits.`, `Use mbits 1..${P}.`);
  const d = generateDesign(spec.unit, params);
  const narrow = binary32 ? undefined : formatArithmetic(p, mbits);
  const identity = narrow ? narrowIdentityModel(narrow) : transformIdentityModel(fpmulTransformCode(p, mbits));
  const report = await verifyDesign(
    { ...d, model: identity, modelFor: () => identity },
    { controls: [{ mbits }], vectors: FLOAT_CHECK_PAIRS, seed: 0xf10a7 + mbits, log },
  );
  if (!report.passed) {
    const c = report.counterexamples[0]!;
    throw new MismatchError(
      `${d.top} at mbits ${mbits}: RTL(${c.a}, ${c.b}) = ${c.rtl}, but round(T(a) T(b)) = ${c.model} ` +
        `(${report.mismatches} of ${report.pairs} pairs differ); the layer's products would not be the ` +
        `RTL's.`,
    );
  }
  const clear = 2 ** (24 - mbits) - 1;
  return {
    kind: 'float',
    label: `${d.top} (mbits ${mbits})`,
    mbits,
    mask: (0xffffffff ^ clear) >>> 0,
    format: { exp: p.exp, frac: p.frac },
    narrow,
    provenance: { source: 'registry-unit', unit: spec.unit.name, params, top: d.top, rtlHash: d.rtlHash, checkedPairs: report.pairs },
  };
}

/**
 * Given operand pairs (codes of the unit's format, e.g. the gradients and weights of a backward pass)
 * through the Verilated fpmul at the multiplier's m, against round(T(a) T(b)) as the layer computes it:
 * the proof that a layer's products on those operands are the RTL's. Returns the mismatching pairs (none when they agree).
 */
export async function checkPairsOnRtl(
  float: FloatMultiplier,
  a: Uint32Array,
  b: Uint32Array,
): Promise<{ pairs: number; mismatches: { a: number; b: number; rtl: number; expected: number }[] }> {
  const d = withControlDefaults(generateDesign(getUnit(float.provenance.unit), float.provenance.params), { mbits: float.mbits });
  if (d.rtlHash !== float.provenance.rtlHash)
    throw new AxhwError(`The fpmul RTL changed since ${float.label} was checked.`, 'Resolve the multiplier again.');
  // The layer's own mask (not one recomputed from m), so a layer whose mask were not the RTL's fails here.
  const identity = float.narrow ? narrowIdentityModel(float.narrow) : transformIdentityModel((code) => maskCode(code, float.mask));
  const pool = await openPool(d, 1);
  try {
    const n = a.length;
    const session = pool.sessions[0]!;
    const rtl = resultView(await session.evalPairs(a, b, n), session.yBytes as 1 | 2 | 4, n);
    const want = new Uint32Array(n);
    identity.evalBatch(a, b, n, want);
    const mismatches = [];
    for (let i = 0; i < n && mismatches.length < 10; i++)
      if (rtl[i] !== want[i]) mismatches.push({ a: a[i]!, b: b[i]!, rtl: rtl[i]!, expected: want[i]! });
    return { pairs: n, mismatches };
  } finally {
    await pool.close();
  }
}

/** A narrow format's product as the layers compute it, on codes: decode, T, the product rounded to the format, encode. */
function narrowIdentityModel(f: FormatArithmetic): BatchModel {
  const decode = fpDecoder(f.format);
  return {
    evalBatch(a, b, n, out) {
      for (let i = 0; i < n; i++) out[i] = encodeFormat(f.format, f.product(f.mask(decode(a[i]!)), f.mask(decode(b[i]!))));
    },
  };
}

/** The binary32 product of the transformed operands, rounded once (NaN as the RTL's canonical quiet NaN). */
function transformIdentityModel(t: (code: number) => number): BatchModel {
  const f = new Float32Array(3);
  const u = new Uint32Array(f.buffer);
  return {
    evalBatch(a, b, n, out) {
      for (let i = 0; i < n; i++) {
        u[0] = t(a[i]!);
        u[1] = t(b[i]!);
        f[2] = f[0]! * f[1]!;
        out[i] = Number.isNaN(f[2]) ? 0x7fc00000 : u[2]!;
      }
    },
  };
}

/**
 * T(x) for float32 data: the significand mask on every finite value (infinities and NaN kept). WebAssembly
 * SIMD where it loads (the same bits, tested), else this loop.
 */
export function maskFloats(x: Float32Array, mask: number): Float32Array {
  const simd = simdQuantiser();
  if (simd) return simd.mask(x, mask, new Float32Array(x.length));
  return maskFloatsJs(x, mask);
}

export function maskFloatsJs(x: Float32Array, mask: number): Float32Array {
  const out = new Float32Array(x.length);
  const src = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const dst = new Uint32Array(out.buffer);
  for (let i = 0; i < x.length; i++) dst[i] = maskCode(src[i]!, mask);
  return out;
}

/** T on one float32 bit pattern: the mask on a finite value, infinities and NaN kept. */
export function maskCode(code: number, mask: number): number {
  return (code & 0x7f800000) === 0x7f800000 ? code : (code & mask) >>> 0;
}
