import { mask32 } from '../util/bits.js';
import { mul32x32, neg64, mask64, u64 } from '../util/u64.js';
import type { BatchModel, ResultWords } from './operator.js';
import { sm, splitSignMagnitude } from './sign-magnitude.js';

/** Exact N x N multiplier with a 2N-bit result: the baseline every approximate unit is compared to. */
export interface ExactMulParams {
  width: number;
  signed: boolean;
}

export function exactMulReference(p: ExactMulParams, aCode: bigint, bCode: bigint): bigint {
  const val = (c: bigint) => (p.signed ? BigInt.asIntN(p.width, c) : c);
  return BigInt.asUintN(2 * p.width, val(aCode) * val(bCode));
}

export function exactMulBatchModel(p: ExactMulParams): BatchModel {
  const { width: n, signed } = p;
  const yBits = 2 * n;
  const half = 2 ** (n - 1);
  const full = 2 ** n;
  if (yBits <= 32) {
    const yMask = mask32(yBits);
    // Stryker disable next-line ConditionalExpression: a 32-bit mask stores the same word into the Uint32Array
    const exactWord = yBits === 32;
    return {
      evalBatch(a: Uint32Array, b: Uint32Array, count: number, out: ResultWords) {
        // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read count results)
        for (let i = 0; i < count; i++) {
          const va = signed && a[i] >= half ? a[i] - full : a[i];
          const vb = signed && b[i] >= half ? b[i] - full : b[i];
          const prod = va * vb; // |prod| <= 2^32: exact
          out[i] = exactWord ? prod : prod & yMask;
        }
      },
    };
  }
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, count: number, out: ResultWords) {
      // Stryker disable next-line EqualityOperator: a result one past the batch is never read (callers read count results)
      for (let i = 0; i < count; i++) {
        splitSignMagnitude(a[i], b[i], signed, half, full);
        mul32x32(sm.ma, sm.mb);
        if (sm.neg) neg64();
        mask64(yBits);
        out[2 * i] = u64.lo;
        out[2 * i + 1] = u64.hi;
      }
    },
  };
}
