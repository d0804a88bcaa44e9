import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { requireTool } from '../helpers/tools.js';
import { tetrisResultSchema, type TetrisResult } from '../../src/experiments/tetris/schema.js';
import { axhw } from '../helpers/cli.js';
import { sharedRun } from '../helpers/shared-run.js';
import { TETRIS_TEST_WORDS } from '../helpers/shards.js';

describe('axhw experiment tetris --quick', () => {
  let out: string;
  beforeAll(() => {
    for (const t of ['verilator', 'yosys', 'sta'] as const) requireTool(t);
    out = mkdtempSync(join(tmpdir(), 'axhw-tetris-'));
  });

  // The test run's shared run of these words (shared-run.ts): test/cli/scale-out-experiments.test.ts runs them again as
  // shards in other processes and compares every file, which is also this experiment's reproducibility check.
  it('writes JSON, Markdown and SVG whose numbers hang together', { timeout: 900_000 }, async () => {
    const r = await sharedRun(...TETRIS_TEST_WORDS);
    expect(r.exitCode, r.all).toBe(0);
    const a = r.out;
    expect(r.stdout).toMatch(
      /bc-bp: zero bits \d+\.\d% \(sign-magnitude\), speed-up G4 \d\.\d\dx G8 \d\.\d\dx; RTL 520 outputs equal, cycles = prediction/,
    );
    for (const f of ['tetris.json', 'tetris.md', 'speedup.svg']) expect(existsSync(join(a, f)), f).toBe(true);
    const rep = JSON.parse(readFileSync(join(a, 'tetris.json'), 'utf8')) as TetrisResult;
    expect(tetrisResultSchema.safeParse(rep).success).toBe(true);
    expect(tetrisResultSchema.safeParse({ ...rep, costGroup: 'eight' }).success).toBe(false);
    expect(rep.networks.map((n) => n.name)).toEqual(['bc-bp', 'lenet']);
    for (const n of rep.networks) {
      const t = n.analysis.total;
      // totals are the layers' sums; a speed-up is MAC over SAC work cycles
      expect(t.weights).toBe(n.analysis.layers.reduce((s, l) => s + l.fanIn * l.outputs, 0));
      expect(t.macCycles).toBe(n.analysis.layers.reduce((s, l) => s + l.rowsPerInference * l.fanIn * l.outputs, 0));
      for (const k of t.kneading) expect(k.speedup).toBeCloseTo(t.macCycles / k.sacCycles, 12);
      // larger groups knead tighter; never past the ideal
      expect(t.kneading[1]!.speedup).toBeGreaterThan(t.kneading[0]!.speedup);
      expect(t.idealSpeedup).toBeGreaterThan(t.kneading[1]!.speedup);
      expect(n.rtlCheck.cyclesMeasured).toBe(n.rtlCheck.cyclesPredicted);
    }
    expect(rep.networks[0]!.rtlCheck.outputs).toBe(4 * (64 + 64 + 2));
    expect(rep.networks[1]!.rtlCheck.outputs).toBe(28 * 28 * 6 + 10 * 10 * 16 + 120 + 84 + 10);
    // the gate-level runs: one breast-cancer inference on each PE, every output compared
    expect(rep.cost.map((c) => c.network)).toEqual(['bc-bp']);
    const { mac, sac } = rep.cost[0]!;
    expect([mac.compared, sac.compared]).toEqual([130, 130]);
    const bc = rep.networks[0]!.analysis;
    // a weight a cycle, a finishing cycle per output, and per row (3 layers, one row each) the last finish's execution
    expect(mac.computeCyclesPerInference).toBe(bc.total.macCycles + 130 + 3);
    // a kneaded word a cycle, start and finish per output
    expect(sac.computeCyclesPerInference).toBe(bc.total.kneading[1]!.words + 2 * 130);
    expect(sac.loadCyclesPerInference).toBe(30 + 64 + 64);
    expect(mac.energyPerInferencePj.multiplier).toBeGreaterThan(0);
    expect(sac.energyPerInferencePj.datapath).toBeGreaterThan(0);
    expect(readFileSync(join(a, 'tetris.md'), 'utf8')).toMatch(/paper: up to 1\.50x/);
  });

  it('axhw tetris analyze: the same analysis for a trained model, as JSON and as tables', async () => {
    const model = join(out, 'bc');
    const t = await axhw('train', '--data', 'breast-cancer', '--epochs', '3', '-o', model, '--quiet');
    expect(t.exitCode, t.all).toBe(0);
    const r = await axhw('tetris', 'analyze', model, '--groups', '2,16', '--json');
    expect(r.exitCode, r.all).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.groups).toEqual([2, 16]);
    expect(a.total.weights).toBe(30 * 64 + 64 * 64 + 64 * 2);
    expect(a.layers.map((l: { fanIn: number; outputs: number }) => [l.fanIn, l.outputs])).toEqual([
      [30, 64],
      [64, 64],
      [64, 2],
    ]);
    const md = await axhw('tetris', 'analyze', model, '--groups', '2,16', '--quiet');
    expect(md.stdout).toMatch(/\| 0 \| dense \| 30 x 64 \| 1 \|/);
    expect(md.stdout).toContain(`${a.total.kneading[1].speedup.toFixed(2)}x`);
  });
});
