import { describe, expect, it } from 'vitest';
import { workloadActivity } from '../../src/synth/activity.js';
import type { OperatorPorts } from '../../src/models/operator.js';
import { Rng } from '../../src/util/rng.js';

/** Toggle rate and duty of each operand bit, counted from the operands written out as binary strings. */
function byStrings(values: Uint32Array, width: number) {
  const bits = Array.from(values, (v) => v.toString(2).padStart(64, '0'));
  return Array.from({ length: width }, (_, i) => {
    const at = (t: number) => bits[t]![63 - i];
    let ones = 0;
    let toggles = 0;
    for (let t = 0; t < bits.length; t++) {
      if (at(t) === '1') ones++;
      if (t > 0 && at(t) !== at(t - 1)) toggles++;
    }
    return { activity: toggles / (bits.length - 1), duty: ones / bits.length };
  });
}

describe('workloadActivity', () => {
  it("gives every operand bit's toggle rate and duty as counted from its binary digits (bits above 32 idle), controls held", () => {
    const rng = new Rng(11);
    const n = 3000;
    const a = Uint32Array.from({ length: n }, () => rng.nextU32());
    // runs of one value and the top bit set; b is wider than the 32-bit words (its bits above them idle)
    const b = Uint32Array.from({ length: n }, (_, t) => (t % 7 < 3 ? 0x80000001 : rng.nextU32() >>> (t % 5)));
    const ports: OperatorPorts = {
      a: { name: 'a', width: 32 },
      b: { name: 'b', width: 40 },
      y: { name: 'y', width: 72 },
      signed: false,
      controls: [{ name: 'mbits', width: 3, value: 5 }],
    };
    const got = workloadActivity(ports, { a, b, meta: { source: 'test' } as never });
    const want = [
      ...byStrings(a, 32).map((w, i) => ({ pin: `a[${i}]`, ...w })),
      ...byStrings(b, 40).map((w, i) => ({ pin: `b[${i}]`, ...w })),
      ...[1, 0, 1].map((d, i) => ({ pin: `mbits[${i}]`, activity: 0, duty: d })),
    ];
    expect(got.cycles).toBe(n);
    expect(got.pins).toEqual(want);
    // The comparison can fail: one operand changed in one cycle changes two toggle counts of its bit
    const a2 = a.slice();
    a2[100] = a2[100]! ^ 4;
    expect(workloadActivity(ports, { a: a2, b, meta: { source: 'test' } as never }).pins).not.toEqual(want);
  });
});
