import { describe, expect, it } from 'vitest';
import { definitionBlocks, figure, list, table, text, type ResultDocument } from '../../src/doc/document.js';
import { escapeHtml, inlineHtml, isNumeric, renderHtml, Slugger } from '../../src/doc/html.js';
import { renderVegaLite, renumberIds } from '../../src/doc/vega.js';

const point = {
  data: { values: [{ x: 1, y: 2 }] },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

const doc = (title: string, extra: Partial<ResultDocument> = {}): ResultDocument => ({
  title,
  command: `axhw ${title}`,
  provenance: {
    command: `axhw ${title}`,
    backend: 'wasm',
    seeds: 'seed 7',
    tools: { yosys: 'Yosys 0.23' },
    parameters: { quick: true, k: 4 },
  },
  intro: [text('intro with `code` and **bold**')],
  sections: [
    {
      title: 'Results',
      command: `axhw ${title} --section`,
      blocks: [table(['a', 'b'], [['x', 1.5]], 'cap'), figure('f', 'A figure', point, 'a caption'), list(['one', 'two'])],
      sections: [{ title: 'Deeper', blocks: [text('more')] }],
    },
  ],
  ...extra,
});

describe('HTML renderer', () => {
  it('escapes HTML and renders the inline markup the documents use', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(inlineHtml('a `<b>` **c** *d* [e](f.html) 2*3*4')).toBe(
      'a <code>&lt;b&gt;</code> <strong>c</strong> <em>d</em> <a href="f.html">e</a> 2*3*4',
    );
    // Markup inside code stays literal.
    expect(inlineHtml('`**x**`')).toBe('<code>**x**</code>');
    expect(inlineHtml('<script>alert(1)</script>')).not.toContain('<script');
  });

  it.each([
    ['`a`', '<code>a</code>'],
    ['``', '<code></code>'],
    ['`', '`'],
    ['`a', '`a'],
    ['a`', 'a`'],
    ['x `a` y `b`', 'x <code>a</code> y <code>b</code>'],
    ['**a b**', '<strong>a b</strong>'],
    ['**ab**c**d**', '<strong>ab</strong>c<strong>d</strong>'],
    ['*a b*', '<em>a b</em>'],
    ['(*ab*)', '(<em>ab</em>)'],
    ['x*y*z', 'x*y*z'],
    ['* a*', '* a*'],
    ['*ab*c', '*ab*c'],
    ['[a b](c.md#d)', '<a href="c.md#d">a b</a>'],
    ['[](x)', '[](x)'],
    ['[a](b c)', '[a](b c)'],
    ['a < b & "c"', 'a &lt; b &amp; &quot;c&quot;'],
  ])('inline markup %s', (md, html) => expect(inlineHtml(md)).toBe(html));

  it.each([
    [1.5, true],
    ['12', true],
    ['-3.25', true],
    ['+0.5', true],
    ['.5', true],
    ['.55', true],
    ['1e5', true],
    ['1e-3', true],
    ['2.5E+10', true],
    ['98.25%', true],
    ['12 %', true],
    [' 7 ', true],
    ['1.2.3', false],
    ['.', false],
    ['-', false],
    ['1e', false],
    ['e5', false],
    ['12 mW', false],
    ['x12', false],
    ['12x', false],
    ['98% / 97%', false],
    ['', false],
  ])('numeric cell %s: %s', (c, want) => expect(isNumeric(c)).toBe(want));

  it(
    'opens with the answers of the documents that have one, before the contents, figures rendered ' + 'and its provenance beside them',
    async () => {
      const html = await renderHtml({
        title: 'page',
        intro: [text('page intro')],
        documents: [doc('plain'), doc('answered', { answer: [text('**the answer**'), figure('t', 'Trade-off', point)] })],
      });
      const at = (s: string) => html.indexOf(s);
      expect(html.match(/<section class="answer">/g)).toHaveLength(1);
      expect(at('<section class="answer">')).toBeLessThan(at('<p>page intro</p>'));
      expect(at('<p>page intro</p>')).toBeLessThan(at('<nav class="toc"'));
      expect(html.slice(at('<section class="answer">'), at('<nav class="toc"'))).toMatch(
        /<p><strong>the answer<\/strong><\/p>[\s\S]*<figure id="figure-t" class="plot">[\s\S]*<img src="data:image\/svg\+xml;base64,/,
      );
      expect(html.slice(at('<section class="answer">'), at('<nav class="toc"'))).toMatch(
        /<img src="data:[^"]*"[\s\S]*<code>axhw answered[\s\S]*<\/section>/,
      );
    },
  );

  it('definitions: text as items, records as name = value pairs, lists of records as tables, never raw JSON', () => {
    const blocks = definitionBlocks({
      a: 'text',
      n: 3,
      act: { lambda: 0.5, step: 1 },
      settings: [
        { name: 'K1', k: 3 },
        { name: 'K2', k: 4, extra: true },
      ],
      values: [1, 2],
    });
    expect(blocks).toEqual([
      list(['**a**: text', '**n**: 3', '**act**: lambda = 0.5, step = 1', '**values**: 1, 2']),
      table(
        ['name', 'k', 'extra'],
        [
          ['K1', 3, ''],
          ['K2', 4, 'true'],
        ],
        '**settings**',
      ),
    ]);
  });

  it('makes unique ids', () => {
    const s = new Slugger();
    expect([
      s.slug('Results (Figure 6)'),
      s.slug('results figure 6'),
      s.slug('!!'),
      s.slug('!!'),
      s.slug('<b>Bold</b> and <i>x</i>'),
      s.slug('-a-'),
    ]).toEqual(['results-figure-6', 'results-figure-6-2', 'section', 'section-2', 'bold-and-x', 'a']);
  });

  it(
    'renders a static page: contents that resolve, every figure as an image with its provenance, ' + 'no scripts or remote resources',
    async () => {
      const html = await renderHtml({ title: 'T', intro: [text('hello')], documents: [doc('one'), doc('two')], footer: 'made' });
      const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
      const links = [...html.matchAll(/<nav class="toc"[\s\S]*?<\/nav>/g)][0]![0].match(/href="#([^"]+)"/g)!.map((h) => h.slice(7, -1));
      expect(links.length).toBe(6); // two documents x (document, section, subsection)
      for (const l of links) expect(ids.has(l), l).toBe(true);
      expect(ids.size).toBe([...html.matchAll(/ id="/g)].length); // no duplicate ids
      const imgs = [...html.matchAll(/<img src="data:image\/svg\+xml;base64,([^"]+)"/g)];
      expect(imgs.length).toBe(2);
      expect(Buffer.from(imgs[0]![1]!, 'base64').toString()).toMatch(/^<svg[\s\S]*<\/svg>$/);
      // Provenance under every figure; the section's command, not the document's.
      expect(html.match(/<dl class="provenance">/g)!.length).toBe(2);
      expect(html).toContain('<dt>command</dt><dd><code>axhw one --section</code></dd>');
      expect(html).toContain('<dt>seeds</dt><dd>seed 7</dd>');
      expect(html).toContain('quick = <code>true</code>; k = <code>4</code>');
      expect(html).toContain('yosys: Yosys 0.23');
      expect(html).toContain('<td class="num">1.5</td>');
      expect(html).not.toMatch(/<script|(?:src|href)="(?:https?:)?\/\//);
      expect(html).toMatch(/^<!DOCTYPE html>/);
    },
  );

  it('renders a whole page exactly as reviewed (golden file)', async () => {
    const html = await renderHtml({
      title: 'Golden <page>',
      intro: [text('hello *world*')],
      documents: [doc('one'), { title: 'bare', intro: [], sections: [{ title: 'only text', blocks: [text('t')] }] }],
      footer: 'made by `x`',
    });
    await expect(html).toMatchFileSnapshot('__snapshots__/golden-page.html');
  });

  it('a document without provenance, captions or footer renders exactly as reviewed (golden file)', async () => {
    const html = await renderHtml({
      title: 'T',
      intro: [],
      documents: [
        {
          title: 'x',
          intro: [],
          provenance: { tools: { a: '1', b: '2' } },
          sections: [{ title: 's', blocks: [table(['h'], [[1], ['two']]), figure('f', 'F', point)] }],
        },
        { title: 'y', intro: [], sections: [{ title: 's', blocks: [figure('g', 'G', point)] }] },
      ],
    });
    await expect(html).toMatchFileSnapshot('__snapshots__/golden-bare-page.html');
  });

  it('a document without provenance still renders its figures (no empty provenance list)', async () => {
    const html = await renderHtml({
      title: 'T',
      intro: [],
      documents: [{ title: 'x', intro: [], sections: [{ title: 's', blocks: [figure('f', 'F', point)] }] }],
    });
    expect(html).toContain('<img src="data:image/svg+xml;base64,');
    expect(html).not.toContain('class="provenance"');
  });
});

describe('Vega SVG ids', () => {
  const heat = {
    data: {
      values: [
        { x: 0, y: 0, s: 1 },
        { x: 1, y: 0, s: 2 },
      ],
    },
    mark: 'rect',
    encoding: { x: { field: 'x', type: 'ordinal' }, y: { field: 'y', type: 'ordinal' }, color: { field: 's', type: 'quantitative' } },
  };

  it('the same spec renders to the same bytes however many were rendered before (gradient ids numbered per SVG)', async () => {
    const a = await renderVegaLite(heat);
    await renderVegaLite(heat);
    const b = await renderVegaLite(heat);
    expect(a).toContain('url(#gradient_r1)');
    expect(b).toBe(a);
    // Every reference resolves to an id of the same SVG.
    const ids = new Set([...a.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) expect(ids.has(m[1]), m[1]).toBe(true);
  });

  it('renumbers ids and their references in order of appearance, leaving other ids alone', () => {
    const svg =
      '<svg><defs><linearGradient id="gradient_7"/><clipPath id="clip12"/></defs><path fill="url(#gradient_7)" ' +
      'clip-path="url(#clip12)"/><use href="#clip12"/><g id="legend"/></svg>';
    expect(renumberIds(svg)).toBe(
      '<svg><defs><linearGradient id="gradient_r1"/><clipPath id="clip_r1"/></defs><path fill="url(#gradient_r1)" ' +
        'clip-path="url(#clip_r1)"/><use href="#clip_r1"/><g id="legend"/></svg>',
    );
  });
});
