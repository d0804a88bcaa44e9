import cliProgress from 'cli-progress';

/**
 * Progress on stderr for long runs: a bar when stderr is a terminal, otherwise nothing (logs and
 * --json output stay clean). Returns an update callback and a stop function.
 */
export function progressBar(label: string, enabled: boolean, unit = 'pairs'): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | eta {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50, fps: 5 },
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
