import { describe, expect, it } from 'vitest';
import { mergeNpuRunParts, npuRunFailure, npuRunSchema, type NpuRunPart, type NpuRunRecord } from '../../src/target/npu-report.js';

const record = (o: Partial<NpuRunRecord>): NpuRunRecord => ({
  format: 'axhw-npu-run',
  version: 1,
  command: 'axhw npu run out/bc --multiplier drum:width=8,k=4,signed',
  model: 'breast-cancer',
  dataset: 'breast-cancer',
  npu: 'P=4',
  top: 'npu_x',
  samples: 0,
  bitExact: true,
  comparedOutputs: 0,
  accuracyReference: 0,
  cyclesPerInference: { measured: 100, distinct: [100], model: 100, allEqualModel: true },
  multipliesPerInference: 1000,
  simulatedCycles: 0,
  seconds: 1,
  inferencesPerSecond: 1,
  ...o,
});

/** A shard's part: n samples from `first`, `correct` of them right, each taking `cycles`. */
function part(
  first: number,
  n: number,
  correct: number,
  cycles: number[] = Array(n).fill(100),
  mismatch?: NpuRunRecord['mismatch'],
): NpuRunPart {
  return {
    first,
    correctRtl: mismatch ? 0 : correct,
    correctReference: correct,
    cyclesMeasured: cycles,
    record: record({
      samples: n,
      bitExact: !mismatch,
      comparedOutputs: 10 * n,
      mismatch,
      accuracyRtl: mismatch ? undefined : correct / n,
      accuracyReference: correct / n,
      simulatedCycles: n * 100,
    }),
  };
}

describe('merging the parts of a sharded npu run', () => {
  it('sums counts, divides summed correct counts as accuracy() does, keeps the first sample and distinct cycles in order', () => {
    const m = mergeNpuRunParts([part(0, 3, 2, [100, 100, 101]), part(3, 3, 3), part(6, 1, 0, [99])]);
    expect(npuRunSchema.safeParse(m).success).toBe(true);
    expect(m).toMatchObject({ samples: 7, comparedOutputs: 70, bitExact: true, accuracyRtl: 5 / 7, accuracyReference: 5 / 7 });
    expect(m.cyclesPerInference).toEqual({ measured: 100, distinct: [100, 101, 99], model: 100, allEqualModel: false });
    // Cycles off the model fail the merged run, as they fail the unsharded one.
    expect(npuRunFailure(m, m.mismatch)?.message).toMatch(/differ from the cycle model \(100\): 100, 101, 99/);
  });

  it('a part that was not bit-exact fails the merge, naming the earliest mismatch in sample order', () => {
    const at = (sample: number) => ({ sample, layer: 1, kind: 'dense', neuron: 3, pe: 2, cycle: 40, expected: 5, got: 6, what: 'output' });
    const m = mergeNpuRunParts([part(0, 3, 3), part(3, 3, 2, undefined, at(4)), part(6, 3, 1, undefined, at(7))]);
    expect(m).toMatchObject({ bitExact: false, mismatch: { sample: 4 }, accuracyReference: 6 / 9 });
    expect(m.accuracyRtl).toBeUndefined();
    expect(npuRunFailure(m, m.mismatch)?.message).toMatch(/sample 4, layer 1 \(dense\), output 3, PE 2/);
    // Its JSON keeps the unsharded record's field order: mismatch after comparedOutputs.
    const keys = Object.keys(JSON.parse(JSON.stringify(m)));
    expect(keys.indexOf('mismatch')).toBe(keys.indexOf('comparedOutputs') + 1);
  });
});
