import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Verilator builds dominate; share one build cache across the run so identical designs compile once.
    env: { AXHW_CACHE_DIR: process.env.AXHW_CACHE_DIR ?? join(tmpdir(), 'axhw-test-cache') },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
