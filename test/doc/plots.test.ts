import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { renderVegaLite } from '../../src/doc/vega.js';
import { paretoSvg } from '../../src/characterize/pareto.js';
import { ntvSpec, outputErrorSpec, sensitivitySpec } from '../../src/experiments/axtrain/report.js';
import { trainingCurveSvg } from '../../src/train/curve.js';
import type { CharacterizeReport } from '../../src/characterize/characterize.js';
import type { AxtrainResult } from '../../src/experiments/axtrain/schema.js';
import type { EpochRecord } from '../../src/train/trainer.js';

/**
 * Every figure axhw writes, rendered to PNG by a real SVG renderer (resvg) and checked as a reader would
 * see it: the picture has the SVG's size and is not blank, and no two pieces of text overlap (axis
 * labels, titles, legends). Text boxes are estimated from the SVG's own positions, font sizes and
 * anchors, with the group translations applied.
 */

interface Box {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Text boxes of a Vega SVG: nested <g transform="translate()"> offsets, text anchors, -90 rotations. */
export function textBoxes(svg: string): Box[] {
  const boxes: Box[] = [];
  const stack: [number, number][] = [[0, 0]];
  const translate = (t: string | undefined) => {
    const m = t ? /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(t) : null;
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  for (const m of svg.matchAll(/<g\b([^>]*)>|<\/g>|<text\b([^>]*)>([^<]*)<\/text>/g)) {
    if (m[0] === '</g>') stack.pop();
    else if (m[0].startsWith('<g')) {
      const [dx, dy] = translate(/transform="([^"]*)"/.exec(m[1]!)?.[1]);
      const [x, y] = stack.at(-1)!;
      if (m[0].endsWith('/>')) continue;
      stack.push([x + dx!, y + dy!]);
    } else {
      const attrs = m[2]!;
      const text = m[3]!.replace(/&[a-z]+;/g, 'x').trim();
      // Vega hides labels it removed for overlap with opacity 0; they are not drawn.
      if (!text || /opacity="0"/.test(attrs)) continue;
      const transform = /transform="([^"]*)"/.exec(attrs)?.[1] ?? '';
      const [tx, ty] = translate(transform);
      const fs = Number(/font-size="([\d.]+)px"/.exec(attrs)?.[1] ?? 10);
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      // Conservative estimates: 0.5 em per character, cap height 0.7 em above the baseline.
      const w = 0.5 * fs * text.length;
      const h = 0.7 * fs;
      const [ox, oy] = stack.at(-1)!;
      const x = ox + tx!;
      const y = oy + ty!;
      const start = anchor === 'middle' ? -w / 2 : anchor === 'end' ? -w : 0;
      if (/rotate\(-90\)/.test(transform)) boxes.push({ text, x0: x - h, x1: x, y0: y - start - w, y1: y - start });
      else boxes.push({ text, x0: x + start, x1: x + start + w, y0: y - h, y1: y });
    }
  }
  return boxes;
}

export function overlaps(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (ox > 1 && oy > 1) out.push(`'${a.text}' / '${b.text}'`);
    }
  return out;
}

function checkReadable(svg: string, name: string): void {
  const size = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg);
  expect(size, name).not.toBeNull();
  const img = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
  expect([img.width, img.height], name).toEqual([Number(size![1]), Number(size![2])]);
  expect(img.width * img.height).toBeGreaterThan(200 * 150);
  const px = img.pixels; // RGBA
  let inked = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i]! < 200 || px[i + 1]! < 200 || px[i + 2]! < 200) inked++;
  expect(inked / (img.width * img.height), `${name}: share of non-white pixels`).toBeGreaterThan(0.02);
  expect(img.asPng().subarray(1, 4).toString()).toBe('PNG');
  expect(overlaps(textBoxes(svg)), `${name}: overlapping text`).toEqual([]);
}

const apps = ['breast-cancer', 'image-seg', 'ionosphere', 'satimage', 'mnist-mlp', 'mnist-cnn'];
const settings = [3, 4, 5, 6].map((k, i) => ({ setting: `K${i + 1}`, k }));
const method = (x: number) => ({ outputError: x, mean: x, std: 0.02 });
const axtrain = {
  apps: apps.map((name, a) => ({
    app: { name },
    multipliers: settings.map((s) => ({ ...s, bp: method(1 + 0.1 * a), act: method(0.8 + 0.05 * s.k), axtrain: method(0.7 + 0.02 * a) })),
    // Each application has its own two voltages (as in the paper), so shared axes would leave gaps.
    ntv: (a === 0 ? [400, 660] : [660, 850]).map((v, i) => ({
      voltageMv: v,
      role: i ? 'conservative' : 'aggressive',
      draws: 50,
      bp: method(0.9 - 0.1 * a * (1 - i)),
      act: method(0.85),
      axtrain: method(0.93),
    })),
    sensitivity: Object.fromEntries(
      ['bp', 'act', 'axtrain'].map((m, j) => [
        m,
        {
          last: {
            rows: 64,
            cols: a === 5 ? 10 : 2,
            values: Array.from({ length: 64 * (a === 5 ? 10 : 2) }, (_, i) => ((i * 37 + j) % 17) / 17),
          },
        },
      ]),
    ),
  })),
} as unknown as AxtrainResult;

describe('figures a person can read (rendered to PNG)', () => {
  it('the text-overlap check finds overlapping labels (negative control)', async () => {
    const svg = await renderVegaLite({
      data: {
        values: [
          { x: 1, y: 1, t: 'mbits=6' },
          { x: 1, y: 1.02, t: 'mbits=7' },
          { x: 5, y: 5, t: 'far away' },
        ],
      },
      layer: [{ mark: 'point' }, { mark: { type: 'text', dx: 6, align: 'left' }, encoding: { text: { field: 't' } } }],
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    expect(overlaps(textBoxes(svg))).toEqual(["'mbits=6' / 'mbits=7'"]);
  });

  it('characterize: the Pareto plot, with a baseline, and for a run-time control sweep (one area)', async () => {
    const row = (label: string, mred: number, powerMw: number, area: number) => ({ label, metrics: { mred }, powerMw, area });
    const base = { unit: 'drum', library: { name: 'osu018' }, clockNs: 10, activity: { workload: 'uniform' } };
    const drum = {
      ...base,
      baseline: row('exact-mul', 0, 3.22, 18597),
      rows: [2, 3, 4, 5, 6, 7].map((k) => row(`k=${k}`, 0.5 / k ** 2, 1 + 0.3 * k, 6000 + 1500 * k)),
    } as unknown as CharacterizeReport;
    checkReadable(await paretoSvg(drum), 'pareto (drum)');
    const fp = {
      ...base,
      unit: 'fpmul',
      rows: [1, 2, 3, 4, 5, 6, 7, 8].map((m) => row(`mbits=${m}`, 0.5 / 2 ** m, 1.5 + 0.8 * m, 29145)),
    } as unknown as CharacterizeReport;
    const svg = await paretoSvg(fp);
    checkReadable(svg, 'pareto (fpmul)');
    expect(svg).toMatch(/area 29,145 um\^2 for every configuration/);
    expect(svg).not.toMatch(/MRED vs area/);
  });

  it('AxTrain: output error, NTV accuracy and the sensitivity maps', async () => {
    checkReadable(await renderVegaLite(outputErrorSpec(axtrain)), 'output error');
    const ntv = await renderVegaLite(ntvSpec(axtrain));
    checkReadable(ntv, 'ntv');
    // Each panel shows only its application's voltages: 400 mV appears once (breast cancer), 850 mV five times.
    expect(ntv.match(/>400 mV \(aggr\.\)</g)).toHaveLength(1);
    expect(ntv.match(/>850 mV \(cons\.\)</g)).toHaveLength(5);
    for (const a of axtrain.apps) checkReadable(await renderVegaLite(sensitivitySpec(a)), `sensitivity ${a.app.name}`);
  });

  it('training curves', async () => {
    const history = Array.from({ length: 12 }, (_, i) => ({
      epoch: i + 1,
      loss: 1 / (i + 1),
      trainAccuracy: 0.5 + 0.04 * i,
      testAccuracy: 0.5 + 0.035 * i,
      testAccuracyHw: 0.48 + 0.035 * i,
    })) as EpochRecord[];
    checkReadable(await trainingCurveSvg(history, 'mnist-mlp on fashion-mnist (axtrain)'), 'curve');
  });
});
