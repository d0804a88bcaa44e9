import { describe, expect, it } from 'vitest';
import { adaptiveShares, mantissaLevels, mantissaSchedule, parseScheduleSpec, roundShares } from '../../src/train/mantissa-schedule.js';
import { AxhwError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { thrown } from '../helpers/errors.js';

describe('FramNN mantissa schedules', () => {
  it('levels run from the deepest to the final level, the final always included', () => {
    expect(mantissaLevels(4, 16, 4)).toEqual([4, 8, 12, 16]);
    expect(mantissaLevels(4, 14, 4)).toEqual([4, 8, 12, 14]);
    expect(mantissaLevels(16, 16, 4)).toEqual([16]);
    expect(() => mantissaLevels(8, 4, 4)).toThrow(AxhwError);
    expect(() => mantissaLevels(4, 16, 0)).toThrow(AxhwError);
  });

  it('adaptive: the closed form t_i = T / (p_i sum_j 1/p_j), so p_i t_i is the same at every level', () => {
    expect(adaptiveShares([1, 2, 4], 700)).toEqual([400, 200, 100]);
    const p = [0.7, 1.9, 3.3, 5.2];
    const t = adaptiveShares(p, 1000);
    expect(t.reduce((s, x) => s + x, 0)).toBeCloseTo(1000, 9);
    for (let i = 1; i < p.length; i++) expect(p[i]! * t[i]!).toBeCloseTo(p[0]! * t[0]!, 9);
    // deeper (cheaper) levels get more iterations
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeLessThan(t[i - 1]!);
    expect(mantissaSchedule('adaptive', [4, 8, 12], 700, [1, 2, 4])).toEqual([
      { m: 4, iterations: 400 },
      { m: 8, iterations: 200 },
      { m: 12, iterations: 100 },
    ]);
    expect(() => adaptiveShares([1, 0], 10)).toThrow(AxhwError);
    expect(() => mantissaSchedule('adaptive', [4, 8], 10)).toThrow(/power of each/);
  });

  it('uniform holds the final level; linear splits evenly, deepest first', () => {
    expect(mantissaSchedule('uniform', [4, 8, 16], 90)).toEqual([{ m: 16, iterations: 90 }]);
    expect(mantissaSchedule('linear', [4, 8, 16], 90)).toEqual([
      { m: 4, iterations: 30 },
      { m: 8, iterations: 30 },
      { m: 16, iterations: 30 },
    ]);
    expect(mantissaSchedule('linear', [4, 8, 16], 10).map((s) => s.iterations)).toEqual([4, 3, 3]);
    expect(() => mantissaSchedule('linear', [8, 4], 10)).toThrow(/rise/);
    expect(() => mantissaSchedule('linear', [4, 8], 0)).toThrow(AxhwError);
  });

  it('rounding keeps every schedule summing to T, each step within one iteration of its share', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const levels = 1 + (rng.nextU32() % 6);
      const total = 1 + (rng.nextU32() % 5000);
      const power = Array.from({ length: levels }, () => 0.01 + rng.nextU32() / 2 ** 32);
      const shares = adaptiveShares(power, total);
      const steps = roundShares(shares);
      expect(steps.reduce((s, x) => s + x, 0)).toBe(total);
      steps.forEach((t, i) => expect(Math.abs(t - shares[i]!)).toBeLessThan(1));
    }
  });

  it('reads `--schedule` text: kinds with their levels, or explicit steps', () => {
    expect(parseScheduleSpec('uniform')).toEqual({ kind: 'uniform', from: 0, step: 1 });
    expect(parseScheduleSpec('linear:4')).toEqual({ kind: 'linear', from: 4, step: 4 });
    expect(parseScheduleSpec('adaptive:6/2')).toEqual({ kind: 'adaptive', from: 6, step: 2 });
    expect(parseScheduleSpec('4:300, 8:200,16:100')).toEqual({
      kind: 'explicit',
      steps: [
        { m: 4, iterations: 300 },
        { m: 8, iterations: 200 },
        { m: 16, iterations: 100 },
      ],
    });
    for (const bad of ['', 'linear', 'linear:4/0', 'adaptive:x', '4:300,8', '0:10', '25:10', 'geometric:4'])
      expect(() => parseScheduleSpec(bad), bad).toThrow(AxhwError);
  });

  it('refuses bad levels, powers, totals and schedule text, each with the reason and a fix', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => mantissaLevels(4.5, 16, 4), /from 4.5 to 16 in steps of 4 are not a range/],
      [() => mantissaLevels(4, 16.5, 4), /not a range/],
      [() => mantissaLevels(4, 16, 1.5), /not a range/],
      [() => mantissaLevels(0, 16, 4), /not a range/],
      [() => adaptiveShares([], 10), /positive power \(got \)/],
      [() => adaptiveShares([1, Infinity], 10), /positive power \(got 1, Infinity\)/],
      [() => mantissaSchedule('linear', [], 10), /at least one level/],
      [() => mantissaSchedule('linear', [4, 8], 2.5), /positive whole number of iterations \(got 2.5\)/],
      [() => mantissaSchedule('linear', [4, 4], 10), /must rise from the deepest to the final level \(got 4, 4\)/],
      [() => mantissaSchedule('adaptive', [4, 8], 10, [1]), /power of each of the 2 levels/],
      [() => parseScheduleSpec('linear:4/0'), /step between levels must be at least 1/],
      [() => parseScheduleSpec('xlinear:4'), /is not a schedule/],
      [() => parseScheduleSpec('linear:4/2x'), /is not a schedule/],
      [() => parseScheduleSpec('x4:10'), /is not a schedule/],
      [() => parseScheduleSpec('4:10x'), /is not a schedule/],
      [() => parseScheduleSpec('4:10,25:3'), /every m must be 1..24/],
      [() => parseScheduleSpec('0:10,8:3'), /every m must be 1..24/],
    ];
    for (const [f, message] of cases) {
      const e = thrown(f);
      expect(e, String(message)).toBeInstanceOf(AxhwError);
      expect(e.message).toMatch(message);
      expect(e.fix).toMatch(/\w{3}/);
    }
    // the edges that are allowed
    expect(mantissaLevels(1, 3, 1)).toEqual([1, 2, 3]);
    expect(mantissaSchedule('uniform', [24], 1)).toEqual([{ m: 24, iterations: 1 }]);
    expect(parseScheduleSpec(' linear:12/1 ')).toEqual({ kind: 'linear', from: 12, step: 1 });
    expect(parseScheduleSpec('adaptive:10/12')).toEqual({ kind: 'adaptive', from: 10, step: 12 });
    expect(parseScheduleSpec('1:300,24:12')).toEqual({
      kind: 'explicit',
      steps: [
        { m: 1, iterations: 300 },
        { m: 24, iterations: 12 },
      ],
    });
  });

  it('hands the leftover iterations to the largest remainders, the earlier level on ties', () => {
    expect(roundShares([2.6, 0.7, 0.7])).toEqual([2, 1, 1]);
    expect(roundShares([0.3, 0.7])).toEqual([0, 1]);
    expect(roundShares([0.5, 0.5, 0.5, 0.5])).toEqual([1, 1, 0, 0]);
  });
});
