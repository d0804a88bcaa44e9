/**
 * Tests in tiers (vitest projects); `npm test` runs them all, `npm run test:<tier>` one of them:
 * - unit:  models, parameters, parsers, fixed point, the quantised network, tasks, documents (no tools)
 * - cosim: Verilator co-simulation: RTL against models, tables, user RTL, lint of generated RTL
 * - eda:   Yosys + ABC synthesis, OpenSTA timing and power, characterization sweeps
 * - train: networks on RTL-derived arithmetic, training methods, real data sets
 * - e2e:   the CLI and the paper experiments end to end
 * A test file belongs to the first tier whose patterns match it; unit takes every other file. Mutation
 * testing (vitest.mutate.config.ts) runs the unit tier only, so it reads the same list.
 */
export const tiers: Record<string, string[]> = {
  cosim: [
    'test/cosim/{cache,drum-properties,fpmul-properties,unit-runner,module-runner,session}.test.ts',
    'test/npu/npu.test.ts',
    'test/npu/axnet.test.ts',
    'test/lut/lut.test.ts',
    'test/external/**/*.test.ts',
    'test/gen/rtl-lint.test.ts',
    'test/multipliers/**/*.test.ts',
    'test/shard/verify-shards.test.ts',
  ],
  eda: ['test/synth/**/*.test.ts', 'test/characterize/**/*.test.ts'],
  train: [
    'test/arith/approx-layers.test.ts',
    'test/train/{real-data,training,framnn-training}.test.ts',
    'test/npu/real-data.test.ts',
    'test/npu/heterogeneous.test.ts',
    'test/tetris/sac-pe.test.ts',
    'test/onnx/pytorch-fixtures.test.ts',
    'test/onnx/strided.test.ts',
  ],
  e2e: [
    'test/cli/**/*.test.ts',
    'test/report/browser.test.ts',
    'test/demo/**/*.test.ts',
    'test/experiments/{axtrain,axtrain-system,tetris,framnn,axnet}.test.ts',
    'test/shard/slurm.test.ts',
  ],
};
