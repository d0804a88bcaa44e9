import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/nn/backend.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Where a tensor's data lives in the wasm backend's memory. */
const offsetOf = (t: tf.Tensor) => (tf.backend() as unknown as { getMemoryOffset(id: object): number }).getMemoryOffset(t.dataId);

describe('Identity and same-dtype Cast on the wasm backend', () => {
  it('share the data instead of copying it, and the copy outlives the original', () => {
    const before = tf.memory().numTensors; // other files may share this worker's engine
    const x = tf.tensor1d([1, -0, NaN, 3.5]);
    const saved = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    expect(offsetOf(saved)).toBe(offsetOf(x));
    expect(offsetOf(cast)).toBe(offsetOf(x));
    x.dispose();
    expect(Array.from(saved.dataSync())).toEqual([1, -0, NaN, 3.5]);
    saved.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1, -0, NaN, 3.5]);
    cast.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a cast to another dtype still converts (its own memory)', () => {
    const x = tf.tensor1d([1.75, -2.5, 3]);
    const i = tf.cast(x, 'int32');
    expect(offsetOf(i)).not.toBe(offsetOf(x));
    expect(Array.from(i.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([x, i]);
  });

  it('gradients through saved tensors are unchanged (the engine clones what it saves)', () => {
    const x = tf.tensor2d([
      [0.5, -1.5],
      [2, -0],
    ]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), v)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 4, 0]);
    tf.dispose([x, g]);
  });
});
