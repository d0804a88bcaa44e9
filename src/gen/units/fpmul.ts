import { defineUnit, type DerivedTableKind } from '../unit.js';
import type { ParamDecl, ParamsOf } from '../params.js';
import {
  clampMbits,
  fpBias,
  fpDecode,
  fpDecoder,
  fpmulBatchModel,
  fpmulTransformCode,
  fpWidth,
  sigWidth,
  FP_PRESETS,
} from '../../models/fpmul.js';
import { clog2 } from '../../util/bits.js';

const FPMUL_PARAMS = [
  { name: 'exp', kind: 'int', min: 3, max: 11, default: 8, doc: 'exponent bits (3..11; bias 2^(exp-1) - 1)' },
  { name: 'frac', kind: 'int', min: 2, max: 25, default: 23, doc: 'fraction bits, hidden bit excluded (2..25; exp + frac <= 31)' },
  {
    name: 'rounding',
    kind: 'enum',
    values: ['rne', 'trunc'],
    default: 'rne',
    doc: 'rne: round to nearest, ties to even (overflow -> inf); trunc: toward zero (overflow -> largest finite)',
  },
  {
    name: 'subnormals',
    kind: 'enum',
    values: ['full', 'ftz'],
    default: 'full',
    doc: 'full: IEEE gradual underflow; ftz: subnormal inputs read as zero and tiny results flush to zero',
  },
  {
    name: 'pipeline',
    kind: 'int',
    min: 0,
    max: 2,
    default: 0,
    doc:
      'register stages of the wrapper: 0 combinational, 1 output register, 2 input and output registers ' +
      '(clk, rst, valid_in, valid_out)',
  },
] as const satisfies readonly ParamDecl[];

type FpmulUnitParams = ParamsOf<typeof FPMUL_PARAMS>;

/** Width of the mbits port: holds 0..P (P = frac + 1), so codes above P exist and are clamped. */
const mbitsWidth = (p: FpmulUnitParams): number => clog2(sigWidth(p) + 1);

/** Most entries a significand table may have (2^(2(m-1)) <= 2^24, i.e. m <= 13). */
const MAX_SIG_TABLE_LOG2 = 24;

/**
 * Significand-product table, indexed the way LUT-based approximate-FP training frameworks index it:
 * row = the m - 1 fraction bits of a that survive the mask, column = those of b. The RTL is driven
 * with 1.a * 1.b (both exponents = bias, sign 0), so the entry is the result code minus the code of
 * 1.0: (exponent increment << frac) | fraction, i.e. product = 2^(entry >> frac) * (1 + (entry mod 2^frac) / 2^frac).
 */
const significandTable: DerivedTableKind<FpmulUnitParams> = {
  name: 'significand',
  doc: 'significand-product table for one mbits: 2^(mbits-1) x 2^(mbits-1) entries, (exponent increment << frac) | fraction of 1.a x 1.b',
  operands(p, c) {
    const f = p;
    const m = clampMbits(f, c.mbits);
    const idxBits = m - 1;
    if (2 * idxBits > MAX_SIG_TABLE_LOG2) {
      return (
        `a significand table at mbits = ${m} would have 2^${2 * idxBits} entries; the limit is 2^${MAX_SIG_TABLE_LOG2} ` +
        `(mbits <= ${MAX_SIG_TABLE_LOG2 / 2 + 1}). Pass --mbits ${MAX_SIG_TABLE_LOG2 / 2 + 1} or less.`
      );
    }
    const side = 2 ** idxBits;
    const one = fpBias(f) * 2 ** f.frac;
    const step = 2 ** (f.frac - idxBits);
    const a = new Uint32Array(side * side);
    const b = new Uint32Array(side * side);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        a[i * side + j] = one + i * step;
        b[i * side + j] = one + j * step;
      }
    }
    return {
      shape: [side, side],
      a,
      b,
      entryBits: f.frac + 2,
      layout:
        `row = top ${idxBits} fraction bits of a, column = top ${idxBits} fraction bits of b (mbits ` +
        `= ${m}); entry = (exponent increment << ${f.frac}) | fraction of the rounded product 1.a x ` +
        `1.b; little-endian`,
    };
  },
  entry(p) {
    const one = fpBias(p) * 2 ** p.frac;
    return (y) => y - one;
  },
};

export const fpmulUnit = defineUnit({
  name: 'fpmul',
  description:
    'Floating-point multiplier with a run-time number of significand bits (FramNN); IEEE-754 style, ' +
    'rne or truncating, gradual or flushed underflow',
  params: FPMUL_PARAMS,
  presets: {
    binary32: { ...FP_PRESETS.binary32 },
    bfloat16: { ...FP_PRESETS.bfloat16 },
    binary16: { ...FP_PRESETS.binary16 },
  },
  rules: ['1 + exp + frac <= 32 (formats are at most 32 bits wide)'],
  check(p) {
    const w = fpWidth(p);
    if (w > 32) return `exp + frac = ${w - 1} exceeds 31: formats are at most 32 bits wide (sign + exp + frac).`;
    return undefined;
  },
  template: 'fpmul.v.hbs',
  templateContext(p) {
    const f = p;
    const P = sigWidth(f);
    const lzw = clog2(2 * P);
    const stages = p.pipeline;
    return {
      e: f.exp,
      f: f.frac,
      p: P,
      w: fpWidth(f),
      bias: fpBias(f),
      emax: 2 ** f.exp - 1,
      mw: mbitsWidth(p),
      lzw,
      // Signed exponent arithmetic: room for 2 * (2^exp - 2) and for -(2P - 1), plus a sign bit.
      xw: Math.max(f.exp, lzw) + 3,
      rne: f.rounding === 'rne',
      ftz: f.subnormals === 'ftz',
      stages,
      pipelined: stages > 0,
      inputRegs: stages > 1,
    };
  },
  numbers: (p) => ({ kind: 'float', exp: p.exp, frac: p.frac }),
  // The core module is the top when combinational; with pipeline stages it is <top>_core inside the wrapper.
  ports(p) {
    const w = fpWidth(p);
    const stages = p.pipeline;
    return {
      a: { name: 'a', width: w },
      b: { name: 'b', width: w },
      y: { name: 'y', width: w },
      signed: false,
      controls: [{ name: 'mbits', width: mbitsWidth(p), value: sigWidth(p) }],
      clock: stages > 0 ? { clk: 'clk', reset: 'rst', validIn: 'valid_in', validOut: 'valid_out', latency: stages } : undefined,
    };
  },
  controls: [
    {
      name: 'mbits',
      doc: 'run-time significand bits kept per operand, hidden bit included (1..frac+1; 0 acts as 1, larger values as frac+1)',
      width: mbitsWidth,
      default: (p) => sigWidth(p),
    },
  ],
  model: (p, c) => fpmulBatchModel(p, c.mbits),
  transform(p, c) {
    const f = p;
    const t = fpmulTransformCode(f, c.mbits);
    const decode = fpDecoder(f);
    return (code) => decode(t(code));
  },
  valueOfCode(p) {
    return fpDecoder(p);
  },
  metricsDomain(p) {
    const f = p;
    const minNormal = 2 ** (1 - fpBias(f));
    const maxFinite = (2 - 2 ** -f.frac) * 2 ** (2 ** f.exp - 2 - fpBias(f));
    return {
      accepts: (exact, approx) => Number.isFinite(approx) && Math.abs(exact) >= minNormal && Math.abs(exact) <= maxFinite,
      doc:
        `pairs whose exact product is in the normal range [${minNormal}, ${maxFinite}] (overflow and ` +
        `underflow are range effects, not mbits approximation)`,
    };
  },
  sampleOperands(p) {
    // Finite normal operands with random sign and fraction and exponents in the middle half of the
    // range, so that every product is in the normal range: the error is the mbits approximation alone.
    const f = p;
    const bias = fpBias(f);
    const span = Math.floor((bias - 1) / 2); // |unbiased exponent| <= span, so |e_a + e_b| <= bias - 1
    const fracBits = f.frac;
    return (rng, a, b, n) => {
      for (const out of [a, b]) {
        for (let i = 0; i < n; i++) {
          const e = bias - span + (rng.nextBits(16) % (2 * span + 1));
          const frac = fracBits > 16 ? rng.nextBits(16) * 2 ** (fracBits - 16) + rng.nextBits(fracBits - 16) : rng.nextBits(fracBits);
          out[i] = rng.nextBits(1) * 2 ** (f.exp + fracBits) + e * 2 ** fracBits + frac;
        }
      }
    };
  },
  describeCode(p) {
    const f = p;
    return (code) => String(fpDecode(f, code));
  },
  extraCorners(p) {
    // Every class on purpose, both signs: zeros, subnormals, normals at the range ends, infinities,
    // quiet and signalling NaNs, values whose products renormalise or tie, and exponents whose
    // products land at the overflow and underflow boundaries.
    const f = p;
    const F = f.frac;
    const emax = 2 ** f.exp - 1;
    const bias = fpBias(f);
    const half = 2 ** (F - 1);
    const fracs = [0, 1, 2, half, half + 1, half - 1, 2 ** F - 1, 2 ** F - 2, Math.floor((2 ** F - 1) / 3)];
    const exps = new Set<number>([0, 1, 2, bias - 1, bias, bias + 1, emax - 1, emax - 2]);
    for (const d of [-2, -1, 0, 1, 2]) {
      exps.add(Math.floor((emax - 1 + bias) / 2) + d); // squares near the overflow boundary
      exps.add(Math.floor((1 + bias) / 2) + d); // squares near the smallest normal
      exps.add(Math.floor((1 + bias - F) / 2) + d); // squares near the smallest subnormal
    }
    const out: number[] = [];
    for (const s of [0, 1]) {
      for (const e of exps) {
        if (e < 0 || e >= emax) continue;
        for (const fr of fracs) out.push(s * 2 ** (f.exp + F) + e * 2 ** F + fr);
      }
      // Infinities and NaNs: quiet (canonical and with payload) and signalling.
      for (const fr of [0, half, half + 1, 1, half - 1, 2 ** F - 1]) out.push(s * 2 ** (f.exp + F) + emax * 2 ** F + fr);
    }
    return out;
  },
  derivedTables: [significandTable],
  testSweep: [
    { exp: 8, frac: 23, rounding: 'rne', subnormals: 'full', pipeline: 0 },
    { exp: 8, frac: 23, rounding: 'trunc', subnormals: 'ftz', pipeline: 0 },
    { exp: 8, frac: 7, rounding: 'rne', subnormals: 'ftz', pipeline: 0 },
    { exp: 5, frac: 10, rounding: 'trunc', subnormals: 'full', pipeline: 0 },
    { exp: 4, frac: 3, rounding: 'rne', subnormals: 'full', pipeline: 0 },
    { exp: 4, frac: 3, rounding: 'trunc', subnormals: 'ftz', pipeline: 0 },
    { exp: 8, frac: 23, rounding: 'rne', subnormals: 'full', pipeline: 2 },
    { exp: 5, frac: 10, rounding: 'rne', subnormals: 'full', pipeline: 1 },
    { exp: 11, frac: 20, rounding: 'rne', subnormals: 'full', pipeline: 0 },
    { exp: 3, frac: 25, rounding: 'trunc', subnormals: 'full', pipeline: 0 },
  ],
});
