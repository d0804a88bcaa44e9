import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { requireTool } from '../helpers/tools.js';
import { axhw, argv } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const F = (f: string) => join(root, 'test', 'fixtures', 'rtl', f);

/** A small learnable CSV in scikit-learn's layout (label = sign of the sum of the features). */
function tinyCsv(path: string): string {
  const rows = ['200,4,neg,pos'];
  let s = 7;
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let i = 0; i < 200; i++) {
    const x = [r(), r(), r(), r()];
    rows.push(`${x.map((v) => v.toFixed(4)).join(',')},${x.reduce((a, b) => a + b, 0) > 0 ? 1 : 0}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('axhw train / eval', () => {
  let dir: string;
  let csv: string;
  /** `axhw train` of the small MLP on the tiny CSV, with these flags. */
  const trainTiny = (...flags: string[]) => axhw('train', '--data', 'breast-cancer', '--data-path', csv, '--model', 'mlp:8-2', ...flags);
  beforeAll(() => {
    requireTool('verilator');
    if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
    dir = mkdtempSync(join(tmpdir(), 'axhw-train-cli-'));
    csv = tinyCsv(join(dir, 'tiny.csv'));
  });

  it('trains with the approximate forward pass on a user file, writes metrics, weights and curve; eval reloads them', async () => {
    const out = join(dir, 'run1');
    const r = await trainTiny(
      ...argv`--method pas --multiplier drum:width=8,k=4,signed --ntv-voltage 850 --ntv-draws 3 --epochs 3 --lr 0.01 -o ${out}`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toMatch(/backend (wasm|tensorflow|cpu)/);
    expect(r.stderr).toMatch(/epoch 3\/3/);
    expect(r.stdout).toMatch(/same class on 100\.00%/);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m.backend.name).toMatch(/wasm|tensorflow|cpu/);
    expect(m.method).toBe('pas');
    expect(m.history).toHaveLength(3);
    expect(m.hardware.hardware.path).toBe('transform');
    expect(m.hardware.hardware.provenance.rtlHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.hardware.ntv).toMatchObject({ rate: 0.001, draws: 3 });
    expect(m.testAccuracyExact).toBeGreaterThan(0.8);
    for (const f of ['model.json', 'weights.bin', 'curve.svg']) expect(existsSync(join(out, f))).toBe(true);

    const e = await axhw(...argv`eval --model-dir ${out} --data-path ${csv} --multiplier drum:width=8,k=4,signed --path table --json`);
    expect(e.exitCode, e.all).toBe(0);
    const ev = JSON.parse(e.stdout);
    expect(ev.testAccuracyExact).toBe(m.testAccuracyExact);
    // same RTL: the training calibration is reused, so table path == transform path results
    expect(ev.hardware.accuracy).toBe(m.hardware.accuracy);
    expect(ev.hardware.inputExps).toEqual(m.hardware.inputExps);
  });

  it('axtrain runs act (sensitivity, adaptive lambda) then pas on the hardware, and reports the sensitivity', async () => {
    const out = join(dir, 'axtrain');
    const r = await trainTiny(
      ...argv`--method axtrain --multiplier drum:width=8,k=3,signed --epochs 3 --pas-epochs 2
        --lambda 0.02 --lambda-step 0.01 --converge-tol 0 --ntv-draws 2 -o ${out}`,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toMatch(/epoch 1\/5 \[act\] {2}loss \d\.\d+ {2}S \d[\d.e+-]* \(lambda 0\.0200\)/);
    expect(r.stderr).toMatch(/epoch 5\/5 \[pas\]/);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m.history.map((h: { phase: string }) => h.phase)).toEqual(['act', 'act', 'act', 'pas', 'pas']);
    expect(m.act).toMatchObject({ lambda: 0.02, lambdaStep: 0.01 });
    expect(m.act.output).toMatch(/sum of the logits/);
    expect(m.pasEpochs).toBe(2);
    expect(m.sensitivity.total).toBeGreaterThan(0);
    expect(m.sensitivity.layers.reduce((x: number, l: { total: number }) => x + l.total, 0)).toBeCloseTo(m.sensitivity.total, 6);
    expect(m.sensitivity.layers.map((l: { shape: number[] }) => l.shape)).toEqual([
      [4, 8],
      [8, 2],
    ]);
  });

  it('uses the general table path for a user multiplier that does not factorise', async () => {
    const table = join(dir, 'loa.npy');
    const l = await axhw('lut', '--rtl', F('loa_mult.v'), '--top', 'loa_mult', '--a-width', '8', '--b-width', '8', '-o', table, '--quiet');
    expect(l.exitCode, l.all).toBe(0);
    const out = join(dir, 'run2');
    const r = await trainTiny('--multiplier-table', table, '--epochs', '1', '-o', out, '--json');
    expect(r.exitCode, r.all).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.hardware.hardware.path).toBe('table');
    expect(m.hardware.hardware.pathReason).toMatch(/no per-operand transform/);
    expect(m.hardware.hardware.operandEncoding).toMatch(/sign-magnitude/);
    const bad = await trainTiny('--multiplier-table', table, '--path', 'transform', '-o', join(dir, 'never1'));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/no per-operand transform/);
    expect(existsSync(join(dir, 'never1'))).toBe(false);
  });

  it('eval rejects a corrupt weights file', async () => {
    const out = join(dir, 'run3');
    expect(
      (await axhw('train', '--data', 'breast-cancer', '--data-path', csv, '--model', 'mlp:4-2', '--epochs', '1', '-o', out, '--quiet'))
        .exitCode,
    ).toBe(0);
    writeFileSync(join(out, 'weights.bin'), Buffer.alloc(16));
    const r = await axhw('eval', '--model-dir', out, '--data-path', csv);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/does not match model\.json/);
  });
});
