import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { wasmOnce } from '../util/wasm-once.js';

/**
 * What quantising one operand takes: x; `exponent` picks e from max |x|; codes clip to [qmin, qmax]; each
 * code becomes table(e)[code - qmin], written into `out`.
 */
export type OperandQuantisation = [
  x: Float32Array,
  exponent: (maxAbs: number) => number,
  qmin: number,
  qmax: number,
  table: (e: number) => Float32Array,
  out: Float32Array,
];

/**
 * The fixed-point quantiser of the approximate layers in WebAssembly SIMD (wasm/quantise.wat, assembled
 * into dist/wasm/quantise.wasm by `npm run build`): max |x|, then T(clip(round_half_even(x / 2^e),
 * qmin, qmax)) four lanes at a time. It computes exactly what maxAbs32 + quantise32 compute in JS (the
 * product x * 2^-e is exact in float32 as in double, wasm's `nearest` rounds half to even, NaN becomes
 * code 0 in both; tested against them), about four times faster: this pass runs over every activation
 * and weight at every layer and step of hardware-in-the-loop training. `quantise` returns undefined
 * where it does not apply (code ranges above 8192, |e| > 100) and the caller runs the JS loops.
 */
export interface SimdQuantiser {
  /** max|x| is passed to `exponent`, which picks e; x is read once into wasm memory for both passes. */
  quantise(...operand: OperandQuantisation): { maxAbs: number; e: number } | undefined;
  /** fpmul's significand mask on every finite float32 (infinities and NaN unchanged), into `out`. */
  mask(x: Float32Array, mask: number, out: Float32Array): Float32Array;
}

interface Exports {
  memory: WebAssembly.Memory;
  maxabs(src: number, n: number): number;
  quantise(src: number, n: number, scale: number, qmin: number, qmax: number, table: number, dst: number): void;
  maskf32(src: number, n: number, mask: number, dst: number): void;
}

export const SIMD_QUANTISER_FILE = join(packageRoot, 'dist', 'wasm', 'quantise.wasm');

const quantiser = wasmOnce(
  SIMD_QUANTISER_FILE,
  (module) => makeQuantiser(new WebAssembly.Instance(module).exports as unknown as Exports),
  () => 'WebAssembly SIMD',
  'JavaScript',
);

/** The SIMD quantiser, or undefined (with `simdQuantiserStatus()` saying why) where it cannot load. */
export const simdQuantiser = (): SimdQuantiser | undefined => quantiser.get();

/** Which quantiser the approximate layers use, and why not SIMD where it is not. */
export const simdQuantiserStatus = (): string => quantiser.status();

function makeQuantiser(ex: Exports): SimdQuantiser {
  const TABLE_BYTES = 4 * 8192; // up to 13-bit code ranges
  let capacity = 0; // floats per operand region
  const ensure = (n: number) => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: growing when not needed only wastes memory
    if (n <= capacity) return;
    const need = TABLE_BYTES + 8 * n;
    const have = ex.memory.buffer.byteLength;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: growing more than needed only wastes memory
    if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
    capacity = n;
  };
  return {
    quantise(x, exponent, qmin, qmax, table, out) {
      const n = x.length;
      // Stryker disable next-line EqualityOperator: at exactly 8192 codes declining runs the JS loop, the same bits
      if (qmax - qmin + 1 > TABLE_BYTES / 4) return undefined;
      ensure(n);
      const src = TABLE_BYTES;
      const dst = TABLE_BYTES + 4 * n;
      const mem = new Float32Array(ex.memory.buffer);
      mem.set(x, src / 4);
      const maxAbs = ex.maxabs(src, n);
      const e = exponent(maxAbs);
      // The scale is a float32 argument: beyond 2^+-100 (never met in practice) the caller's JS loop runs.
      // Stryker disable next-line EqualityOperator: declining at |e| = 100 runs the JS loop, the same bits
      if (Math.abs(e) > 100) return undefined;
      mem.set(table(e), 0);
      ex.quantise(src, n, 2 ** -e, qmin, qmax, 0, dst);
      out.set(mem.subarray(dst / 4, dst / 4 + n));
      return { maxAbs, e };
    },
    mask(x, mask, out) {
      const n = x.length;
      ensure(n);
      const [src, dst] = [TABLE_BYTES, TABLE_BYTES + 4 * n];
      const mem = new Float32Array(ex.memory.buffer);
      mem.set(x, src / 4);
      ex.maskf32(src, n, mask | 0, dst);
      out.set(mem.subarray(dst / 4, dst / 4 + n));
      return out;
    },
  };
}
