import { describe, expect, it } from 'vitest';
import {
  clockWarning,
  energyAtClock,
  energyScale,
  formatEnergy,
  meetsClock,
  throughputPhrase,
  timingPhrase,
} from '../../src/util/quantities.js';

describe('quantities as a person reads them', () => {
  it.each([
    [0, 'pJ', '0.00 pJ'],
    [0.5, 'pJ', '0.500 pJ'],
    [999, 'pJ', '999 pJ'],
    [1000, 'nJ', '1.00 nJ'],
    [75_300, 'nJ', '75.3 nJ'],
    [8_739_000, 'uJ', '8.74 uJ'],
    [1.77e9, 'mJ', '1.77 mJ'],
    [2.5e12, 'J', '2.50 J'],
    [-4_200, 'nJ', '-4.20 nJ'],
  ])('%d pJ reads in %s: %s', (pj, unit, text) => {
    expect(energyScale(pj).unit).toBe(unit);
    expect(formatEnergy(pj)).toBe(text);
  });

  it('the clock a figure is quoted at: met when the slack is not negative, a warning with both clocks when not', () => {
    const met = { clockNs: 10, delayNs: 9.5, slackNs: 0.5 };
    const atEdge = { clockNs: 10, delayNs: 10, slackNs: 0 };
    const missed = { clockNs: 10, delayNs: 64.1, slackNs: -54.1 };
    expect([meetsClock(met), meetsClock(atEdge), meetsClock(missed)]).toEqual([true, true, false]);
    expect(clockWarning(met)).toBeUndefined();
    expect(clockWarning(atEdge)).toBeUndefined();
    expect(clockWarning(missed)).toBe(
      'WARNING: the design does not meet the 10 ns clock (critical path 64.10 ns, slack -54.10 ns): ' +
        'figures at 10 ns are not achievable; the figures at the 64.10 ns critical path are',
    );
    expect(timingPhrase(missed)).toBe('critical path 64.10 ns, slack -54.10 ns at the 10 ns clock');
    // 649 cycles x 10 ns = 6.49 us (154,083 a second); at the unmet clock, the critical path's 64.1 ns instead
    expect(throughputPhrase(649, met)).toBe('6.49 us per inference, 154,083 inferences/s at the 10 ns clock');
    expect(throughputPhrase(649, missed)).toBe('41.6 us per inference, 24,038 inferences/s at the 64.10 ns critical path');
  });

  it('energy at another clock: dynamic energy kept, leakage x cycles x the change of period added, by group (by hand)', () => {
    // 1000 cycles at 10 ns; a part with 2 uW leakage gains 2e-6 W x 1000 x 10e-9 s = 2e-11 J at 20 ns.
    const c = {
      cycles: 1000,
      clockNs: 10,
      parts: [
        { group: 'logic', energyJ: 1e-9, leakageW: 2e-6 },
        { group: 'logic', energyJ: 3e-9, leakageW: 0 },
        { group: 'memory', energyJ: 5e-9, leakageW: 1e-5 },
      ],
    };
    const at20 = energyAtClock(c, 20);
    expect(at20.groups.logic).toBeCloseTo(4e-9 + 2e-11, 20);
    expect(at20.groups.memory).toBeCloseTo(5e-9 + 1e-10, 20);
    expect(at20.total).toBeCloseTo(9e-9 + 2e-11 + 1e-10, 20);
    // The same clock changes nothing; a shorter one takes leakage away.
    const at10 = energyAtClock(c, 10);
    expect(Object.keys(at10.groups)).toEqual(['logic', 'memory']);
    expect([at10.groups.logic, at10.groups.memory, at10.total].map((x) => x! * 1e9)).toEqual(
      [1 + 3, 5, 1 + 3 + 5].map((x) => expect.closeTo(x, 12)),
    );
    expect(energyAtClock(c, 5).groups.memory).toBeCloseTo(5e-9 - 5e-11, 20);
  });
});
