import type { BatchModel, ResultWords } from './operator.js';

/**
 * Bit-exact model of the configurable-mantissa floating-point multiplier (FramNN; METHODS section 2).
 * This is the unit's specification; rtl-templates/fpmul.v.hbs implements exactly this.
 *
 * Format: IEEE-754 style, 1 sign bit, `exp` exponent bits (bias 2^(exp-1) - 1), `frac` fraction bits;
 * significand width P = frac + 1 (hidden bit included).
 *
 * Run-time precision: the input `mbits` keeps the top m of the P significand positions of each finite
 * operand and clears the other P - m (a mask: for a normal number these are its m leading significand
 * bits; a subnormal has hidden bit 0, so the same mask leaves it fewer significant bits). Codes outside
 * 1..P are clamped: 0 acts as 1, anything above P acts as P (RTL and model apply the same rule).
 *
 * Product: the two masked operands are multiplied exactly and the product is rounded once to the format:
 * y = round(T(a) * T(b)), where T is the mask (`fpmulTransformCode`). Rounding `rne` is IEEE
 * roundTiesToEven (overflow -> infinity); `trunc` is IEEE roundTowardZero (overflow -> largest finite).
 *
 * Subnormals: `full` = IEEE gradual underflow, inputs and results. `ftz` = subnormal inputs read as zero
 * (sign kept) and results whose exponent after rounding (with unbounded range) is below the smallest
 * normal flush to a signed zero.
 *
 * Specials: any NaN input, or infinity times zero (zero after masking and flushing), gives the canonical
 * quiet NaN (sign 0, all-ones exponent, fraction MSB set, rest 0), whether the input NaN was quiet or
 * signalling; payloads are not propagated and there are no exception flags. Infinity times a non-zero
 * finite gives infinity; zero times a finite gives zero; the sign of a non-NaN result is the XOR.
 */
export type Rounding = 'rne' | 'trunc';
export type SubnormalPolicy = 'full' | 'ftz';

export interface FpFormat {
  exp: number;
  frac: number;
}

export interface FpmulParams extends FpFormat {
  rounding: Rounding;
  subnormals: SubnormalPolicy;
}

export const FP_PRESETS = {
  binary32: { exp: 8, frac: 23 },
  bfloat16: { exp: 8, frac: 7 },
  binary16: { exp: 5, frac: 10 },
} as const satisfies Record<string, FpFormat>;

/** Total width in bits. */
export const fpWidth = (f: FpFormat): number => 1 + f.exp + f.frac;
/** Significand width P (hidden bit included). */
export const sigWidth = (f: FpFormat): number => f.frac + 1;
export const fpBias = (f: FpFormat): number => 2 ** (f.exp - 1) - 1;

/** The clamping rule for the run-time precision input: 0 -> 1, above P -> P. */
export function clampMbits(f: FpFormat, mbits: number): number {
  const p = sigWidth(f);
  // Stryker disable next-line EqualityOperator: at mbits = 1 and mbits = p both branches give the same value
  return mbits < 1 ? 1 : mbits > p ? p : mbits;
}

/** Canonical quiet NaN code. */
export function canonicalNaN(f: FpFormat): number {
  return (2 ** f.exp - 1) * 2 ** f.frac + 2 ** (f.frac - 1);
}

const POW2 = Array.from({ length: 128 }, (_, i) => 2 ** i);

/**
 * The per-operand transform T on codes: finite operands get their P - m low significand positions
 * cleared (with `ftz`, a subnormal becomes a signed zero); infinities and NaNs pass unchanged.
 * The unit computes round(T(a) * T(b)) (see above), which is what the training fast path uses.
 */
export function fpmulTransformCode(p: FpmulParams, mbits: number): (code: number) => number {
  const m = clampMbits(p, mbits);
  const fracUnit = 2 ** p.frac;
  const expMax = 2 ** p.exp - 1;
  const clear = 2 ** (sigWidth(p) - m) - 1; // low significand positions to clear (< 2^26)
  return (code: number) => {
    const e = Math.floor(code / fracUnit) % (expMax + 1);
    if (e === expMax) return code;
    const signAndExp = code - (code % fracUnit);
    if (e === 0 && p.subnormals === 'ftz') return code - (code % (fracUnit * (expMax + 1))); // keep the sign
    return signAndExp + ((code % fracUnit) - ((code % fracUnit) & clear));
  };
}

/** Value of a code as a number (exact: every format here fits in binary64). */
export function fpDecode(f: FpFormat, code: number): number {
  const fracUnit = 2 ** f.frac;
  const expMax = 2 ** f.exp - 1;
  const fr = code % fracUnit;
  const e = Math.floor(code / fracUnit) % (expMax + 1);
  const s = code >= 2 ** (f.exp + f.frac) ? -1 : 1;
  if (e === expMax) return fr === 0 ? s * Infinity : NaN;
  if (e === 0) return s * fr * 2 ** (1 - fpBias(f) - f.frac);
  return s * (fracUnit + fr) * 2 ** (e - fpBias(f) - f.frac);
}

/**
 * fpDecode for one format with its constants worked out once (a table of 2^(e - bias - frac) instead of a
 * power per call): the error metrics decode three codes per sampled pair. The same arithmetic in the same
 * order, so the same values; fpDecode above stays the statement it is tested against.
 */
export function fpDecoder(f: FpFormat): (code: number) => number {
  const fracUnit = 2 ** f.frac;
  const expMax = 2 ** f.exp - 1;
  const signUnit = 2 ** (f.exp + f.frac);
  // Subnormals (e = 0) take the smallest normal's scale.
  const scale = Float64Array.from({ length: expMax }, (_, e) => 2 ** (Math.max(e, 1) - fpBias(f) - f.frac));
  return (code) => {
    const fr = code % fracUnit;
    const e = Math.floor(code / fracUnit) % (expMax + 1);
    const s = code >= signUnit ? -1 : 1;
    if (e === expMax) return fr === 0 ? s * Infinity : NaN;
    return s * (e === 0 ? fr : fracUnit + fr) * scale[e]!;
  };
}

/** Batch model on raw codes: the host-float path for binary32 rne with gradual underflow, else the generic one. */
export function fpmulBatchModel(p: FpmulParams, mbits: number): BatchModel {
  if (p.exp === 8 && p.frac === 23 && p.rounding === 'rne' && p.subnormals === 'full') return binary32RneModel(mbits);
  return genericModel(p, mbits);
}

/**
 * binary32 with rne and gradual underflow is exactly what the host does: the masked operands'
 * product is exact in binary64 (24 x 24 bits, exponents within range) and storing it into a
 * Float32Array is IEEE roundTiesToEven to binary32, subnormals included. Only NaNs need canonicalising.
 * About twice the generic path's speed (bench/fpmul.mjs); both are held to the RTL and the BigInt reference.
 */
function binary32RneModel(mbits: number): BatchModel {
  const m = clampMbits(FP_PRESETS.binary32, mbits);
  const keepBits = (0xffffffff - (2 ** (24 - m) - 1)) >>> 0; // clears the low 24 - m fraction bits
  const qnan = canonicalNaN(FP_PRESETS.binary32);
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords) {
      binary32RneLoop(a, b, n, out, keepBits, qnan);
    },
  };
}

// Module-level scratch and a plain function shared by every model instance (one per mbits), so V8
// keeps one optimised copy of the loop rather than one per closure.
const F32_SCRATCH = new Float32Array(3);
const U32_SCRATCH = new Uint32Array(F32_SCRATCH.buffer);
function binary32RneLoop(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords, keep: number, qnan: number): void {
  const f = F32_SCRATCH;
  const u = U32_SCRATCH;
  // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read n results)
  for (let i = 0; i < n; i++) {
    const ca = a[i];
    const cb = b[i];
    u[0] = (ca & 0x7f800000) === 0x7f800000 ? ca : ca & keep; // infinities and NaNs are not masked
    u[1] = (cb & 0x7f800000) === 0x7f800000 ? cb : cb & keep;
    const prod = f[0] * f[1];
    f[2] = prod; // one rounding: binary64 (exact) -> binary32, ties to even
    out[i] = prod !== prod ? qnan : u[2];
  }
}

/**
 * Any format: the significand product (at most 26 x 26 bits) is exact in a double, and normalisation and
 * rounding are done on integers with power-of-two scaling, so no step rounds implicitly. No allocation
 * per pair.
 */
function genericModel(p: FpmulParams, mbits: number): BatchModel {
  const { exp: E, frac: F } = p;
  const P = F + 1;
  const m = clampMbits(p, mbits);
  const bias = fpBias(p);
  const fracUnit = 2 ** F;
  const expMax = 2 ** E - 1;
  const signUnit = 2 ** (E + F);
  const signShift = E + F;
  const fracMask = fracUnit - 1;
  const keep = 2 ** P - 1 - (2 ** (P - m) - 1); // significand positions kept by the mask
  const ftz = p.subnormals === 'ftz';
  const rne = p.rounding === 'rne';
  const qnan = canonicalNaN(p);
  const inf = expMax * fracUnit;
  const maxFinite = inf - 1;
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords) {
      // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read n results)
      for (let i = 0; i < n; i++) {
        // Integer bit operations only (W <= 32, so every field fits an int32): `%` on doubles is a libm call.
        const ca = a[i];
        const cb = b[i];
        const sign = (ca >>> signShift) ^ (cb >>> signShift);
        const ea = (ca >>> F) & expMax;
        const eb = (cb >>> F) & expMax;
        const fa = ca & fracMask;
        const fb = cb & fracMask;
        if ((ea === expMax && fa !== 0) || (eb === expMax && fb !== 0)) {
          out[i] = qnan;
          continue;
        }
        // Masked significands (hidden bit included; subnormals have hidden bit 0 or are flushed).
        // Mutants left alive below (ConditionalExpression): an infinity's significand only matters through sa === 0, and the hidden bit
        // survives every mask
        // Stryker disable next-line ConditionalExpression: equivalent, see above
        const sa = ea === expMax ? 1 : ea === 0 ? (ftz ? 0 : fa & keep) : (fracUnit + fa) & keep;
        // Stryker disable next-line ConditionalExpression: as for sa
        const sb = eb === expMax ? 1 : eb === 0 ? (ftz ? 0 : fb & keep) : (fracUnit + fb) & keep;
        const signBits = sign * signUnit;
        if (ea === expMax || eb === expMax) {
          out[i] = sa === 0 || sb === 0 ? qnan : signBits + inf; // inf * 0 is invalid
          continue;
        }
        if (sa === 0 || sb === 0) {
          out[i] = signBits;
          continue;
        }
        const prod = sa * sb; // < 2^52: exact
        // Leading one of the product: that of sa plus that of sb, plus one when the product carries.
        const lsum = 62 - Math.clz32(sa) - Math.clz32(sb);
        // Mutants left alive below (EqualityOperator): a product of two integers in [2^ja, 2^(ja+1)) and [2^jb, 2^(jb+1)) is never exactly
        // 2^(ja+jb+1)
        // Stryker disable next-line EqualityOperator: equivalent, see above
        const pos = prod >= POW2[lsum + 1] ? lsum + 1 : lsum;
        // Biased exponent of the product normalised to 1.f (subnormal operands sit at exponent 1).
        const er = (ea === 0 ? 1 : ea) + (eb === 0 ? 1 : eb) - bias + pos - 2 * F;
        // Keep P bits below the leading one (normal), or fewer when the result is subnormal.
        let sh = pos + 1 - P;
        const sub = er <= 0 && !ftz;
        if (sub) sh += 1 - er;
        let q: number;
        let inc = 0;
        // Mutants left alive below (ConditionalExpression,EqualityOperator,ArithmeticOperator,UnaryOperator): sh >= 0 always (a normal
        // significand has P bits, a subnormal times a normal at least P), and sh = 0 keeps prod either way
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,UnaryOperator: equivalent, see above
        if (sh <= 0) q = prod * POW2[-sh];
        else {
          // Beyond 2^60 everything is below the last subnormal position and rounds to zero (prod < 2^52 <
          // half): capping the unit there keeps it inside the POW2 table and gives that zero.
          const unit = POW2[Math.min(sh, 60)];
          q = Math.floor(prod / unit);
          const r = prod - q * unit;
          const half = unit / 2;
          if (rne && (r > half || (r === half && (q & 1) === 1))) inc = 1;
        }
        // Exponent field and fraction as one integer; a rounding carry moves into the exponent.
        const packed = (sub ? 0 : (er - 1) * fracUnit) + q + inc;
        let y: number;
        if (packed >= inf) y = rne ? inf : maxFinite;
        else if (packed < fracUnit && ftz) y = 0;
        else y = packed;
        out[i] = signBits + y;
      }
    },
  };
}
