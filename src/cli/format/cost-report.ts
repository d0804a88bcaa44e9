import type { CostReport } from '../../synth/estimate.js';
import { clockWarning } from '../../util/quantities.js';

export function formatCost(r: CostReport): string {
  const p = r.power;
  const sim = p.simulation;
  const mw = (w: number) => `${(w * 1e3).toFixed(4)} mW`;
  const types = Object.entries(r.synth.cellTypes)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  // Dynamic power is energy per cycle over the period; leakage does not depend on it.
  const atClock = (ns: number) => (p.internal + p.switching) * (r.timing.clockNs / ns) + p.leakage;
  const warning = clockWarning(r.timing);
  const trace = r.activity.trace;
  const glitch = sim?.glitchShare !== undefined ? `, glitch share ${sim.glitchShare.toFixed(3)}` : '';
  const powerSource = sim
    ? `simulated: ${sim.mode}, ${sim.cycles} cycles, ${sim.toggles.internal} toggles of cell outputs${glitch}`
    : "OpenSTA's propagation of the input activities";
  return [
    `${r.top} on ${r.library.name} (${r.library.liberty})${r.synth.cached ? ' [synthesis cached]' : ''}`,
    `  area        ${r.synth.area.toFixed(1)} ` +
      `um^2, ${r.synth.cells} cells${r.synth.flipFlops ? ` (${r.synth.flipFlops} flip-flops)` : ''}: ${types}`,
    `  delay       ${r.timing.delayNs.toFixed(4)} ns critical path (clock ${r.timing.clockNs} ns, slack ${r.timing.slackNs.toFixed(4)} ns)`,
    `  power       ${mw(p.total)} total = ${mw(p.internal)} internal + ${mw(p.switching)} switching ` +
      `+ ${mw(p.leakage)} leakage (${powerSource})`,
    ...(warning ? [`  ${warning}: ${mw(atClock(r.timing.delayNs))} total power at ${r.timing.delayNs.toFixed(2)} ns`] : []),
    `  energy      ${p.energyPerOpPj.toFixed(4)} pJ per operation (dynamic)`,
    ...(sim ? [`  (OpenSTA's propagation: ${mw(r.timing.power.total)})`] : []),
    `  PDP         ${r.pdpPj.toFixed(4)} pJ`,
    `  workload    ${r.activity.workload}` +
      (trace ? ` ${trace.file} (${trace.used} of ${trace.pairs} pairs); ` : `, seed ${r.activity.seed}; `) +
      (sim
        ? `the simulation applies the operands cycle by cycle (the secondary OpenSTA figure: ${r.activity.annotated})`
        : r.activity.annotated),
    `  netlist     ${r.synth.netlist}`,
    '',
  ].join('\n');
}
