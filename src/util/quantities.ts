/**
 * Quantities as a person reads them: one SI prefix per figure (or per table column), and the clock a
 * power or energy figure is quoted at, with whether the design meets it.
 */

const ENERGY_UNITS = [
  { unit: 'pJ', pj: 1 },
  { unit: 'nJ', pj: 1e3 },
  { unit: 'uJ', pj: 1e6 },
  { unit: 'mJ', pj: 1e9 },
  { unit: 'J', pj: 1e12 },
] as const;

/** The unit in which the largest of these energies (pJ) reads as 1 to 999, and the divisor into it. */
export function energyScale(maxPj: number): { unit: string; pj: number } {
  let best: { unit: string; pj: number } = ENERGY_UNITS[0];
  for (const u of ENERGY_UNITS) if (Math.abs(maxPj) >= u.pj) best = u;
  return best;
}

/** One energy in its own unit, three significant figures: 8739000 pJ -> "8.74 uJ". */
export function formatEnergy(pj: number): string {
  const s = energyScale(pj);
  return `${(pj / s.pj).toPrecision(3)} ${s.unit}`;
}

export interface ClockTiming {
  clockNs: number;
  delayNs: number;
  slackNs: number;
}

/** Whether a design meets its clock: OpenSTA's slack is the clock period less the critical path. */
export const meetsClock = (t: ClockTiming): boolean => t.slackNs >= 0;

/** "critical path 64.1 ns, slack -54.1 ns at the 10 ns clock" */
export function timingPhrase(t: ClockTiming): string {
  return `critical path ${t.delayNs.toFixed(2)} ns, slack ${t.slackNs.toFixed(2)} ns at the ${t.clockNs} ns clock`;
}

/** "12.98 us per inference, 77,042 inferences/s at the 20 ns clock": at the clock if it is met, else at the critical path. */
export function throughputPhrase(cyclesPerInference: number, t: ClockTiming): string {
  const ns = meetsClock(t) ? t.clockNs : t.delayNs;
  const us = (cyclesPerInference * ns) / 1e3;
  const at = meetsClock(t) ? `the ${t.clockNs} ns clock` : `the ${t.delayNs.toFixed(2)} ns critical path`;
  const perSecond = Math.round(1e6 / us).toLocaleString('en-US');
  return `${us.toLocaleString('en-US', { maximumFractionDigits: 2 })} us per inference, ${perSecond} inferences/s at ${at}`;
}

/** The warning a figure quoted at an unmet clock carries; undefined when the clock is met. */
export function clockWarning(t: ClockTiming): string | undefined {
  if (meetsClock(t)) return undefined;
  return (
    `WARNING: the design does not meet the ${t.clockNs} ns clock (critical path ${t.delayNs.toFixed(2)} ` +
    `ns, slack ${t.slackNs.toFixed(2)} ns): figures at ${t.clockNs} ns are not achievable; the figures ` +
    `at the ${t.delayNs.toFixed(2)} ns critical path are`
  );
}

/** A costed part as the clock law needs it: its group, its energy over the counted cycles (J), its leakage power (W). */
export interface ClockedPart {
  group: string;
  energyJ: number;
  leakageW: number;
}

/**
 * Energy by cost group and in all (J) had the same cycles run at another clock period: the dynamic
 * energy (toggles) does not depend on the period, the leakage grows with it.
 */
export function energyAtClock(
  c: { parts: readonly ClockedPart[]; cycles: number; clockNs: number },
  clockNs: number,
): { groups: Record<string, number>; total: number } {
  const groups: Record<string, number> = {};
  for (const p of c.parts) groups[p.group] = (groups[p.group] ?? 0) + p.energyJ + p.leakageW * c.cycles * (clockNs - c.clockNs) * 1e-9;
  return { groups, total: Object.values(groups).reduce((a, b) => a + b, 0) };
}

/** A fraction as a percentage with `digits` decimals: 0.98246 -> '98.25%'. */
export const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;

/** A relative change as a signed percentage with one decimal ('+12.5%', '-3.0%'), or 'n/a' when there is none. */
export const signedPct = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

/** A percentage difference in words: 12.5 with ('less', 'more') is `12.5% less`, -3 is `3.0% more` (never `-3.0% less`). */
export const pctWords = (x: number, positive: string, negative: string): string =>
  `${Math.abs(x).toFixed(1)}% ${x >= 0 ? positive : negative}`;
