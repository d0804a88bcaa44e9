import { expect } from 'vitest';
import { AxhwError } from '../../src/errors.js';

/** The AxhwError `f` throws (failing the test when it throws something else, or nothing), to read its message and fix. */
export function thrown(f: () => unknown): AxhwError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AxhwError);
    return e as AxhwError;
  }
  throw new Error('expected an AxhwError, nothing was thrown');
}
