import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The tests StrykerJS runs against each mutant of the pure TypeScript core (stryker.config.json): the
 * unit tier (table I/O included: its tests build tables by hand, with no simulator).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/cosim/{cache,drum-properties,fpmul-properties,unit-runner,module-runner}.test.ts',
      'test/npu/{npu,real-data}.test.ts',
      'test/lut/lut.test.ts',
      'test/external/**',
      'test/gen/rtl-lint.test.ts',
      'test/synth/**',
      'test/characterize/**',
      'test/arith/approx-layers.test.ts',
      'test/train/{real-data,training}.test.ts',
      'test/cli/**',
      'test/experiments/axtrain.test.ts',
    ],
    env: { AXHW_CACHE_DIR: process.env.AXHW_CACHE_DIR ?? join(tmpdir(), 'axhw-test-cache') },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
