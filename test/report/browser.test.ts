import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { checkReportPage, haveChromium } from '../helpers/browser.js';
import { sharedRun } from '../helpers/shared-run.js';

/**
 * The HTML report in a real browser: headless Debian Chromium driven by Playwright opens the page from
 * file://, and every figure must have rendered with a non-zero size, with no console error, no failed
 * request and every table-of-contents link resolving. The page is built by `axhw report` from real
 * result folders (characterize, train and npu run made here; AXNet's quick run, the test run's shared one);
 * test/demo/demo.test.ts opens the demo's page the same way. Screenshots go to $AXHW_SCREENSHOT_DIR (default: a temp folder).
 */
const root = resolve(import.meta.dirname, '..', '..');
const axhw = (args: string[], cwd: string) => execa('node', [join(root, 'bin', 'axhw.js'), ...args], { cwd });
const shots = process.env.AXHW_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'axhw-shots-'));
mkdirSync(shots, { recursive: true });

describe.skipIf(!haveChromium())('the HTML report in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'axhw-browser-'));
  let page = '';

  beforeAll(async () => {
    const mult = 'drum:width=8,k=4,signed';
    await axhw(['characterize', 'drum:width=4,signed', '--sweep', 'k=3..4', '--baseline', 'exact-mul', '-o', 'char'], work);
    await axhw(
      [
        'train',
        '--data',
        'breast-cancer',
        '--method',
        'axtrain',
        '--epochs',
        '4',
        '--multiplier',
        mult,
        '--ntv-voltage',
        '660',
        '--ntv-draws',
        '3',
        '-o',
        'bc',
      ],
      work,
    );
    await axhw(['npu', 'run', 'bc', '--multiplier', mult, '--samples', '8', '--quiet', '-o', 'npu/npu-run.json'], work);
    // AXNet's quick run as the documented line and the shard comparison run it: one run per test run (shared-run.ts).
    const axnet = await sharedRun('experiment', 'axnet', '--quick');
    expect(axnet.exitCode, axnet.all).toBe(0);
    await axhw(['tetris', 'analyze', 'bc', '--multiplier', mult, '--quiet', '-o', 'tetris.json'], work);
    // Result files as well as folders: npu run's -o file and tetris analyze's.
    await axhw(['report', 'char', 'bc', 'npu/npu-run.json', 'tetris.json', axnet.out, '-o', 'rep'], work);
    page = join(work, 'rep', 'index.html');
  }, 600_000);

  it('renders every figure, with no console error or failed request, and the contents resolve', async () => {
    const html = readFileSync(page, 'utf8');
    const r = await checkReportPage(page, join(shots, 'report.png'));
    // char: pareto; bc: training curve; axnet: invocation, parameter sweep (no hardware runs in --quick? counted from the page).
    expect(r.figures.length).toBe((html.match(/<figure /g) ?? []).length);
    expect(r.figures.length).toBeGreaterThanOrEqual(4);
    for (const f of r.figures) {
      expect(f.loaded, f.id).toBe(true);
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(50);
    }
    expect(r.consoleErrors).toEqual([]);
    expect(r.failedRequests).toEqual([]);
    expect(r.tocLinks).toBeGreaterThan(8);
    expect(r.brokenLinks).toEqual([]);
    expect(r.overflowing).toEqual([]);
    expect(statSync(join(shots, 'report.png')).size).toBeGreaterThan(10_000);
    expect(html).toContain('Tetris analysis: breast-cancer (bc) as drum:width=8,k=4,signed codes');
    // The NPU run is in it, bit-exact, with its command.
    expect(html).toContain('on the NPU (npu_drumwidth8k4signed_p16');
    expect(html).toMatch(/all [\d,]+ layer outputs equal the integer reference/);
    expect(html).toContain('axhw npu run bc --multiplier drum:width=8,k=4,signed --samples 8 --quiet -o npu/npu-run.json');
  });

  it('negative control: a broken link, a missing image and a console error are each caught', async () => {
    const bad = join(work, 'bad.html');
    let html = readFileSync(page, 'utf8');
    const firstLink = html.match(/<nav class="toc"[\s\S]*?href="#([^"]+)"/)![1]!;
    html = html
      .replace(`href="#${firstLink}"`, 'href="#no-such-section"')
      .replace(/<img src="data:[^"]+"/, '<img src="missing.svg"')
      .replace('</body>', '<script>console.error("boom")</script></body>');
    writeFileSync(bad, html);
    const r = await checkReportPage(bad, join(work, 'bad.png'));
    expect(r.brokenLinks).toEqual(['#no-such-section']);
    expect(r.figures.filter((f) => !f.loaded)).toHaveLength(1);
    expect(r.failedRequests.some((f) => f.includes('missing.svg'))).toBe(true);
    expect(r.consoleErrors.some((e) => e.includes('boom'))).toBe(true);
    expect(r.overflowing).toEqual([]);
  });

  it('negative control: a table wider than the page outside a scroll container, and a figure wider than the page, are caught', async () => {
    const bad = join(work, 'wide.html');
    const html = readFileSync(page, 'utf8')
      .replace(
        '</body>',
        '<table id="wide-table"><tr><td style="min-width:3000px; max-width:none">a row wider than the ' +
          'page, outside a scroll container</td></tr></table></body>',
      )
      .replace(
        '</body>',
        '<figure class="plot" id="wide"><img src="data:image/svg+xml;base64,' +
          Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="100"/>').toString('base64') +
          '" style="max-width:none"></figure></body>',
      );
    writeFileSync(bad, html);
    const r = await checkReportPage(bad, join(work, 'wide.png'));
    expect(r.overflowing.some((o) => o.startsWith('past the page: figure#wide'))).toBe(true);
    expect(r.overflowing.some((o) => o.startsWith('past the page: table#wide-table'))).toBe(true);
    expect(r.overflowing.some((o) => o.includes('the page scrolls sideways'))).toBe(true);
  });
});
