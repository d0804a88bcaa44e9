import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tiers } from './vitest.tiers.js';

export default defineConfig({
  test: {
    // Verilator builds dominate; share one build cache across the run so identical designs compile once.
    env: { AXHW_CACHE_DIR: process.env.AXHW_CACHE_DIR ?? join(tmpdir(), 'axhw-test-cache') },
    globalSetup: ['test/setup/temp-dir.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // Unit test files share their worker's modules: importing TensorFlow.js and the sources again for each of
      // them took a third of the tier's CPU time. A file that changes process-wide state puts it back
      // (test/helpers/backend.ts).
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: Object.values(tiers).flat(), isolate: false },
      },
      ...Object.entries(tiers).map(([name, include]) => ({ extends: true as const, test: { name, include } })),
    ],
  },
});
