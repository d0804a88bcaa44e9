import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/run.js';
import type { Step } from '../../src/demo/steps.js';

/**
 * The demo's run of its steps without the real ones: a background step (`startsAfter`) starts once the step it names
 * is done, its log is shown in its place, its failure stops the demo there, and a failure elsewhere stops it too.
 */
const work = () => mkdtempSync(join(tmpdir(), 'axhw-demo-run-'));

function steps(o: { backgroundFails?: boolean; laterFails?: boolean }, seen: string[]): Step[] {
  return [
    { name: 'first', title: 'first', run: async () => (seen.push('first done'), { headline: 'first' }) },
    {
      name: 'second',
      title: 'second',
      run: async (stage) => {
        seen.push('second done');
        writeFileSync(join(stage, 'second.txt'), 'x');
        return { headline: 'second' };
      },
    },
    {
      name: 'third',
      title: 'third',
      run: async () => {
        // The background step is running now; it began after `first`, not before.
        seen.push('third');
        await new Promise((r) => setTimeout(r, 50));
        if (o.laterFails) throw new Error('third broke');
        return { headline: 'third' };
      },
    },
    {
      name: 'background',
      title: 'background',
      startsAfter: 'first',
      run: (stage, ctx) =>
        new Promise((resolve, reject) => {
          seen.push(`background started, stage ${existsSync(stage) ? 'exists' : 'missing'}`);
          ctx.log('background: a line of its own');
          let settled = false;
          ctx.signal!.addEventListener('abort', () => {
            if (settled) return; // the demo's end aborts what has already finished: nothing to stop
            seen.push('background aborted');
            reject(new Error('aborted'));
          });
          setTimeout(() => {
            settled = true;
            if (o.backgroundFails) reject(new Error('background broke'));
            else resolve({ headline: 'background done' });
          }, 200);
        }),
    },
  ];
}

describe('the demo run: background steps', () => {
  it('a background step starts after the step it names, its log is shown in its place, and its failure stops the demo there', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const dir = work();
    const out = join(dir, 'demo');
    const err = await runDemo({
      out,
      command: 'axhw demo',
      backend: 'cpu',
      log: (m) => lines.push(m),
      steps: steps({ backgroundFails: true }, seen),
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('The demo stopped at step 4/4 (background): background broke');
    expect(seen.slice(0, 2)).toEqual(['first done', 'background started, stage exists']);
    expect(seen).toContain('third');
    // Its line comes after the step heading in its place, not while the third step ran.
    const heading = lines.indexOf('[4/4] background: background');
    expect(heading).toBeGreaterThan(lines.indexOf('[3/4] third: third'));
    expect(lines[heading + 1]).toBe('background: a line of its own');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failing step stops the background step that runs beside it and leaves no staging folder', async () => {
    const seen: string[] = [];
    const dir = work();
    const err = await runDemo({
      out: join(dir, 'demo'),
      command: 'axhw demo',
      backend: 'cpu',
      steps: steps({ laterFails: true }, seen),
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('The demo stopped at step 3/4 (third): third broke');
    expect(seen).toContain('background aborted');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('negative control: without the failure the background step finishes and is not aborted', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const dir = work();
    // The run fails later (the report needs the real steps' folders), but after every step has passed.
    await runDemo({
      out: join(dir, 'demo'),
      command: 'axhw demo',
      backend: 'cpu',
      log: (m) => lines.push(m),
      steps: steps({}, seen),
    }).catch(() => {});
    expect(seen).not.toContain('background aborted');
    expect(lines.some((l) => /^ {6}background done \([\d.]+ s, beside the steps after first\)$/.test(l))).toBe(true);
  });

  it('a background step must name a step before it', async () => {
    const bad = steps({}, []).map((s) => (s.name === 'background' ? { ...s, startsAfter: 'third-ish' } : s));
    await expect(runDemo({ out: join(work(), 'demo'), command: 'axhw demo', backend: 'cpu', steps: bad })).rejects.toThrow(
      'demo step background starts after third-ish, which is not a step before it',
    );
  });
});
