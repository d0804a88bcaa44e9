import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResult, loadResultDir } from '../../src/report/sources.js';
import { AxhwError } from '../../src/errors.js';

const dir = (files: Record<string, string>) => {
  const d = mkdtempSync(join(tmpdir(), 'axhw-report-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true });
    writeFileSync(join(d, f), text);
  }
  return d;
};

/** Result folders that cannot be read are user errors naming the file and the fix (exit 2). */
describe('result folders', () => {
  const fails = async (d: string, message: RegExp) => {
    let err: unknown;
    try {
      await loadResultDir(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AxhwError);
    expect((err as AxhwError).message).toMatch(message);
    expect((err as AxhwError).exitCode).toBe(2);
    expect((err as AxhwError).fix).toBeTruthy();
  };

  it('refuses a missing folder, a folder with no results, unreadable JSON and JSON that misses its schema', async () => {
    await fails('/nonexistent/axhw', /is not a folder/);
    await fails(dir({ 'notes.txt': 'x' }), /holds no axhw results/);
    await fails(dir({ 'characterize.json': '{ not json' }), /characterize.json is not readable JSON/);
    await fails(dir({ 'characterize.json': '{"unit": "drum"}' }), /characterize.json does not match its schema \(rows:/);
    await fails(dir({ 'axnet.json': '{"format": "axhw-axnet-experiment"}' }), /axnet.json does not match its schema/);
    await fails(dir({ 'npu-run.json': '{"format": "axhw-npu-run", "version": 2}' }), /npu-run.json does not match its schema/);
    await fails(dir({ 'summary.json': '{"format": "axhw-demo"}' }), /summary.json does not match its schema/);
  });

  it('a demo summary whose step folder is missing stops the report', async () => {
    const summary = demoSummary({ name: 'a', title: 'A', seconds: 1, dir: 'gone', headline: 'h' });
    await fails(dir({ 'summary.json': JSON.stringify(summary) }), /gone is not a folder/);
    // Without step folders the summary alone is a document.
    const docs = await loadResultDir(
      dir({ 'summary.json': JSON.stringify({ ...summary, steps: [{ ...summary.steps[0], dir: undefined }] }) }),
    );
    expect(docs.map((d) => d.title)).toEqual(['The demo: from RTL to a network on the NPU']);
  });

  it('a provenance sidecar that does not fit its schema is refused too', async () => {
    const summary = demoSummary({ name: 'a', title: 'A', seconds: 1, headline: 'h' });
    await fails(
      dir({ 'summary.json': JSON.stringify(summary), 'provenance.json': '{"format": "x"}' }),
      /provenance.json does not match its schema/,
    );
  });
});

/** A result file given by itself: recognised by the format it carries before its name. */
describe('result files', () => {
  const analysis = {
    format: 'axhw-tetris-analysis',
    version: 1,
    model: 'weight table',
    weights: 'w.npy',
    mult: 'exact-mul:width=8,signed',
    wordBits: 8,
    lanes: 7,
    groups: [2],
    layers: [],
    total: {
      zeroBits: {
        'twos-complement': { weights: 1, nonZeroWeights: 1, bits: 8, zeroBits: 7, nonZeroBits: 8, zeroBitsInNonZero: 7 },
        'sign-magnitude': { weights: 1, nonZeroWeights: 1, bits: 8, zeroBits: 7, nonZeroBits: 8, zeroBitsInNonZero: 7 },
      },
      essentialBits: 1,
      weights: 1,
      macCycles: 1,
      zeroValueSpeedup: 1,
      idealSpeedup: 7,
      kneading: [{ group: 2, words: 1, sacCycles: 1, speedup: 1 }],
    },
  };

  it('a tetris analysis saved as tetris.json is read as an analysis (its format), not as the experiment (its name)', async () => {
    const d = dir({ 'tetris.json': JSON.stringify(analysis), 'other-name.json': JSON.stringify(analysis) });
    for (const f of ['tetris.json', 'other-name.json'])
      expect((await loadResult(join(d, f))).map((x) => x.title)).toEqual([
        'Tetris analysis: weight table (w.npy) as exact-mul:width=8,signed codes',
      ]);
  });

  it('a file without a known format or name, or not JSON, is refused naming the formats', async () => {
    const d = dir({ 'x.json': JSON.stringify({ format: 'x' }), 'y.txt': 'not json' });
    await expect(loadResult(join(d, 'x.json'))).rejects.toThrow(/x\.json is not an axhw result: its format is "x"/);
    await expect(loadResult(join(d, 'y.txt'))).rejects.toThrow(/y\.txt is not an axhw result: not a JSON file/);
    await expect(loadResult(join(d, 'missing.json'))).rejects.toThrow(/missing\.json does not exist/);
  });
});

/** A demo summary that fits its schema, with one step. */
function demoSummary(step: { name: string; title: string; seconds: number; dir?: string; headline: string }) {
  return {
    format: 'axhw-demo',
    version: 1,
    command: 'axhw demo',
    createdAt: 'now',
    seconds: 1,
    seed: 1,
    backend: 'wasm',
    tools: {},
    units: [],
    steps: [step],
    notRun: [],
  };
}
