import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResultDir } from '../../src/report/sources.js';
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
  const fails = (d: string, message: RegExp) => {
    let err: unknown;
    try {
      loadResultDir(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AxhwError);
    expect((err as AxhwError).message).toMatch(message);
    expect((err as AxhwError).exitCode).toBe(2);
    expect((err as AxhwError).fix).toBeTruthy();
  };

  it('refuses a missing folder, a folder with no results, unreadable JSON and JSON that misses its schema', () => {
    fails('/nonexistent/axhw', /is not a folder/);
    fails(dir({ 'notes.txt': 'x' }), /holds no axhw results/);
    fails(dir({ 'characterize.json': '{ not json' }), /characterize.json is not readable JSON/);
    fails(dir({ 'characterize.json': '{"unit": "drum"}' }), /characterize.json does not match its schema \(rows:/);
    fails(dir({ 'axnet.json': '{"format": "axhw-axnet-experiment"}' }), /axnet.json does not match its schema/);
    fails(dir({ 'npu-run.json': '{"format": "axhw-npu-run", "version": 2}' }), /npu-run.json does not match its schema/);
    fails(dir({ 'summary.json': '{"format": "axhw-demo"}' }), /summary.json does not match its schema/);
  });

  it('a demo summary whose step folder is missing stops the report', () => {
    const summary = { format: 'axhw-demo', version: 1, command: 'axhw demo', createdAt: 'now', seconds: 1, seed: 1, backend: 'wasm', tools: {}, units: [], steps: [{ name: 'a', title: 'A', seconds: 1, dir: 'gone', headline: 'h' }], notRun: [] };
    fails(dir({ 'summary.json': JSON.stringify(summary) }), /gone is not a folder/);
    // Without step folders the summary alone is a document.
    const docs = loadResultDir(dir({ 'summary.json': JSON.stringify({ ...summary, steps: [{ ...summary.steps[0], dir: undefined }] }) }));
    expect(docs.map((d) => d.title)).toEqual(['The demo: from RTL to a network on the NPU']);
  });

  it('a provenance sidecar that does not fit its schema is refused too', () => {
    const summary = { format: 'axhw-demo', version: 1, command: 'axhw demo', createdAt: 'now', seconds: 1, seed: 1, backend: 'wasm', tools: {}, units: [], steps: [{ name: 'a', title: 'A', seconds: 1, headline: 'h' }], notRun: [] };
    fails(dir({ 'summary.json': JSON.stringify(summary), 'provenance.json': '{"format": "x"}' }), /provenance.json does not match its schema/);
  });
});
