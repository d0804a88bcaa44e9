import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { onBackend } from '../helpers/backend.js';
import { runBackendSuites, type ConformanceResult } from '../../src/onnx/conformance.js';

/**
 * ONNX's own backend test data (Debian's libonnx-testdata, installed by scripts/setup.sh): every test is
 * imported and evaluated against its expected outputs, or refused with an exit-2 message; none may crash
 * or give a wrong output. The tests the importer passes are pinned, so a regression shows by name.
 */
const ROOT = '/usr/share/libonnx-testdata/data';
const PASSING = [
  'node/test_basic_conv_with_padding',
  'node/test_basic_conv_without_padding',
  'node/test_conv_with_autopad_same',
  'node/test_conv_with_strides_and_asymmetric_padding',
  'node/test_conv_with_strides_no_padding',
  'node/test_conv_with_strides_padding',
  'node/test_flatten_axis1',
  'node/test_flatten_default_axis',
  'node/test_gemm_alpha',
  'node/test_gemm_beta',
  'node/test_gemm_default_no_bias',
  'node/test_gemm_default_scalar_bias',
  'node/test_gemm_default_single_elem_vector_bias',
  'node/test_gemm_default_vector_bias',
  'node/test_gemm_default_zero_bias',
  'node/test_gemm_transposeB',
  'node/test_identity',
  'node/test_logsoftmax_example_1',
  'node/test_logsoftmax_large_number',
  'node/test_matmul_2d',
  'node/test_maxpool_2d_precomputed_strides',
  'node/test_softmax_example',
  'node/test_softmax_large_number',
  'pytorch-converted/test_Conv2d_padding',
  'pytorch-converted/test_Conv2d_strided',
  'pytorch-converted/test_Linear',
  'pytorch-converted/test_LogSoftmax',
  'pytorch-converted/test_Softmax',
  'pytorch-converted/test_log_softmax_lastdim',
  'pytorch-converted/test_softmax_lastdim',
  'pytorch-operator/test_operator_conv',
  'pytorch-operator/test_operator_flatten',
  'pytorch-operator/test_operator_mm',
];

onBackend('cpu');

describe("ONNX's backend test data (libonnx-testdata)", () => {
  let results: ConformanceResult[];
  beforeAll(async () => {
    if (!existsSync(ROOT)) throw new Error(`${ROOT} is missing: run scripts/setup.sh (it installs libonnx-testdata)`);
    results = runBackendSuites(ROOT);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    console.log(
      `ONNX backend tests: ${count('passed')} passed, ${count('refused')} refused, ${count('failed')} failed of ${results.length}`,
    );
  }, 300_000);

  it('no supported test gives a wrong output, none crashes', () => {
    expect(results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(results.length).toBeGreaterThan(1000);
  });

  it('the tests the importer supports pass within ONNX runner tolerance (rtol 1e-3, atol 1e-7)', () => {
    expect(
      results
        .filter((r) => r.status === 'passed')
        .map((r) => r.test)
        .sort(),
    ).toEqual(PASSING);
  });

  it('every refusal names its reason (node and operator, or the graph property)', () => {
    for (const r of results)
      if (r.status === 'refused') expect(r.reason, r.test).toMatch(/: (node .*\(\w+\)|the graph|input|tensor|initializer|.*not)/);
  });
});
