import { simdQuantiser } from './simd-quantise.js';
import { generateDesign } from '../gen/generate.js';
import type { ResolvedUnitSpec } from '../gen/unit-spec.js';
import { verifyDesign } from '../verify/verify.js';
import { fpmulTransformCode, type FpmulParams } from '../models/fpmul.js';
import type { BatchModel } from '../models/operator.js';
import { AxhwError, MismatchError } from '../errors.js';
import { withControlDefaults } from '../gen/controls.js';
import { getUnit } from '../gen/registry.js';
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
  /** AND mask on the float32 bit pattern of a finite value: clears the low 24 - m significand bits. */
  mask: number;
  provenance: { source: 'registry-unit'; unit: 'fpmul'; params: Record<string, unknown>; top: string; rtlHash: string; checkedPairs: number };
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
  if (!Number.isInteger(mbits) || mbits < 1 || mbits > 24) throw new AxhwError(`fpmul mbits = ${String(mRaw)}: training takes 1..24 significand bits.`, 'Use e.g. --multiplier fpmul:mbits=8.');
  const p = params as unknown as FpmulParams;
  if (p.exp !== 8 || p.frac !== 23 || p.rounding !== 'rne' || p.subnormals !== 'full' || (params.pipeline as number) !== 0) {
    throw new AxhwError('Training runs fpmul on the layer\'s float32 values: binary32, rne, full subnormals, no pipeline.', 'Use --multiplier fpmul:mbits=<m> (the binary32 preset); other formats are for verify/lut/characterize.');
  }
  const d = generateDesign(spec.unit, params);
  const identity = transformIdentityModel(fpmulTransformCode(p, mbits));
  const report = await verifyDesign({ ...d, model: identity, modelFor: () => identity }, { controls: [{ mbits }], vectors: FLOAT_CHECK_PAIRS, seed: 0xf10a7 + mbits, log });
  if (!report.passed) {
    const c = report.counterexamples[0]!;
    throw new MismatchError(`${d.top} at mbits ${mbits}: RTL(${c.a}, ${c.b}) = ${c.rtl}, but fround(T(a) T(b)) = ${c.model} (${report.mismatches} of ${report.pairs} pairs differ); the transform fast path would not be the RTL.`);
  }
  const clear = 2 ** (24 - mbits) - 1;
  return {
    kind: 'float',
    label: `${d.top} (mbits ${mbits})`,
    mbits,
    mask: (0xffffffff ^ clear) >>> 0,
    provenance: { source: 'registry-unit', unit: 'fpmul', params, top: d.top, rtlHash: d.rtlHash, checkedPairs: report.pairs },
  };
}

/**
 * Given operand pairs (float32 bit patterns, e.g. the gradients and weights of a backward pass) through
 * the Verilated fpmul at the multiplier's m, against fround(T(a) T(b)): the proof that a layer's masked
 * products on those operands are the RTL's. Returns the mismatching pairs (none when they agree).
 */
export async function checkPairsOnRtl(float: FloatMultiplier, a: Uint32Array, b: Uint32Array): Promise<{ pairs: number; mismatches: { a: number; b: number; rtl: number; expected: number }[] }> {
  const d = withControlDefaults(generateDesign(getUnit('fpmul'), float.provenance.params as ParamValues), { mbits: float.mbits });
  if (d.rtlHash !== float.provenance.rtlHash) throw new AxhwError(`The fpmul RTL changed since ${float.label} was checked.`, 'Resolve the multiplier again.');
  // The layer's own mask (not one recomputed from m), so a layer whose mask were not the RTL's fails here.
  const identity = transformIdentityModel((code) => ((code & 0x7f800000) === 0x7f800000 ? code : (code & float.mask) >>> 0));
  const pool = await openPool(d, 1);
  try {
    const n = a.length;
    const reply = await pool.sessions[0]!.evalPairs(a, b, n);
    const rtl = new Uint32Array(reply.buffer.slice(reply.byteOffset, reply.byteOffset + 4 * n));
    const want = new Uint32Array(n);
    identity.evalBatch(a, b, n, want);
    const mismatches = [];
    for (let i = 0; i < n && mismatches.length < 10; i++) if (rtl[i] !== want[i]) mismatches.push({ a: a[i]!, b: b[i]!, rtl: rtl[i]!, expected: want[i]! });
    return { pairs: n, mismatches };
  } finally {
    await pool.close();
  }
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
  for (let i = 0; i < x.length; i++) {
    const v = src[i]!;
    dst[i] = (v & 0x7f800000) === 0x7f800000 ? v : (v & mask) >>> 0;
  }
  return out;
}
