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
    // the line each prints just before training starts
    ['axhw train', ['train', '--data', 'fashion-mnist', '--epochs', '50', '--limit-train', '20000'], /^data fashion-mnist/m],
    [
      'axhw experiment axnet',
      ['experiment', 'axnet', '--functions', 'kmeans', '--epochs', '200', '--multipliers', 'exact-mul:width=4,signed'],
      /^kmeans: \d+ training/m,
    ],
  ])('stops %s within a second, exit 130, nothing written', { timeout: 300_000 }, async (_, args, started) => {
    const out = join(mkdtempSync(join(tmpdir(), 'axhw-int-')), 'o');
    const run = execa('node', [bin, ...args, '-o', out], { reject: false, all: true });
    // Interrupt once training has run for a while (after data loading and any RTL build).
    let seen = '';
    await new Promise<void>((resolve) => {
      run.all!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (started.test(seen)) setTimeout(resolve, 1500);
      });
    });
    const sent = performance.now();
    run.kill('SIGINT');
    const r = await run;
    expect((performance.now() - sent) / 1000, r.all).toBeLessThan(1.5);
    expect(r.exitCode, r.all).toBe(130);
    expect(r.all).toMatch(/axhw: interrupted \(SIGINT\)/);
    expect(existsSync(out)).toBe(false);
    // and it stopped in the middle: the training it was asked for did not run to its end
    expect(r.all).not.toMatch(/epoch 50\/50|kmeans axnet \(/);
  });
});
