import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'axhw.js');

/**
 * Ctrl-C during training: TensorFlow.js runs synchronously, so a trainer that never lets the event loop
 * turn would hold the signal until it finished (it did: minutes of ignored Ctrl-C). The trainers yield
 * between batches; the CLI exits 130 at once and writes no report.
 */
describe('Ctrl-C', () => {
  it.each([
    ['axhw train', ['train', '--data', 'fashion-mnist', '--epochs', '50', '--limit-train', '20000']],
    ['axhw experiment axnet', ['experiment', 'axnet', '--functions', 'kmeans', '--epochs', '200', '--multipliers', 'exact-mul:width=4,signed']],
  ])('stops %s within a second, exit 130, nothing written', { timeout: 120_000 }, async (_, args) => {
    const out = join(mkdtempSync(join(tmpdir(), 'axhw-int-')), 'o');
    const run = execa('node', [bin, ...args, '-o', out], { reject: false, all: true });
    // Interrupt once training has started (the data loaded, the first batches run).
    await new Promise<void>((resolve) => {
      run.all!.on('data', (d: Buffer) => {
        if (/backend|epoch/i.test(d.toString())) setTimeout(resolve, 1500);
      });
    });
    const sent = performance.now();
    run.kill('SIGINT');
    const r = await run;
    expect((performance.now() - sent) / 1000, r.all).toBeLessThan(1.5);
    expect(r.exitCode, r.all).toBe(130);
    expect(r.all).toMatch(/axhw: interrupted \(SIGINT\)/);
    expect(existsSync(out)).toBe(false);
  });
});
