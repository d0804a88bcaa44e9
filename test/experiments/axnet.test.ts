import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../helpers/tools.js';
import { axnetResultSchema, type AxnetResult } from '../../src/experiments/axnet/schema.js';
import { matchParameterCount, parameterCount } from '../../src/axnet/topology.js';
import { TARGET_FUNCTIONS } from '../../src/data/axbench/index.js';
import { sharedRun } from '../helpers/shared-run.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('axhw experiment axnet --quick', () => {
  beforeAll(() => {
    requireTool('verilator');
  });

  it(
    // That the same command gives the same result in another process: test/cli/scale-out-experiments.test.ts runs this
    // command whole and as shards, and compares every file but for the times.
    'seven functions x three methods, figures, hardware runs; numbers hang together',
    { timeout: 600_000 },
    async () => {
      // One run for the test run: the documented line and the shard comparison run it too (test/helpers/shared-run.ts).
      const r = await sharedRun('experiment', 'axnet', '--quick');
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout).toMatch(/mean AXNet gain: [+-]\d+\.\d% vs onepass, [+-]\d+\.\d% vs iterative \(paper \+50\.7%, \+30\.8%\)/);
      for (const f of ['axnet.json', 'axnet.md', 'invocation.svg', 'param-sweep.svg', 'hardware.svg'])
        expect(existsSync(join(r.out, f)), f).toBe(true);
      const rep = JSON.parse(readFileSync(join(r.out, 'axnet.json'), 'utf8')) as AxnetResult;
      expect(axnetResultSchema.safeParse(rep).success).toBe(true);
      expect(axnetResultSchema.safeParse({ ...rep, functions: [{ ...rep.functions[0], errorBound: 'tight' }] }).success).toBe(false);

      expect(rep.functions.map((f) => f.name)).toEqual(TARGET_FUNCTIONS.map((f) => f.name));
      for (const f of rep.functions) {
        expect(f.methods.map((m) => m.method)).toEqual(['axnet', 'onepass', 'iterative']);
        const [ax, one, it] = f.methods;
        // the baselines share one topology; AXNet's count is the stated difference from it
        expect(one!.topology).toEqual(it!.topology);
        expect(ax!.topology.params).toBe(Math.round(one!.topology.params * (1 + ax!.paramsDifference)));
        const fn = TARGET_FUNCTIONS.find((t) => t.name === f.name)!;
        const match = matchParameterCount(
          { inputs: fn.inputs, outputs: fn.outputs, approximatorHidden: fn.approximatorHidden, predictorHidden: fn.predictorHidden },
          'all',
        );
        expect(ax!.topology.params).toBe(parameterCount(match.topology));
        expect(ax!.withinTolerance).toBe(Math.abs(ax!.paramsDifference) <= 0.03);
        // AXNet trains once; onepass twice as many steps; iterative more than onepass
        expect(one!.steps).toBe(2 * ax!.steps);
        expect(it!.steps).toBeGreaterThan(one!.steps);
        for (const m of f.methods) {
          const x = m.metrics;
          for (const v of [x.trueInvocation, x.predictedInvocation, x.predictionAccuracy, x.safeAndPredictedSafe]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          // safe-and-called-safe cannot exceed either share, and accuracy = both + neither
          expect(x.safeAndPredictedSafe).toBeLessThanOrEqual(Math.min(x.trueInvocation, x.predictedInvocation) + 1e-12);
          expect(x.predictionAccuracy).toBeCloseTo(1 - x.trueInvocation - x.predictedInvocation + 2 * x.safeAndPredictedSafe, 9);
          expect(x.approximationError === null).toBe(x.predictedInvocation === 0);
        }
        expect(ax!.history).toHaveLength(rep.budget.epochs);
      }
      // the summary is the stated arithmetic of the table
      const by = (m: string) => rep.functions.map((f) => f.methods.find((x) => x.method === m)!);
      expect(rep.summary.trueInvocation.axnet).toBeCloseTo(mean(by('axnet').map((m) => m.metrics.trueInvocation)), 12);
      expect(rep.summary.pointsGain.vsIterative).toBeCloseTo(
        mean(by('axnet').map((m, i) => m.metrics.trueInvocation - by('iterative')[i]!.metrics.trueInvocation)),
        12,
      );
      expect(rep.summary.trainingTimeReductionVsIterative).toBeCloseTo(
        mean(by('axnet').map((m, i) => 1 - m.trainSeconds / by('iterative')[i]!.trainSeconds)),
        12,
      );

      // Figure 9: each size, both methods, AXNet within 3% of the iterative count where it can be
      expect(rep.paramSweep.points.map((p) => `${p.baselineHidden}:${p.method}`)).toEqual([
        '4:iterative',
        '4:axnet',
        '8:iterative',
        '8:axnet',
      ]);
      // Figure 10c: all, 1st, 2nd on jpeg and sobel; one-layer predictors carry one control vector
      expect(rep.fusion.map((f) => `${f.function}:${f.connect}`)).toEqual([
        'jpeg:all',
        'jpeg:1',
        'jpeg:2',
        'sobel:all',
        'sobel:1',
        'sobel:2',
      ]);
      for (const f of rep.fusion)
        expect(f.topology.predictor.at(-1)).toBe(
          2 +
            (f.connect === 'all' ? f.topology.approximator[1]! + f.topology.approximator[2]! : f.topology.approximator[Number(f.connect)]!),
        );
      // hardware: two DRUM settings x two functions x two methods, read from the RTL
      expect(rep.hardware.map((h) => `${h.multiplier}:${h.function}:${h.method}`)).toEqual(
        ['drum_w8_k6_s', 'drum_w8_k3_s'].flatMap((m) => ['bessel', 'sobel'].flatMap((f) => [`${m}:${f}:axnet`, `${m}:${f}:onepass`])),
      );
      for (const h of rep.hardware) expect(h.rtlHash).toMatch(/^[0-9a-f]{16,}$/);
      // on the NPU RTL: sobel's AXNet (control vectors into both hidden layers) and onepass, every stage of every test sample compared
      expect(rep.npu.map((n) => `${n.function}:${n.method}`)).toEqual(['sobel:axnet', 'sobel:onepass']);
      for (const n of rep.npu) {
        const [, h1, h2] = n.topology.approximator;
        const controls = n.method === 'axnet' ? h1! + h2! : 0;
        // stages: predictor hidden, controls (AXNet), logits, two hidden layers, H(x)
        expect(n.compared, n.method).toBe(n.samples * (n.topology.predictor[1]! + controls + 2 + h1! + h2! + 1));
        expect(n.samples).toBe(rep.budget.test);
        expect(n.npu).toMatch(/^npu:mult=drum:width=8,k=4,signed,p=4,.*hadamard$/);
        expect(n.cost).toBeNull();
        expect(n.metrics.trueInvocation).toBeGreaterThanOrEqual(0);
      }
      expect(rep.notRun.join(' ')).toContain('--npu-cost 0 or --quick');

      const md = readFileSync(join(r.out, 'axnet.md'), 'utf8');
      for (const s of [
        'Invocation, prediction accuracy and error (Figures 6, 7, 8)',
        'Figure 9',
        'Figure 10c',
        'On approximate multipliers',
        'On the NPU RTL, with the Hadamard step',
        'Not run',
      ])
        expect(md).toContain(s);
      expect(md).toContain('axhw experiment axnet --quick');
    },
  );
});
