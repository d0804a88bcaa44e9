import type { Design } from '../gen/design.js';
import type { ControlSetting } from '../gen/unit.js';
import { completeSetting, settingValues } from '../gen/controls.js';
import { openPool, defaultJobs } from '../cosim/pool.js';
import { sweep, type Batch } from '../cosim/sweep.js';
import { tableFromRtl, MAX_TABLE_LOG2 } from '../lut/from-rtl.js';
import { resultCodeAt, resultView } from '../models/operator.js';
import { fillRandom } from '../cosim/vectors.js';
import { byteWidth } from '../util/bits.js';
import { Rng } from '../util/rng.js';
import { ErrorAccumulator, type ErrorMetrics } from './error-metrics.js';
import { accumulateTable } from './table-metrics.js';

export interface UnitMetrics extends ErrorMetrics {
  /** Pairs left out: outside the unit's metrics domain (default: a non-finite exact or approximate product). */
  skipped: number;
  /** Which pairs count, and how sampled operands are drawn. */
  domain: string;
  seed: number | null;
  controls?: ControlSetting;
}

export interface UnitMetricsOptions {
  /** Random pairs when the pair space is above 2^24 (default 1,000,000). */
  samples?: number;
  seed?: number;
  controls?: ControlSetting;
  jobs?: number;
}

/**
 * Error metrics (docs/methods.md, error metrics) of a unit against the exact product of its operand values, always from
 * the RTL: exhaustive from the table read out of the RTL when the pair space is at most 2^24, else from
 * seeded random pairs evaluated by co-simulation. Values come from the design's code interpretation
 * (two's-complement integers, or e.g. IEEE floats for fpmul).
 */
export async function unitErrorMetrics(d: Design, opts: UnitMetricsOptions = {}): Promise<UnitMetrics> {
  const setting = completeSetting(d, opts.controls);
  const hasControls = d.ports.controls.length > 0;
  const { a: pa, b: pb, y: py, signed } = d.ports;
  const accepts = d.metricsDomain?.accepts ?? ((exact: number, approx: number) => Number.isFinite(exact) && Number.isFinite(approx));
  const domainDoc = d.metricsDomain?.doc ?? 'all pairs with finite products';
  const acc = new ErrorAccumulator();
  const ctl = hasControls ? { controls: setting } : {};
  if (pa.width + pb.width <= MAX_TABLE_LOG2) {
    // Every pair, from the table read out of the RTL (entries are integer values, or codes for units
    // with their own value reading).
    const t = await tableFromRtl(d, { controls: hasControls ? setting : undefined, jobs: opts.jobs });
    const read = d.valueOfCode;
    const skipped = accumulateTable(t, acc, read ? { operand: read, result: read, accepts } : { accepts });
    return { ...acc.result('exhaustive'), skipped, domain: domainDoc, seed: null, ...ctl };
  }
  const intVal = (w: number) => (c: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c);
  const va = d.valueOfCode ?? intVal(pa.width);
  const vb = d.valueOfCode ?? intVal(pb.width);
  const vy = d.valueOfCode ?? ((c: number) => Number(signed ? BigInt.asIntN(py.width, BigInt(c)) : BigInt(c)));
  let skipped = 0;
  const yBytes = byteWidth(py.width);
  const samples = opts.samples ?? 1_000_000;
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const chunk = 1 << 16;
  const values = hasControls ? settingValues(d, setting) : undefined;
  function* batches(): Generator<Batch> {
    for (let s = 0; s < samples; s += chunk) {
      const n = Math.min(chunk, samples - s);
      const a = new Uint32Array(n);
      const b = new Uint32Array(n);
      if (d.sampleOperands) d.sampleOperands(rng, a, b, n);
      else fillRandom(rng, d.ports, a, b, n);
      yield { kind: 'pairs', a, b, n, controls: values };
    }
  }
  const pool = await openPool(d, opts.jobs ?? defaultJobs());
  try {
    await sweep(pool, batches(), (batch, rtl) => {
      if (batch.kind !== 'pairs') return;
      const view = resultView(rtl, yBytes, batch.n);
      for (let i = 0; i < batch.n; i++) {
        const exact = va(batch.a[i]) * vb(batch.b[i]);
        const approx = vy(Number(resultCodeAt(view, yBytes, i)));
        if (accepts(exact, approx)) acc.add(exact, approx);
        else skipped++;
      }
    });
  } finally {
    await pool.close();
  }
  const how = d.sampleOperands ? '; operands drawn from that domain by the unit' : '; operands uniform random codes';
  return { ...acc.result('sampled'), skipped, domain: domainDoc + how, seed, ...ctl };
}
