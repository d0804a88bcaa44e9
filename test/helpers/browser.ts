import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's chromium (scripts/setup.sh installs it); Playwright downloads nothing. */
export const CHROMIUM = process.env.AXHW_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = () => existsSync(CHROMIUM);

export interface PageCheck {
  figures: { id: string; width: number; height: number; loaded: boolean }[];
  consoleErrors: string[];
  failedRequests: string[];
  /** Table-of-contents links whose target id is not on the page. */
  brokenLinks: string[];
  tocLinks: number;
  title: string;
  /**
   * What a reader at 1280 px cannot see: tables, figures, paragraphs or lists whose right edge passes the
   * page's, a page that scrolls sideways, and wide tables (scrolled in their container) whose first column
   * does not stay in view.
   */
  overflowing: string[];
}

/**
 * Open a report from file:// in headless Chromium and read what a reader would see: every figure's
 * rendered size and whether its image decoded, console errors, failed requests, and whether each
 * table-of-contents link resolves. Saves a full-page screenshot.
 */
export async function checkReportPage(htmlFile: string, screenshot: string): Promise<PageCheck> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('requestfailed', (r) => failedRequests.push(`${r.url().slice(0, 120)}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.url().slice(0, 120)}: HTTP ${r.status()}`);
    });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const figures = [...document.querySelectorAll('figure.plot')].map((f) => {
        const img = f.querySelector('img');
        const box = img?.getBoundingClientRect();
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, loaded: Boolean(img && img.complete && img.naturalWidth > 0) };
      });
      const links = [...document.querySelectorAll('nav.toc a')].map((a) => a.getAttribute('href') ?? '');
      const brokenLinks = links.filter((h) => !h.startsWith('#') || !document.getElementById(decodeURIComponent(h.slice(1))));
      const width = document.documentElement.clientWidth;
      const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}: ${(e.textContent ?? '').trim().slice(0, 60)}`;
      // A table may be wider than its scroll container (it scrolls there); nothing may pass the page's edge.
      const boxes = [...document.querySelectorAll('.table-wrap, table, figure, figure img, p, ul, dl, h1, h2, h3, h4')].filter(
        (e) => !(e.tagName === 'TABLE' && e.closest('.table-wrap')),
      );
      const overflowing = boxes
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .map((e) => `past the page: ${name(e.tagName === 'IMG' ? e.closest('figure')! : e)}`);
      if (document.documentElement.scrollWidth > width)
        overflowing.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width} px)`);
      for (const w of document.querySelectorAll('.table-wrap')) {
        const first = w.querySelector('td, th');
        if (w.scrollWidth > w.clientWidth + 0.5 && first && getComputedStyle(first).position !== 'sticky')
          overflowing.push(`a wide table without its first column in view: ${name(w)}`);
      }
      return { figures, brokenLinks, tocLinks: links.length, title: document.title, overflowing };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { ...result, consoleErrors, failedRequests };
  } finally {
    await browser.close();
  }
}
