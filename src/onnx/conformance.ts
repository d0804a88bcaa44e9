import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxhwError } from '../errors.js';
import { evaluateImported } from './evaluate.js';
import { importOnnx } from './import.js';
import { readModelProto, readTensorProto, tensorValues } from './proto.js';

/**
 * One test of ONNX's backend test data (a folder with model.onnx and test_data_set_*): imported and
 * evaluated on every data set, or refused with the importer's exit-2 message. Inputs after the first are
 * given their data set's values as constants (ONNX's operator tests pass weights as inputs). The tolerance
 * is ONNX's own runner's: |ours - expected| <= atol + rtol |expected|, rtol 1e-3, atol 1e-7, unless the
 * test's data.json states others.
 */
export type ConformanceResult =
  | { test: string; status: 'passed'; dataSets: number; worst: number }
  | { test: string; status: 'refused'; reason: string }
  | { test: string; status: 'failed'; reason: string };

export function runBackendTest(dir: string, test: string): ConformanceResult {
  const sets = readdirSync(dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort();
  const tol = {
    rtol: 1e-3,
    atol: 1e-7,
    ...(existsSync(join(dir, 'data.json')) ? (JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as object) : {}),
  };
  try {
    const model = readModelProto(join(dir, 'model.onnx'));
    const init = new Set((model.graph?.initializer ?? []).map((t) => t.name));
    const inputs = (model.graph?.input ?? []).map((v) => v.name).filter((n) => !init.has(n));
    let worst = 0;
    for (const set of sets) {
      const frozen = new Map(inputs.slice(1).map((n, k) => [n, readTensorProto(join(dir, set, `input_${k + 1}.pb`))]));
      const net = importOnnx(model, test, test, frozen);
      const x = readTensorProto(join(dir, set, 'input_0.pb'));
      const want = tensorValues(readTensorProto(join(dir, set, 'output_0.pb')), `${test} output_0`);
      const got = evaluateImported(net, Float32Array.from(tensorValues(x, `${test} input_0`)), x.dims?.[0] ?? 1, { head: true });
      const wantDims = (readTensorProto(join(dir, set, 'output_0.pb')).dims ?? []).join(' x ');
      const v = net.output;
      const gotDims = [x.dims?.[0] ?? 1, ...(v.kind === 'flat' ? [v.n] : [v.c, v.h, v.w])].join(' x ');
      if (gotDims !== wantDims || got.length !== want.length)
        return { test, status: 'failed', reason: `output of ${gotDims} (${got.length} values), expected ${wantDims} (${want.length})` };
      for (let k = 0; k < want.length; k++) {
        const excess = Math.abs(got[k]! - want[k]!) - (tol.atol + tol.rtol * Math.abs(want[k]!));
        if (!(excess <= 0)) return { test, status: 'failed', reason: `output ${k}: ${got[k]} against ${want[k]} (${set})` };
        worst = Math.max(worst, Math.abs(got[k]! - want[k]!));
      }
    }
    return { test, status: 'passed', dataSets: sets.length, worst };
  } catch (e) {
    if (e instanceof AxhwError) return { test, status: 'refused', reason: e.message };
    throw e;
  }
}

/** Every test under the suites' root (its folders node, pytorch-converted, pytorch-operator, simple). */
export function runBackendSuites(root: string, suites = ['node', 'pytorch-converted', 'pytorch-operator', 'simple']): ConformanceResult[] {
  return suites.flatMap((suite) =>
    readdirSync(join(root, suite))
      .filter((t) => existsSync(join(root, suite, t, 'model.onnx')))
      .sort()
      .map((t) => runBackendTest(join(root, suite, t), `${suite}/${t}`)),
  );
}
