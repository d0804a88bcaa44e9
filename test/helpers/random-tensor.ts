import { tf } from '../../src/nn/backend.js';
import type { Rng } from '../../src/util/rng.js';

/** A seeded tensor of float32 values in [-1, 1), a share `zeros` of them 0 (the kernels' zero skipping). */
export const randomTensor = (rng: Rng, shape: number[], zeros = 0) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
      rng.nextU32() / 2 ** 32 < zeros ? 0 : Math.fround((rng.nextU32() / 2 ** 32) * 2 - 1),
    ),
    shape,
  );
