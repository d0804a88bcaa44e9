import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

/** How often a log (stderr not a terminal) gets a progress line. */
const LOG_EVERY_MS = 10_000;

/**
 * Progress on stderr for long runs: a bar when stderr is a terminal; in a log (a pipe or a file), a
 * plain line every 10 seconds, so a long step is never silent there; nothing when disabled (--quiet,
 * --json). Returns an update callback and a stop function.
 */
export function progressBar(
  label: string,
  enabled: boolean,
  unit = 'pairs',
): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) return progressLines(label.trim(), unit);
  // loaded only for a bar on a terminal
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const t0 = performance.now();
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0, { rate: '-' });
        started = true;
      }
      const rate = done / Math.max(1e-3, (performance.now() - t0) / 1000);
      bar.update(done, { rate: formatCount(rate) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function formatCount(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** Progress as plain lines for logs: done/total, share, rate and the time left, at most every 10 s. */
function progressLines(label: string, unit: string): { update: (done: number, total: number) => void; stop: () => void } {
  const t0 = performance.now();
  let last = t0;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < LOG_EVERY_MS || done >= total) return;
      last = now;
      const seconds = (now - t0) / 1000;
      const rate = done / Math.max(1e-3, seconds);
      const left = rate > 0 ? (total - done) / rate : Infinity;
      process.stderr.write(
        `${label}: ${formatCount(done)}/${formatCount(total)} ${unit} ` +
          `(${((100 * done) / total).toFixed(0)}%), ${formatCount(rate)} ${unit}/s, ` +
          `about ${Number.isFinite(left) ? `${Math.ceil(left)} s` : '?'} left\n`,
      );
    },
    stop() {},
  };
}
