import { characterizeReportSchema } from '../../src/characterize/schema.js';
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { characterize } from '../../src/characterize/characterize.js';
import { parseSweep, combinations } from '../../src/characterize/sweep-spec.js';
import { paretoFront } from '../../src/characterize/pareto.js';
import { writeReport } from '../../src/characterize/report.js';
import { requireTool } from '../helpers/tools.js';
import { drumPairs, metricsBruteForce } from '../helpers/drum-brute-force.js';

describe('characterize', () => {
  it('parses sweeps and their grid', () => {
    expect(parseSweep('k=2..4')).toEqual({ name: 'k', values: [2, 3, 4] });
    expect(parseSweep('rounding=rne,trunc')).toEqual({ name: 'rounding', values: ['rne', 'trunc'] });
    expect(combinations([parseSweep('k=2,3'), parseSweep('signed=true,false')])).toHaveLength(4);
    expect(() => parseSweep('k')).toThrow(/is not name=values/);
    expect(() => parseSweep('k=8..2')).toThrow(/range 8..2 is empty/);
  });

  it('finds the Pareto front', () => {
    expect(
      paretoFront([
        { err: 1, cost: 5 },
        { err: 2, cost: 3 },
        { err: 3, cost: 4 },
        { err: 0, cost: 9 },
      ]),
    ).toEqual([true, true, false, true]);
  });

  describe('end to end', () => {
    beforeAll(() => {
      requireTool('yosys');
      requireTool('sta');
      requireTool('verilator');
    });

    it('DRUM 6-bit k=3..6 against exact-mul: rows, savings, JSON/CSV/Markdown/SVG', async () => {
      const rep = await characterize({
        unit: 'drum',
        params: { width: 6 },
        sweep: [parseSweep('k=3..6')],
        baseline: 'exact-mul',
        cost: {},
        jobs: 2,
      });
      expect(rep.rows.map((r) => r.label)).toEqual(['k=3', 'k=4', 'k=5', 'k=6']);
      expect(rep.baseline?.top).toBe('exact_mul_w6');
      const exact = rep.rows[3];
      expect(exact.metrics).toMatchObject({ er: 0, mred: 0, coverage: 'exhaustive', pairs: 4096 });
      expect(Math.abs(exact.savings!.area)).toBeLessThan(5);
      expect(rep.rows[0].savings!.area).toBeGreaterThan(20);
      expect(rep.rows[0].metrics.mred).toBeGreaterThan(rep.rows[2].metrics.mred);
      // Savings by their definition, 100 (baseline - row) / baseline, for every row and figure of merit.
      const base = rep.baseline!;
      for (const r of rep.rows) {
        expect(r.savings!.area).toBeCloseTo((100 * (base.area - r.area)) / base.area, 9);
        expect(r.savings!.power).toBeCloseTo((100 * (base.powerMw - r.powerMw)) / base.powerMw, 9);
        expect(r.savings!.delay).toBeCloseTo((100 * (base.delayNs - r.delayNs)) / base.delayNs, 9);
        expect(r.savings!.pdp).toBeCloseTo((100 * (base.pdpPj - r.pdpPj)) / base.pdpPj, 9);
      }
      // The k = 3 row's metrics (read from its RTL) equal the brute force from DRUM's definition.
      const want = metricsBruteForce(...(Object.values(drumPairs(6, 3, false)) as [number[], number[]]));
      for (const key of ['er', 'me', 'mae', 'mred', 'nmed', 'wce', 'wcre', 'mse'] as const)
        expect(rep.rows[0].metrics[key], key).toBeCloseTo(want[key], 12);
      const dir = mkdtempSync(join(tmpdir(), 'axhw-char-'));
      const files = await writeReport(rep, dir);
      expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['characterize.json', 'characterize.csv', 'characterize.md', 'pareto.svg']);
      // What `axhw report` reads back fits the schema it validates against; a missing field does not.
      const json = JSON.parse(readFileSync(files[0], 'utf8'));
      expect(characterizeReportSchema.safeParse(json).success).toBe(true);
      expect(
        characterizeReportSchema.safeParse({ ...json, rows: json.rows.map(({ area: _a, ...r }: { area: number }) => r) }).success,
      ).toBe(false);
      const csv = readFileSync(files[1], 'utf8').trim().split('\n');
      expect(csv).toHaveLength(6); // header + baseline + 4
      expect(csv[0]).toMatch(/^config,top,coverage,ER %/);
      const md = readFileSync(files[2], 'utf8');
      expect(md).toMatch(/\| k=3 \| drum_w6_k3 \| exhaustive \(4096 pairs\)/);
      expect(md).toMatch(/^Power: toggles counted in a zero-delay simulation of each mapped netlist \(--power sim\) over 8,191 cycles/m);
      // The power split and energy per operation are columns, and add up to the total.
      const head = csv[0]!.split(',');
      const row = csv[2]!.split(',');
      const col = (name: string) => Number(row[head.indexOf(name)]);
      expect(col('internal mW') + col('switching mW') + col('leakage uW') / 1000).toBeCloseTo(col('power mW'), 2);
      expect(col('energy pJ/op')).toBeGreaterThan(0);
      const svg = readFileSync(files[3], 'utf8');
      expect(svg).toMatch(/^<svg[\s\S]*MRED vs power[\s\S]*MRED vs area[\s\S]*<\/svg>$/);
      expect(svg).toMatch(/k=4/);
      expect(JSON.parse(readFileSync(files[0], 'utf8')).rows).toHaveLength(4);
    });

    it('sweeps a control input (fpmul mbits) and rejects unknown sweep names', async () => {
      const rep = await characterize({ unit: 'fpmul', params: { exp: 4, frac: 3 }, sweep: [parseSweep('mbits=2..4')], cost: {}, jobs: 2 });
      expect(rep.rows.map((r) => r.controls)).toEqual([{ mbits: 2 }, { mbits: 3 }, { mbits: 4 }]);
      expect(rep.rows[0].metrics.mred).toBeGreaterThan(rep.rows[2].metrics.mred);
      await expect(characterize({ unit: 'drum', params: {}, sweep: [parseSweep('q=1..2')], cost: {} })).rejects.toThrow(
        /drum has no parameter or control input 'q'/,
      );
    });
  });
});
