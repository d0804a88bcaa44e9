import { describe, expect, it, beforeAll } from 'vitest';
import { listUnits, resolveUnit } from '../../src/gen/registry.js';
import { generateDesign } from '../../src/gen/generate.js';
import { verifyDesign } from '../../src/verify/verify.js';
import type { BatchModel } from '../../src/models/operator.js';
import { requireTool } from '../helpers/tools.js';
import type { ControlSetting } from '../../src/gen/unit.js';
import { combinations } from '../../src/util/value-list.js';
import type { OperatorPorts } from '../../src/models/operator.js';

function allControlSettings(ctl: OperatorPorts['controls']): ControlSetting[] {
  return combinations(ctl.map((c) => ({ name: c.name, values: Array.from({ length: 2 ** c.width }, (_, v) => v) })));
}

/**
 * The one runner for every registry unit (FloPoCo style): each parameter set a unit declares is checked
 * RTL-vs-model through Verilator: exhaustively up to 2^16 pairs (N <= 8), corner cases + seeded random
 * beyond. Adding a unit to the registry adds it here with no test code.
 */
const EXHAUSTIVE_LOG2 = 16;
const RANDOM = 200_000;

describe.each(listUnits().map((u) => [u.name, u] as const))('%s: RTL == model', (name, unit) => {
  beforeAll(() => requireTool('verilator'));

  it.each(unit.testSweep.map((p) => [JSON.stringify(p), p] as const))('%s', async (_label, raw) => {
    const d = generateDesign(unit, resolveUnit(name, raw).params);
    // Every code of every control input (e.g. all mbits values, the clamped ones included).
    const settings = allControlSettings(d.ports.controls);
    const random = Math.max(20_000, Math.ceil(RANDOM / settings.length));
    const r = await verifyDesign(d, { maxExhaustiveLog2: EXHAUSTIVE_LOG2, vectors: random, seed: 42, controls: settings });
    expect(r.counterexamples).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.controlSettings.length).toBe(d.ports.controls.length ? settings.length : 0);
    const space = d.ports.a.width + d.ports.b.width;
    if (space <= EXHAUSTIVE_LOG2) {
      expect(r.mode).toBe('exhaustive');
      expect(r.pairs).toBe(2 ** space * settings.length);
    } else {
      expect(r.mode).toBe('corner+random');
      // Totals over the settings, and the same counts per setting.
      expect(r.perSetting.randomPairs).toBe(random);
      expect(r.perSetting.cornerPairs).toBeGreaterThan(100);
      expect(r.randomPairs).toBe(random * settings.length);
      expect(r.cornerPairs).toBe(r.perSetting.cornerPairs * settings.length);
      expect(r.pairs).toBe(r.cornerPairs + r.randomPairs);
      expect(r.pairs).toBe((random + r.perSetting.cornerPairs) * settings.length);
    }
  });

  it('catches a model that is wrong in a single low bit of one pair', async () => {
    const d = generateDesign(unit, resolveUnit(name, unit.testSweep[0]).params);
    const good = d.model!;
    // Corrupt exactly one result: pair (3, 5) gets its lowest bit flipped.
    const bad: BatchModel = {
      evalBatch(a, b, n, out) {
        good.evalBatch(a, b, n, out);
        for (let i = 0; i < n; i++) if (a[i] === 3 && b[i] === 5) out[i] ^= 1;
      },
    };
    const r = await verifyDesign({ ...d, model: bad, modelFor: d.modelFor && (() => bad) }, { maxExhaustiveLog2: EXHAUSTIVE_LOG2 });
    expect(r.passed).toBe(false);
    expect(r.mismatches).toBe(1);
    expect(r.counterexamples[0]).toMatchObject({ aCode: expect.stringMatching(/^0x0*3$/), bCode: expect.stringMatching(/^0x0*5$/) });
  });
});
