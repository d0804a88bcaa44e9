import { afterAll, beforeAll } from 'vitest';
import { initBackend, type BackendName } from '../../src/nn/backend.js';

/**
 * Runs this file's tests on `name` and gives the worker back on the backend it had. Unit test files share a
 * worker's modules (vitest.config.ts: no isolation), so a file that switches backends must switch back, or
 * the files after it would run on its backend.
 */
export function onBackend(name: BackendName): void {
  let before: BackendName;
  beforeAll(async () => {
    before = (await initBackend()).name;
    await initBackend(name);
  });
  afterAll(async () => {
    await initBackend(before);
  });
}
