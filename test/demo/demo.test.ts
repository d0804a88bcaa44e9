import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { demoSummarySchema } from '../../src/report/demo-summary.js';
import { DEMO } from '../../src/demo/steps.js';
import { drumPairs, metricsBruteForce } from '../helpers/drum-brute-force.js';
import { checkReportPage, haveChromium } from '../helpers/browser.js';
import { RUN_BY_DEMO_TEST, words } from '../helpers/documented-commands.js';
import { maskRunFields } from '../helpers/same-result.js';

/**
 * `axhw demo` end to end, as the README runs it: every step, its summary.json against the schema, the
 * numbers that can be restated independently, and its page in headless Chromium. A failing step must
 * leave the previous report as it was and no staging folder.
 */
const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'axhw-demo-'));
const out = join(work, 'reports', 'demo');
const axhw = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [join(root, 'bin', 'axhw.js'), ...args], { cwd: work, reject: false, all: true, env });
const staging = () => readdirSync(join(work, 'reports')).filter((f) => f.startsWith('.'));

describe('axhw demo', () => {
  beforeAll(() => {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'index.html'), 'the previous report');
  });

  it('a failing step stops the demo naming the step, and leaves the previous report as it was', async () => {
    // A yosys that fails: synthesis is step 2.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'yosys'),
      '#!/bin/sh\n[ "$1" = "-V" ] && { echo "Yosys 0.0 (broken on purpose)"; exit 0; }\necho "ERROR: broken on purpose" >&2\nexit 1\n',
    );
    chmodSync(join(bin, 'yosys'), 0o755);
    const r = await axhw(['demo', '-o', out], { PATH: `${bin}:${process.env.PATH}` });
    // A tool's failure is exit 2 (bad input or a tool), as the step's own error says.
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /The demo stopped at step 2\/\d+ \(characterize\): yosys failed while synthesizing [\s\S]*broken on purpose[\s\S]*Nothing/,
    );
    expect(r.all).toMatch(/\[1\/\d+\] units/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('the previous report');
    expect(staging()).toEqual([]);
  }, 300_000);

  it('runs every step and writes its summary and page', async () => {
    // As the README and --help show it: `axhw demo` in the user's folder writes reports/demo.
    expect(RUN_BY_DEMO_TEST[0]).toBe('axhw demo');
    const r = await axhw(words(RUN_BY_DEMO_TEST[0]!).slice(1));
    expect(r.exitCode, r.all).toBe(0);
    expect(staging()).toEqual([]);
    const s = demoSummarySchema.parse(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    expect(s.steps.map((x) => x.name)).toEqual([
      'units',
      'characterize',
      'train bc-bp',
      'train bc-axtrain',
      'train fm-bp',
      'train fm-axtrain',
      'axtrain',
      'axtrain-system',
      'framnn',
      'axnet',
      'npu',
    ]);
    for (const st of s.steps) if (st.dir) expect(existsSync(join(out, st.dir)), st.dir).toBe(true);
    // Units: every one verified, DRUM exhaustively; DRUM k=4's metrics equal the brute force from its definition.
    expect(s.units.map((u) => u.spec)).toEqual([...DEMO.drumKs.map((k) => `drum:width=8,k=${k}`), 'exact-mul:width=8', 'fpmul']);
    for (const u of s.units) expect(u.verified, u.spec).toMatchObject({ passed: true, mismatches: 0 });
    const k4 = s.units.find((u) => u.spec === 'drum:width=8,k=4')!;
    expect(k4.verified).toMatchObject({ mode: 'exhaustive', pairs: 65536 });
    const want = metricsBruteForce(...(Object.values(drumPairs(8, 4, false)) as [number[], number[]]));
    for (const key of ['er', 'mred', 'nmed', 'wce', 'wcre'] as const) expect(k4.metrics![key], key).toBeCloseTo(want[key], 12);
    expect(existsSync(join(out, k4.table!.file))).toBe(true);
    // The NPU ran the trained network bit-exact, cycles as the model says, with an energy per inference.
    const run = JSON.parse(readFileSync(join(out, 'npu', 'npu-run.json'), 'utf8'));
    expect(run).toMatchObject({ bitExact: true, model: 'breast-cancer', cyclesPerInference: { allEqualModel: true } });
    expect(run.samples).toBe(114);
    const cost = JSON.parse(readFileSync(join(out, 'npu', 'npu-cost.json'), 'utf8'));
    expect(cost.energyPerInferencePj.total).toBeGreaterThan(0);
    expect(cost.compared).toBeGreaterThan(0);
    // The answer's trade-off, from the files the steps wrote: energy per multiplication x multiplications per inference.
    const char = JSON.parse(readFileSync(join(out, 'characterize', 'characterize.json'), 'utf8'));
    const axt = JSON.parse(readFileSync(join(out, 'axtrain', 'axtrain.json'), 'utf8'));
    expect(s.answer!.multipliesPerInference).toBe(run.multipliesPerInference);
    expect(s.answer!.tradeoff.map((p) => p.multiplier)).toEqual(['exact-mul:width=8', ...DEMO.drumKs.map((k) => `drum:width=8,k=${k}`)]);
    for (const p of s.answer!.tradeoff) {
      const row = p.multiplier.startsWith('exact')
        ? char.baseline
        : char.rows.find((x: { params: { k: number } }) => `drum:width=8,k=${x.params.k}` === p.multiplier);
      expect(p.multiplierEnergyPerInferencePj, p.multiplier).toBeCloseTo(row.power.energyPerOpPj * run.multipliesPerInference, 6);
      const k = /k=(\d)/.exec(p.multiplier)?.[1];
      const bc = axt.apps.find((a: { app: { name: string } }) => a.app.name === 'breast-cancer');
      if (k) expect(p.accuracy.axtrain).toBe(bc.multipliers.find((m: { k: number }) => m.k === Number(k)).axtrain.accuracy);
    }
    expect(s.answer!.chosen).toMatchObject({
      multiplier: DEMO.npuMultiplier,
      bitExact: true,
      accuracyRtl: run.accuracyRtl,
      energyPerInferencePj: cost.energyPerInferencePj.total,
    });
    // The system-level quick run (begun after characterize, in a process of its own): the command that reproduces it in
    // the report folder, and the headline from its result file.
    const sys = JSON.parse(readFileSync(join(out, 'axtrain-system', 'axtrain-system.json'), 'utf8'));
    expect(sys.command).toBe(
      `axhw experiment axtrain-system --quick --apps breast-cancer --seed ${DEMO.seed} --backend ${sys.backend.name} -o axtrain-system`,
    );
    expect(sys.apps.map((a: { app: { name: string } }) => a.app.name)).toEqual(['breast-cancer']);
    const line = s.steps.find((x) => x.name === 'axtrain-system')!.headline;
    for (const [m, v] of Object.entries(sys.summary.computeSavingPct as Record<string, number>))
      expect(line).toContain(`${m} ${v.toFixed(1)}%`);
    expect(r.stderr).toMatch(
      /\[8\/11\] axtrain-system: [^\n]*\n(\s{6}[^\n]*\n)*\s{6}energy saved against exact hardware[^\n]*beside the steps after \w+\)/,
    );
    // Each folder carries the tool versions it was made with.
    expect(JSON.parse(readFileSync(join(out, 'npu', 'provenance.json'), 'utf8')).tools.yosys).toMatch(/^Yosys /);
    expect(r.stdout).toMatch(/demo done in [\d.]+ minutes: .*index\.html/);
    // Cold (no cached builds or syntheses), alone on a slow 2-core machine, the demo took over 20 minutes.
  }, 2_400_000);

  it.skipIf(!haveChromium())(
    'its page renders in Chromium: every figure, no errors, the contents resolve',
    async () => {
      const page = join(out, 'index.html');
      const html = readFileSync(page, 'utf8');
      const r = await checkReportPage(page, join(process.env.AXHW_SCREENSHOT_DIR ?? work, 'demo.png'));
      expect(r.figures.length).toBe((html.match(/<figure /g) ?? []).length);
      // pareto, 4 training curves, AxTrain 5, AxTrain system 2, FramNN 2, AXNet 3, NPU 1
      expect(r.figures.length).toBeGreaterThanOrEqual(18);
      for (const f of r.figures) expect(f.loaded && f.width > 100 && f.height > 50, f.id).toBe(true);
      expect(r.consoleErrors).toEqual([]);
      expect(r.failedRequests).toEqual([]);
      expect(r.brokenLinks).toEqual([]);
      expect(r.overflowing).toEqual([]);
      expect(r.tocLinks).toBeGreaterThan(30);
      // The page opens with its answer: the summary and the trade-off figure come before the contents.
      expect(html.indexOf('class="answer"')).toBeGreaterThan(0);
      expect(html.indexOf('class="answer"')).toBeLessThan(html.indexOf('<nav class="toc"'));
      expect(html).toMatch(/<strong>Chosen configuration<\/strong>: the breast-cancer network trained with AxTrain/);
      // Rendered again by `axhw report` from the same folder: the same documents.
      const again = await axhw([
        'report',
        out,
        '-o',
        join(work, 'again'),
        '--title',
        'axhw demo: approximate hardware and the networks trained for it',
      ]);
      expect(again.exitCode, again.all).toBe(0);
      const strip = (h: string) => h.replace(/<footer>[\s\S]*<\/footer>/, '').replace(/Results of <code>[^<]*<\/code>/, '');
      expect(strip(readFileSync(join(work, 'again', 'index.html'), 'utf8'))).toBe(strip(html));
    },
    120_000,
  );

  // The other documented commands that need the demo (test/helpers/documented-commands.ts): run as typed.
  it.each(RUN_BY_DEMO_TEST.slice(1))(
    '%s',
    async (line) => {
      const r = await axhw(words(line).slice(1));
      expect(r.exitCode, r.all).toBe(0);
      if (!line.includes('--json')) return;
      // The summary it prints is the one it wrote, and the demo is reproducible: the first run's summary (the README's
      // `axhw demo`, above) but for when it ran, how long each step took and the command line (the acceptance).
      const printed = JSON.parse(r.stdout);
      expect(demoSummarySchema.parse(printed).steps).toHaveLength(11);
      const w = words(line);
      const written = readFileSync(join(work, w[w.indexOf('-o') + 1]!, 'summary.json'), 'utf8');
      expect(printed).toEqual(JSON.parse(written));
      expect(printed.command).toBe(line);
      const runFields = ['createdAt', 'seconds', 'command'];
      expect(maskRunFields('summary.json', written, runFields)).toBe(
        maskRunFields('summary.json', readFileSync(join(out, 'summary.json'), 'utf8'), runFields),
      );
    },
    900_000,
  );
});
