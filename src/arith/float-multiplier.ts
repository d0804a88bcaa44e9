import { simdQuantiser } from './simd-quantise.js';
import { resolveUnit } from '../gen/registry.js';
import { generateDesign } from '../gen/generate.js';
import { openPool } from '../cosim/pool.js';
import { fpmulTransformCode, type FpmulParams } from '../models/fpmul.js';
import { AxhwError, MismatchError } from '../errors.js';
import { Rng } from '../util/rng.js';

/**
 * FramNN's floating-point multiplier for training: binary32 operands (the layer's own float32 values),
 * each keeping the top m significand bits (the fpmul mask, a per-operand transform), product rounded
 * once. The transform identity RTL(a, b) = fround(T(a) T(b)) is checked on the Verilated fpmul RTL at
 * this m before use (corner values plus seeded random pairs), so the layer's products are the RTL's.
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

export async function floatMultiplierFromUnit(raw: Record<string, unknown>, log?: (m: string) => void): Promise<FloatMultiplier> {
  const { mbits: mRaw, ...rest } = raw;
  const mbits = Number(mRaw ?? 24);
  if (!Number.isInteger(mbits) || mbits < 1 || mbits > 24) throw new AxhwError(`fpmul mbits = ${String(mRaw)}: training takes 1..24 significand bits.`, 'Use e.g. --multiplier fpmul:mbits=8.');
  const { unit, params } = resolveUnit('fpmul', rest);
  const p = params as unknown as FpmulParams;
  if (p.exp !== 8 || p.frac !== 23 || p.rounding !== 'rne' || p.subnormals !== 'full' || (params.pipeline as number) !== 0) {
    throw new AxhwError('Training runs fpmul on the layer\'s float32 values: binary32, rne, full subnormals, no pipeline.', 'Use --multiplier fpmul:mbits=<m> (the binary32 preset); other formats are for verify/lut/characterize.');
  }
  const d = generateDesign(unit, params);
  const t = fpmulTransformCode(p, mbits);
  // Prove RTL(a, b) == fround(T(a) * T(b)) at this m: corners, then random finite operands of the
  // magnitudes a network sees, then fully random codes.
  const rng = new Rng(0xf10a7 + mbits);
  const n = FLOAT_CHECK_PAIRS;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const corners = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x3fffffff, 0x40490fdb];
  let i = 0;
  for (const x of corners) {
    for (const y of corners) {
      a[i] = x;
      b[i++] = y;
    }
  }
  for (; i < n; i++) {
    if (i % 2) {
      f32[0] = ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2 ** ((rng.nextU32() % 24) - 12);
      a[i] = u32[0]!;
      f32[0] = ((rng.nextU32() / 2 ** 32) * 2 - 1) * 2 ** ((rng.nextU32() % 24) - 12);
      b[i] = u32[0]!;
    } else {
      a[i] = rng.nextU32();
      b[i] = rng.nextU32();
    }
  }
  const pool = await openPool(d, 1, log);
  let y: Buffer;
  try {
    const s = pool.sessions[0]!;
    s.setControls([mbits]);
    y = await s.evalPairs(a, b, n);
  } finally {
    await pool.close();
  }
  const fa = new Float32Array(1);
  const ua = new Uint32Array(fa.buffer);
  const val = (code: number) => {
    ua[0] = t(code);
    return fa[0]!;
  };
  for (let k = 0; k < n; k++) {
    f32[0] = val(a[k]!) * val(b[k]!);
    const want = Number.isNaN(f32[0]) ? 0x7fc00000 : u32[0]!;
    const got = y.readUInt32LE(4 * k);
    if (got !== want) {
      throw new MismatchError(`${d.top} at mbits ${mbits}: RTL(0x${a[k]!.toString(16)}, 0x${b[k]!.toString(16)}) = 0x${got.toString(16)}, but fround(T(a) T(b)) = 0x${want.toString(16)}; the transform fast path would not be the RTL.`);
    }
  }
  const clear = 2 ** (24 - mbits) - 1;
  return {
    kind: 'float',
    label: `${d.top} (mbits ${mbits})`,
    mbits,
    mask: (0xffffffff ^ clear) >>> 0,
    provenance: { source: 'registry-unit', unit: 'fpmul', params, top: d.top, rtlHash: d.rtlHash, checkedPairs: n },
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
