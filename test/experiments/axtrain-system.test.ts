import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../helpers/tools.js';
import { sharedRun } from '../helpers/shared-run.js';
import { commandToRun, words } from '../helpers/documented-commands.js';
import { axtrainSystemResultSchema, type AxtrainSystemResult } from '../../src/experiments/axtrain-system/schema.js';
import { SYSTEM_METHODS } from '../../src/experiments/axtrain-system/plan.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('axhw experiment axtrain-system --quick', () => {
  beforeAll(() => {
    requireTool('verilator');
    requireTool('yosys');
    requireTool('sta');
  });

  it('ApproxAnn and the lowest power on the NPU: the JSON fits its schema and its arithmetic recomputes', async () => {
    // The documented line (its substitute: one costed inference, 2 NTV draws), the documented-commands test's run of it
    // (one run per test run for both, test/helpers/shared-run.ts).
    const documented = 'axhw experiment axtrain-system --quick --apps breast-cancer';
    expect(commandToRun(documented)).toBe(`${documented} --samples 1 --draws 2`);
    const r = await sharedRun(...words(commandToRun(documented)).slice(1));
    const dir = r.out;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/compute energy saved: bp -?\d+\.\d%, axtrain/);
    for (const f of ['axtrain-system.json', 'axtrain-system.md', 'approxann-neurons.svg', 'system-savings.svg'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const rep = JSON.parse(readFileSync(join(dir, 'axtrain-system.json'), 'utf8')) as AxtrainSystemResult;
    expect(axtrainSystemResultSchema.safeParse(rep).success).toBe(true);
    expect(rep.settings.map((s) => s.k)).toEqual([2, 3, 4, 5]);
    const [a] = rep.apps;
    expect(a!.targetAccuracy).toBeCloseTo(a!.exactAccuracy - 0.02, 12);
    // ApproxAnn: the count only grows, each kept step met the bound, the last count is the result.
    expect(a!.approxann.map((x) => `${x.start} ${x.setting}`)).toEqual(['bp K1', 'bp K2', 'axtrain K1', 'axtrain K2']);
    for (const x of a!.approxann) {
      let count = 0;
      for (const s of x.steps) {
        expect(s.before).toBe(count);
        if (s.accepted) {
          expect(s.accuracy).toBeGreaterThanOrEqual(a!.targetAccuracy);
          count += s.step;
        }
      }
      expect(x.approxNeurons).toBe(count);
      expect(x.neurons).toBe(64 + 64 + 2);
    }
    // The choice's criterion, recomputed: the baseline's multiplier energy scaled by estimated power against exact,
    // its datapath energy by the candidate's cycles after placement. Uniform candidates run as many cycles as exact.
    const base = a!.baseline;
    const exactMw = a!.candidates.find((x) => x.config === 'exact (bp network)')!.estimatedMultiplierMw;
    for (const x of a!.candidates) {
      const want =
        base.energy.multiplierPj * (x.estimatedMultiplierMw / exactMw) +
        base.energy.datapathPj * (x.cyclesPerInference / base.cyclesPerInference);
      expect(x.estimatedComputePj, x.config).toBeCloseTo(want, 9);
      if (!x.config.endsWith('per neuron')) expect(x.cyclesPerInference, x.config).toBe(base.cyclesPerInference);
    }
    // The choice: per method the qualifying candidate of lowest estimated compute energy.
    for (const c of a!.chosen) {
      const ok = a!.candidates.filter((x) => x.method === c.method && x.accuracy >= a!.targetAccuracy);
      const best = Math.min(...ok.map((x) => x.estimatedComputePj));
      expect(ok.find((x) => x.config === c.config)!.estimatedComputePj).toBe(best);
      expect(c.cyclesPerInference).toBe(ok.find((x) => x.config === c.config)!.cyclesPerInference);
      expect(c.accuracy).toBeGreaterThanOrEqual(a!.targetAccuracy);
      if (c.storage.voltageMv !== 'nominal') expect(c.storage.accuracy).toBeGreaterThanOrEqual(a!.targetAccuracy);
      // Savings against the exact baseline, from the energies in the file.
      expect(c.energy.computePj).toBeCloseTo(c.energy.multiplierPj + c.energy.datapathPj, 6);
      expect(c.computeSavingPct).toBeCloseTo(100 * (1 - c.energy.computePj / a!.baseline.energy.computePj), 9);
      expect(c.storageSavingPct).toBeCloseTo(100 * (1 - c.energy.storagePj / a!.baseline.energy.storageNominalPj), 9);
      // Weights stored below nominal cost less than at 1.8 V; the rest of storage is unchanged.
      if (c.storage.voltageMv !== 'nominal') expect(c.energy.storagePj).toBeLessThan(c.energy.storageNominalPj);
    }
    expect(a!.baseline.energy.storagePj).toBe(a!.baseline.energy.storageNominalPj);
    for (const m of SYSTEM_METHODS)
      expect(rep.summary.computeSavingPct[m]).toBeCloseTo(
        mean(rep.apps.map((x) => x.chosen.find((c) => c.method === m)!.computeSavingPct)),
        9,
      );
    const md = readFileSync(join(dir, 'axtrain-system.md'), 'utf8');
    expect(md).toContain('Figure 8');
    expect(md).toContain('Figure 9');
  }, 900_000);
});
