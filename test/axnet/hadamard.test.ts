import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/nn/backend.js';
import { hadamardOn } from '../../src/axnet/hadamard.js';
import { fixedHardware, floatHardware } from '../../src/nn/hardware.js';
import { quantiseValue, scaleExponent } from '../../src/arith/fixed-point.js';
import { handMultiplier } from '../helpers/multiplier.js';
import { formatArithmetic } from '../../src/arith/float-format.js';
import { FP_PRESETS as FORMATS } from '../../src/models/fpmul.js';
import type { FloatMultiplier } from '../../src/multipliers/float-multiplier.js';

beforeAll(async () => {
  await initBackend();
});

const a = Float32Array.from([0.5, -1.25, 3, 0.1, 0, 2.2]);
const c = Float32Array.from([1, 0.75, -0.3, 8, 5, -0.01]);
const t = (v: Float32Array) => tf.tensor2d(v, [2, 3]);

describe('the Hadamard step on hardware', () => {
  it('exact: a . c, and its gradients are c and a', () => {
    const h = hadamardOn();
    expect(Array.from(h(t(a), t(c)).dataSync())).toEqual(Array.from(a, (v, i) => Math.fround(v * c[i]!)));
  });

  it('fixed point: each operand quantised with its own exponent, every product from the table', () => {
    // A multiplier that adds 1 to every product shows the table is read, not a float product.
    const mult = handMultiplier(6, (p, q) => p * q + 1);
    const h = hadamardOn(fixedHardware(mult, 'table', 'test'));
    const [ea, ec] = [scaleExponent(3, 31), scaleExponent(8, 31)];
    const want = Array.from(a, (v, i) =>
      Math.fround((quantiseValue(v, ea, -32, 31) * quantiseValue(c[i]!, ec, -32, 31) + 1) * 2 ** (ea + ec)),
    );
    expect(Array.from(h(t(a), t(c)).dataSync())).toEqual(want);
    // the transform path reads Ta(qa) Tb(qc)
    const tr = handMultiplier(6, (p, q) => 2 * p * q, 'twice', { a: (p) => 2 * p, b: (q) => q });
    const ht = hadamardOn(fixedHardware({ ...tr, products: undefined }, 'transform', 'test'));
    // (+ 0: an integer product has no signed zero)
    expect(Array.from(ht(t(a), t(c)).dataSync(), (v) => v + 0)).toEqual(
      Array.from(a, (v, i) => Math.fround(2 * quantiseValue(v, ea, -32, 31) * quantiseValue(c[i]!, ec, -32, 31) * 2 ** (ea + ec)) + 0),
    );
  });

  it('back-propagates straight through: d/da = dy c, d/dc = dy a', () => {
    const h = hadamardOn(
      fixedHardware(
        handMultiplier(6, (p, q) => p * q + 1),
        'table',
        'test',
      ),
    );
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(h(x as tf.Tensor2D, y as tf.Tensor2D), tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))),
    );
    const [ga, gc] = g([t(a), t(c)]);
    expect(Array.from(ga!.dataSync())).toEqual(Array.from(c, (v, i) => Math.fround(v * (i + 1))));
    expect(Array.from(gc!.dataSync())).toEqual(Array.from(a, (v, i) => Math.fround(v * (i + 1))));
  });

  it('fpmul: both operands keep m significand bits, one rounding; a narrow format rounds the product to it', () => {
    const mask = (m: number) => (0xffffffff << (24 - m)) >>> 0;
    const trunc = (v: number, m: number) => {
      const u = new Uint32Array(Float32Array.of(v).buffer);
      u[0] = u[0]! & mask(m);
      return new Float32Array(u.buffer)[0]!;
    };
    const fm = {
      kind: 'float',
      label: 'fp m=4',
      mbits: 4,
      mask: mask(4),
      format: FORMATS.binary32,
      provenance: { source: 'registry-unit', unit: 'fpmul', params: {}, top: 'fpmul', rtlHash: 'x', checkedPairs: 0 },
    } as FloatMultiplier;
    const h = hadamardOn(floatHardware(fm));
    expect(Array.from(h(t(a), t(c)).dataSync())).toEqual(Array.from(a, (v, i) => Math.fround(trunc(v, 4) * trunc(c[i]!, 4))));
    expect(Array.from(h(t(a), t(c)).dataSync())).not.toEqual(Array.from(a, (v, i) => Math.fround(v * c[i]!)));
    const narrow = formatArithmetic(FORMATS.bfloat16, 5);
    const hb = hadamardOn(floatHardware({ ...fm, narrow }));
    expect(Array.from(hb(t(a), t(c)).dataSync())).toEqual(
      Array.from(a, (v, i) => narrow.product(narrow.mask(narrow.toFormat(v)), narrow.mask(narrow.toFormat(c[i]!)))),
    );
  });
});
