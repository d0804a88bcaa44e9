import { cpus } from 'node:os';
import type { RawParams } from '../gen/params.js';
import type { Design } from '../gen/design.js';
import { resolveUnit, getUnit } from '../gen/registry.js';
import { generateDesign } from '../gen/generate.js';
import { withControlDefaults } from '../gen/controls.js';
import type { ControlSetting } from '../gen/unit.js';
import { estimateCost, type CostOptions, type CostReport } from '../synth/estimate.js';
import { unitErrorMetrics, type UnitMetrics } from '../metrics/unit-metrics.js';
import { combinations, type SweepAxis } from './sweep-spec.js';
import { AxhwError } from '../errors.js';
import { shardRange, type ShardSpec } from '../shard/shard-spec.js';

export interface CharacterizeRequest {
  unit: string;
  /** Raw parameter values common to every configuration (CLI flags), and an optional preset. */
  params: RawParams;
  preset?: string;
  sweep: SweepAxis[];
  /** Baseline unit; it takes the base parameters it declares (e.g. width, signed for exact-mul). */
  baseline?: string;
  cost: CostOptions;
  samples?: number;
  seed?: number;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What a configuration's run records besides its row: the report's shared facts come from the first one. */
interface RunFacts {
  library: CostReport['library'];
  clockNs: number;
  activity: CostReport['activity'];
  tools: { yosys: string; sta: string };
}

/** Configurations [first, end) of a sweep (the baseline first when there is one): a shard's part of the run. */
export interface CharacterizePart {
  unit: string;
  baseline: boolean;
  configurations: number;
  /** The configurations run: [first, end) of `configurations`. */
  first: number;
  end: number;
  results: (Row & { facts: RunFacts })[];
}

export interface Row {
  label: string;
  unit: string;
  top: string;
  params: Record<string, number | string | boolean>;
  controls?: ControlSetting;
  metrics: UnitMetrics;
  area: number;
  cells: number;
  delayNs: number;
  powerMw: number;
  power: CostReport['power'];
  pdpPj: number;
  /** Savings versus the baseline in %, (baseline - this) / baseline. */
  savings?: { area: number; power: number; delay: number; pdp: number };
}

export interface CharacterizeReport {
  unit: string;
  baseline?: Row;
  rows: Row[];
  library: CostReport['library'];
  clockNs: number;
  activity: CostReport['activity'];
  tools: { yosys: string; sta: string };
  command?: string;
  createdAt: string;
}

interface Config {
  design: Design;
  controls?: ControlSetting;
  label: string;
}

/** One row per configuration of the sweep: error metrics from the RTL, area/delay/power from Yosys + OpenSTA. */
export async function characterize(req: CharacterizeRequest): Promise<CharacterizeReport> {
  return assembleReport(await characterizePart(req));
}

/**
 * The configurations of the sweep that `shard` runs (all of them without one; the baseline is configuration 0),
 * up to `jobs` at once.
 */
export async function characterizePart(req: CharacterizeRequest, shard?: ShardSpec): Promise<CharacterizePart> {
  const { unit, all, baseline } = sweepConfigurations(req);
  const { first, end } = shard ? shardRange(all.length, shard) : { first: 0, end: all.length };
  const mine = all.slice(first, end);
  const jobs = Math.max(1, req.jobs ?? cpus().length);
  let done = 0;
  const results: (Row & { facts: RunFacts })[] = new Array(mine.length);
  // The EDA runs are separate processes: run up to `jobs` configurations at once, each with one
  // simulator process for its metrics.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, mine.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= mine.length) return;
        results[i] = await runOne(mine[i]!, req);
        req.onProgress?.(++done, mine.length);
      }
    }),
  );
  return { unit: unit.name, baseline, configurations: all.length, first, end, results };
}

/** The report from the parts of a sweep in order (one part for a whole run): savings against the baseline, shared facts. */
export function assembleReport(...parts: CharacterizePart[]): CharacterizeReport {
  const { unit, baseline } = parts[0]!;
  const results = parts.flatMap((p) => p.results);
  const base = baseline ? results[0] : undefined;
  const rows = (baseline ? results.slice(1) : results).map((r) => {
    if (!base) return rowOf(r);
    const pct = (b: number, x: number) => (b === 0 ? 0 : (100 * (b - x)) / b);
    return {
      ...rowOf(r),
      savings: {
        area: pct(base.area, r.area),
        power: pct(base.powerMw, r.powerMw),
        delay: pct(base.delayNs, r.delayNs),
        pdp: pct(base.pdpPj, r.pdpPj),
      },
    };
  });
  const f = results[0]!.facts;
  return {
    unit,
    baseline: base ? rowOf(base) : undefined,
    rows,
    library: f.library,
    clockNs: f.clockNs,
    activity: f.activity,
    tools: f.tools,
    createdAt: new Date().toISOString(),
  };
}

/** The sweep's configurations, checked: the baseline (when asked for) first, then every combination in order. */
function sweepConfigurations(req: CharacterizeRequest): { unit: ReturnType<typeof getUnit>; all: Config[]; baseline: boolean } {
  const unit = getUnit(req.unit);
  const controlNames = new Set((unit.controls ?? []).map((c) => c.name));
  const paramNames = new Set(unit.params.map((p) => p.name));
  const swept = new Set<string>();
  for (const a of req.sweep) {
    if (!paramNames.has(a.name) && !controlNames.has(a.name)) {
      throw new AxhwError(
        `${unit.name} has no parameter or control input '${a.name}' to sweep.`,
        `Sweepable: ${[...paramNames, ...controlNames].join(', ')}.`,
      );
    }
    if (swept.has(a.name))
      throw new AxhwError(
        `--sweep names '${a.name}' twice.`,
        `Give all its values in one --sweep, e.g. --sweep ${a.name}=2..6 or --sweep ${a.name}=2,4,6.`,
      );
    swept.add(a.name);
    // A swept parameter fixed by its own flag too: one of the two would be silently ignored.
    if (req.params[a.name] !== undefined)
      throw new AxhwError(
        `'${a.name}' is both swept (--sweep ${a.name}=...) and fixed (--${a.name} ${String(req.params[a.name])}).`,
        `Drop --${a.name}, or drop it from --sweep.`,
      );
  }
  const configs: Config[] = combinations(req.sweep).map((combo) => {
    const raw = { ...req.params };
    const controls: ControlSetting = {};
    for (const [k, v] of Object.entries(combo)) {
      if (controlNames.has(k)) controls[k] = Number(v);
      else raw[k] = v;
    }
    const { params } = resolveUnit(unit.name, raw, req.preset);
    const hasControls = Object.keys(controls).length > 0;
    // Control inputs are held at the swept value in both the metrics and the power workload.
    const design = withControlDefaults(generateDesign(unit, params), controls);
    const label =
      Object.entries(combo)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || design.top;
    return { design, controls: hasControls ? controls : undefined, label };
  });
  let baselineConfig: Config | undefined;
  if (req.baseline) {
    const b = getUnit(req.baseline);
    const own = new Set(b.params.map((p) => p.name));
    const first = configs[0]?.design.params ?? {};
    const raw = Object.fromEntries(Object.entries(first).filter(([k]) => own.has(k)));
    const { params } = resolveUnit(b.name, raw);
    const design = generateDesign(b, params);
    baselineConfig = { design, label: `baseline ${design.top}` };
  }
  return { unit, all: baselineConfig ? [baselineConfig, ...configs] : configs, baseline: baselineConfig !== undefined };
}

function rowOf(r: Row & { facts: RunFacts }): Row {
  const row: Row & { facts?: RunFacts } = { ...r };
  delete row.facts;
  return row;
}

async function runOne(c: Config, req: CharacterizeRequest): Promise<Row & { facts: RunFacts }> {
  const [metrics, cost] = await Promise.all([
    unitErrorMetrics(c.design, { samples: req.samples, seed: req.seed, controls: c.controls, jobs: 1 }),
    estimateCost(c.design, req.cost),
  ]);
  return {
    label: c.label,
    unit: c.design.unit,
    top: c.design.top,
    params: c.design.params,
    ...(c.controls ? { controls: c.controls } : {}),
    metrics,
    area: cost.synth.area,
    cells: cost.synth.cells,
    delayNs: cost.timing.delayNs,
    powerMw: cost.power.total * 1000,
    power: cost.power,
    pdpPj: cost.pdpPj,
    facts: {
      library: cost.library,
      clockNs: cost.timing.clockNs,
      activity: cost.activity,
      tools: { yosys: cost.synth.yosys, sta: cost.timing.sta },
    },
  };
}
