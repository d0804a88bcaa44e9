import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import type { Experiment } from '../../src/experiments/experiment.js';
import { runExperiment } from '../../src/experiments/runner.js';
import { getExperiment, listExperiments } from '../../src/experiments/registry.js';
import { figure, table, text } from '../../src/doc/document.js';
import { renderMarkdown } from '../../src/doc/markdown.js';

/** A toy experiment whose result is whatever `value` says. */
const toy = (value: unknown): Experiment<{ a: unknown }> => ({
  name: 'toy',
  description: 'test',
  examples: [],
  options: {},
  defaultOut: 'unused',
  load: async () => ({
    run: async () => ({ a: value }),
    schema: z.object({ a: z.number() }),
    dataFiles: (r) => [['toy.json', JSON.stringify(r) + '\n']],
    document: (r) => ({
      title: 'Toy',
      intro: [text('intro')],
      command: 'axhw experiment toy',
      sections: [
        {
          title: 'S',
          command: 'axhw experiment toy --x',
          blocks: [
            table(['k', 'v'], [['a', String(r.a)]]),
            figure('fig', 'A figure', {
              data: { values: [{ x: 1, y: 2 }] },
              mark: 'point',
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
            }),
          ],
        },
      ],
    }),
  }),
  resultFile: 'toy.json',
  markdownFile: 'toy.md',
  summary: () => [],
});

describe('experiment runner', () => {
  it('writes the data files, the document as Markdown and its figures as SVG', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'axhw-runner-')), 'r');
    const { files } = await runExperiment(toy(1), {}, { command: 'x' }, out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['toy.json', 'toy.md', 'fig.svg', 'provenance.json']);
    const prov = JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'));
    expect(prov).toMatchObject({ format: 'axhw-provenance', command: 'x', node: process.version });
    expect(prov.tools.verilator).toMatch(/^Verilator \d/);
    const md = readFileSync(join(out, 'toy.md'), 'utf8');
    expect(md).toContain('| k | v |\n|---|---|\n| a | 1 |');
    expect(md).toContain('![A figure](fig.svg)');
    expect(md).toContain('Reproduce: `axhw experiment toy --x`');
    expect(readFileSync(join(out, 'fig.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses a result that does not fit its schema, and writes nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'axhw-runner-')), 'r');
    await expect(runExperiment(toy('not a number'), {}, { command: 'x' }, out)).rejects.toThrow(/toy.json does not match its schema: a:/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an experiment whose first data file is not its declared result file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'axhw-runner-')), 'r');
    await expect(runExperiment({ ...toy(1), resultFile: 'other.json' }, {}, { command: 'x' }, out)).rejects.toThrow(
      /first data file is toy.json, not its declared result file other.json/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('the registry knows axtrain; unknown names are a user error', () => {
    expect(listExperiments().map((e) => e.name)).toContain('axtrain');
    expect(getExperiment('axtrain').options.quick?.flags).toBe('--quick');
    expect(() => getExperiment('nope')).toThrow(/Unknown experiment 'nope'/);
  });

  it('renders one Markdown table style and nested sections', () => {
    const md = renderMarkdown({
      title: 'T',
      intro: [],
      sections: [{ title: 'A', blocks: [text('x')], sections: [{ title: 'B', blocks: [table(['h'], [[1], [2]], 'cap')] }] }],
    });
    expect(md).toBe('# T\n\n## A\n\nx\n\n### B\n\ncap\n\n| h |\n|---|\n| 1 |\n| 2 |\n');
  });
});
