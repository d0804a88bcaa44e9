import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { requireTool } from '../helpers/tools.js';
import { framnnResultSchema, type FramnnResult } from '../../src/experiments/framnn/schema.js';
import { mantissaSchedule } from '../../src/train/mantissa-schedule.js';
import { trainingEdp } from '../../src/experiments/framnn/edp.js';
import { levelCost, type FpmulCosts } from '../../src/synth/fpmul-levels.js';
import { axhw } from '../helpers/cli.js';

/** The result without what a clock measures (training seconds) or the output folder in the command. */
function deterministic(r: FramnnResult) {
  return {
    ...r,
    command: '',
    apps: r.apps.map((a) => ({
      ...a,
      seconds: 0,
      trainingTime: null,
      sweep: a.sweep.map((s) => ({ ...s, seconds: null })),
      schedules: a.schedules.map((s) => ({ ...s, seconds: 0 })),
    })),
  };
}

describe('axhw experiment framnn --quick', () => {
  let out: string;
  beforeAll(() => {
    for (const t of ['verilator', 'yosys', 'sta'] as const) requireTool(t);
    out = mkdtempSync(join(tmpdir(), 'axhw-framnn-'));
  });

  // The binary32 fpmul is synthesized once (several minutes on a cold cache), then every level is a cached netlist.
  it('writes JSON, Markdown and SVG whose numbers hang together; the same JSON twice', { timeout: 900_000 }, async () => {
    const run = (dir: string) => axhw('experiment', 'framnn', '--quick', '--mbits', '4,8', '--finals', '8', '-o', join(out, dir));
    const r = await run('a');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/digits: exact \d+\.\d\d%; at m = 24: exact-trained/);
    expect(r.stdout).toMatch(/adaptive to 8: loss -?\d+\.\d\d points, EDP \d+\.\d\dx \(fixed clock\)/);
    for (const f of ['framnn.json', 'framnn.md', 'accuracy-vs-m.svg', 'edp.svg']) expect(existsSync(join(out, 'a', f)), f).toBe(true);
    const rep = JSON.parse(readFileSync(join(out, 'a', 'framnn.json'), 'utf8')) as FramnnResult;
    expect(framnnResultSchema.safeParse(rep).success).toBe(true);
    expect(framnnResultSchema.safeParse({ ...rep, apps: [{ ...rep.apps[0], iterations: 'many' }] }).success).toBe(false);
    const a = rep.apps[0]!;
    expect(a.app.name).toBe('digits');
    expect(a.sweep.map((s) => s.m)).toEqual([4, 8, 24]);
    // at full precision the exact-trained network is the exact network
    expect(a.sweep.at(-1)!.exact).toBe(a.exactAccuracy);
    // every recorded backward product, run on the RTL, equals the layer's
    for (const p of a.backwardProof) {
      expect(p.mismatches).toBe(0);
      expect(p.pairs).toBeGreaterThan(1000);
    }
    // fewer bits, less energy per multiplication and a shorter critical path
    const lv = a.trainingLevels;
    expect(lv.map((l) => l.m)).toEqual([4, 8, 24]);
    expect(lv[0]!.dynamicPj).toBeLessThan(lv[1]!.dynamicPj);
    expect(lv[1]!.dynamicPj).toBeLessThan(lv[2]!.dynamicPj);
    expect(lv[0]!.delayNs).toBeLessThan(lv[2]!.delayNs);
    expect(a.fpmul.netlistDelayNs).toBeGreaterThanOrEqual(lv[2]!.delayNs);
    // the schedules are what the closed form gives for the measured power, and their EDP is the stated arithmetic
    const costs: FpmulCosts = { ...a.fpmul, levels: lv };
    const T = a.iterations;
    expect(a.schedules.map((s) => s.kind)).toEqual(['uniform', 'linear', 'adaptive']);
    for (const s of a.schedules) {
      expect(s.steps.reduce((x, t) => x + t.iterations, 0)).toBe(T);
      const power = s.levels.map((m) => levelCost(costs, m, 'fixed').powerW);
      expect(s.steps).toEqual(mantissaSchedule(s.kind, s.levels, T, power));
      if (s.kind === 'adaptive') expect(s.power).toEqual(power);
      for (const clock of ['fixed', 'per-level'] as const) {
        const at = (m: number) => levelCost(costs, m, clock);
        const ratio = trainingEdp([{ m: 24, iterations: T }], a.work, at, () => 24).edp / trainingEdp(s.steps, a.work, at, (m) => m).edp;
        expect(clock === 'fixed' ? s.edpRatio.fixed : s.edpRatio.perLevel).toBeCloseTo(ratio, 9);
      }
      expect(s.accuracyLoss).toBeCloseTo(a.exactAccuracy - s.accuracy, 12);
    }
    expect(a.schedules[0]!.steps).toEqual([{ m: 8, iterations: T }]);
    // deeper schedules cost less
    expect(a.schedules[2]!.energyRatio).toBeGreaterThan(a.schedules[0]!.energyRatio);
    // inference efficiency: the deepest m within the bound
    for (const i of a.inference) {
      const ok = a.sweep.filter((s) => a.exactAccuracy - s.framnn <= i.lossBoundPoints / 100).map((s) => s.m);
      expect(i.m).toBe(Math.min(...ok));
      expect(i.energyGain).toBeCloseTo(i.energyPerOpPjFull / i.energyPerOpPj, 12);
    }
    const md = readFileSync(join(out, 'a', 'framnn.md'), 'utf8');
    expect(md).toMatch(/3\.6x EDP at no loss, 5\.0x at 1% loss/);
    expect(md).toMatch(/ISOLET, HAR, CIFAR-10, CIFAR-100 and PASCAL are not available offline/);

    const again = await run('b');
    expect(again.exitCode, again.all).toBe(0);
    expect(deterministic(JSON.parse(readFileSync(join(out, 'b', 'framnn.json'), 'utf8')) as FramnnResult)).toEqual(deterministic(rep));
  });

  it(
    'axhw train: an adaptive schedule under a recorded operand trace, approximate training, written to metrics.json',
    { timeout: 900_000 },
    async () => {
      const base = ['train', '--data', 'digits', '--model', 'mlp:32-10', '--epochs', '2', '--method', 'pas', '--quiet'];
      const ops = join(out, 'ops.npy');
      const t = await axhw(...base, '--multiplier', 'fpmul:mbits=12', '--operand-trace', ops, '-o', join(out, 't1'));
      expect(t.exitCode, t.all).toBe(0);
      expect(existsSync(ops)).toBe(true);
      const r = await axhw(
        ...base,
        '--multiplier',
        'fpmul:mbits=12',
        '--backward',
        'hardware',
        '--schedule',
        'adaptive:4/4',
        '--activity',
        ops,
        '-o',
        join(out, 't2'),
      );
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout).toMatch(
        /trained on the fpmul \(forward and backward\): \d+ iterations at m = 4, \d+ iterations at m = 8, \d+ iterations at m = 12/,
      );
      const m = JSON.parse(readFileSync(join(out, 't2', 'metrics.json'), 'utf8'));
      const f = m.fpmulTraining;
      expect(f.backward).toBe('hardware');
      expect(f.activity).toBe(ops);
      const T = 2 * Math.ceil(m.dataset.train / 32);
      expect(f.steps).toEqual(
        mantissaSchedule(
          'adaptive',
          [4, 8, 12],
          T,
          f.levelPower.map((p: { powerW: number }) => p.powerW),
        ),
      );
      expect(f.schedule).toEqual(
        f.steps.map((s: { m: number; iterations: number }) => ({ iterations: s.iterations, arithmetic: `mbits ${s.m}` })),
      );
      // the deeper level draws less power, so it gets more iterations
      expect(f.levelPower[0].powerW).toBeLessThan(f.levelPower[2].powerW);
      expect(f.steps[0].iterations).toBeGreaterThan(f.steps[2].iterations);
    },
  );
});
