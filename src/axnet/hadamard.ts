import { tf } from '../nn/backend.js';
import type { Hardware } from '../nn/hardware.js';
import { maxAbs32, scaleExponent } from '../arith/fixed-point.js';
import { quantise32 } from '../arith/quantise.js';
import { maskFloats } from '../multipliers/float-multiplier.js';
import { formatOperands } from '../arith/float-format.js';

/** a . c (element-wise), the AXNet control step: on the PE's multiplier, one product per element. */
export type Hadamard = (a: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor2D;

/**
 * The Hadamard product on a hardware's multiplier (the paper's Figure 5b: a multiplier after the
 * activation unit), exact without hardware. Fixed point: both operands quantised at the multiplier's
 * width with their own per-batch exponents (as a layer's operands are), every product read from the
 * RTL table (or its exact per-operand transform). fpmul: both operands keep m significand bits and the
 * product is rounded once (to the format, for bfloat16 / binary16). Backward: the exact product's
 * gradient (straight-through), as the layers do.
 */
export function hadamardOn(hw?: Hardware): Hadamard {
  if (!hw) return (a, c) => tf.mul(a, c);
  const products = hw.fixed ? fixedProducts(hw) : floatProducts(hw);
  return (a, c) => {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [av, cv] = args as tf.Tensor2D[];
      (args[2] as tf.GradSaveFunc)([av!, cv!]);
      return {
        value: tf.tensor2d(products(av!.dataSync() as Float32Array, cv!.dataSync() as Float32Array), av!.shape),
        gradFunc: (dy: tf.Tensor, [sa, sc]: tf.Tensor[]) => [tf.mul(dy, sc!), tf.mul(dy, sa!)],
      };
    });
    return f(a, c) as tf.Tensor2D;
  };
}

function fixedProducts(hw: Hardware): (a: Float32Array, c: Float32Array) => Float32Array {
  const m = hw.fixed!;
  const size = m.qmax - m.qmin + 1;
  const product = m.products
    ? (qa: number, qc: number) => m.products![(qa - m.qmin) * size + qc - m.qmin]!
    : (qa: number, qc: number) => m.transform!.a[qa - m.qmin]! * m.transform!.b[qc - m.qmin]!;
  return (a, c) => {
    const [ea, ec] = [scaleExponent(maxAbs32(a), m.qmax), scaleExponent(maxAbs32(c), m.qmax)];
    const [qa, qc] = [quantise32(a, ea, m.qmin, m.qmax), quantise32(c, ec, m.qmin, m.qmax)];
    const s = 2 ** (ea + ec);
    return Float32Array.from(qa, (q, i) => product(q, qc[i]!) * s);
  };
}

function floatProducts(hw: Hardware): (a: Float32Array, c: Float32Array) => Float32Array {
  const f = hw.float!;
  if (f.narrow) {
    const n = f.narrow;
    return (a, c) => {
      const [ta, tc] = [formatOperands(n, a), formatOperands(n, c)];
      return Float32Array.from(ta, (v, i) => n.product(v, tc[i]!));
    };
  }
  return (a, c) => {
    const [ta, tc] = [maskFloats(a, f.mask), maskFloats(c, f.mask)];
    return Float32Array.from(ta, (v, i) => v * tc[i]!);
  };
}
