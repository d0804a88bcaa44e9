import type { VerifyReport } from '../../verify/verify.js';
import { fmtInt } from './output.js';

export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const k = r.controlSettings.length;
  const per = k > 0 ? ` under each of ${k} control setting${k > 1 ? 's' : ''} (${describeSettings(r.controlSettings)})` : '';
  const what =
    r.mode === 'exhaustive'
      ? `all ${fmtInt(r.pairs)} pairs (exhaustive${per ? `: every pair${per}` : ''})`
      : `${fmtInt(r.pairs)} pairs (${fmtInt(r.perSetting.cornerPairs)} corner + ${fmtInt(r.perSetting.randomPairs)} ` +
        `random, seed ${r.seed}${per})`;
  const speed =
    `${r.seconds.toFixed(2)} s, ${(r.pairsPerSecond / 1e6).toFixed(1)} ` +
    `M pairs/s, build ${r.build.cached ? 'cached' : `${r.build.seconds.toFixed(1)} s`}`;
  if (r.passed) lines.push(`PASS ${r.top}: RTL == model on ${what} [${speed}]`);
  else {
    lines.push(`FAIL ${r.top}: ${fmtInt(r.mismatches)} of ${what} differ [${speed}]`);
    lines.push('  first counterexamples (a, b: rtl vs model):');
    for (const c of r.counterexamples) {
      const ctl = c.controls
        ? ` [${Object.entries(c.controls)
            .map(([n, v]) => `${n}=${v}`)
            .join(' ')}]`
        : '';
      lines.push(`    a=${c.a} (${c.aCode}) b=${c.b} (${c.bCode})${ctl}: rtl ${c.rtl}, model ${c.model}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** mbits=0..31, or the individual values when they are not one contiguous run. */
function describeSettings(settings: Record<string, number>[]): string {
  const names = Object.keys(settings[0] ?? {});
  return names
    .map((n) => {
      const vals = [...new Set(settings.map((s) => s[n]))].sort((x, y) => x - y);
      const contiguous = vals.length > 2 && vals[vals.length - 1] - vals[0] === vals.length - 1;
      return `${n}=${contiguous ? `${vals[0]}..${vals[vals.length - 1]}` : vals.join(',')}`;
    })
    .join(' ');
}
