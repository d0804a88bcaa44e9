import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tiers } from './vitest.tiers.js';

/**
 * The tests StrykerJS runs against each mutant of the pure TypeScript core (stryker.config.json): the
 * unit tier (table I/O included: its tests build tables by hand, with no simulator).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // every tier but unit (the simulators, synthesis, training and the CLI)
    exclude: Object.values(tiers).flat(),
    env: { AXHW_CACHE_DIR: process.env.AXHW_CACHE_DIR ?? join(tmpdir(), 'axhw-test-cache') },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
