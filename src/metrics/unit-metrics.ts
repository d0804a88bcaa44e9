import type { Design } from '../gen/design.js';
import type { ControlSetting } from '../gen/unit.js';
import { completeSetting, settingValues } from '../gen/controls.js';
import { openPool, defaultJobs } from '../cosim/pool.js';
import { sweep, type Batch } from '../verify/sweep.js';
import { tableFromRtl, MAX_TABLE_LOG2 } from '../lut/from-rtl.js';
import { resultCodeAt, resultView } from '../models/operator.js';
import { fillRandom } from '../verify/vectors.js';
import { byteWidth } from '../util/bits.js';
import { Rng } from '../util/rng.js';
import { ErrorAccumulator, type ErrorMetrics } from './error-metrics.js';

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
 * Error metrics (METHODS.md 7) of a unit against the exact product of its operand values, always from
 * the RTL: exhaustive from the table read out of the RTL when the pair space is at most 2^24, else from
 * seeded random pairs evaluated by co-simulation. Values come from the design's code interpretation
 * (two's-complement integers, or e.g. IEEE floats for fpmul).
 */
export async function unitErrorMetrics(d: Design, opts: UnitMetricsOptions = {}): Promise<UnitMetrics> {
  const setting = completeSetting(d, opts.controls);
  const hasControls = d.ports.controls.length > 0;
  const { a: pa, b: pb, y: py, signed } = d.ports;
  const intVal = (w: number) => (c: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c);
  const va = d.valueOfCode ?? intVal(pa.width);
  const vb = d.valueOfCode ?? intVal(pb.width);
  const vy = d.valueOfCode ?? ((c: number) => Number(signed ? BigInt.asIntN(py.width, BigInt(c)) : BigInt(c)));
  const acc = new ErrorAccumulator();
  let skipped = 0;
  const accepts = d.metricsDomain?.accepts ?? ((exact: number, approx: number) => Number.isFinite(exact) && Number.isFinite(approx));
  const add = (a: number, b: number, y: number) => {
    const exact = va(a) * vb(b);
    const approx = vy(y);
    if (!accepts(exact, approx)) skipped++;
    else acc.add(exact, approx);
  };
  const domainDoc = d.metricsDomain?.doc ?? 'all pairs with finite products';
  const yBytes = byteWidth(py.width);
  const log2 = pa.width + pb.width;
  if (log2 <= MAX_TABLE_LOG2) {
    // The table as the RTL produces it (raw codes): read it and walk every pair.
    const t = await tableFromRtl(d, { controls: hasControls ? setting : undefined, jobs: opts.jobs });
    const raw = Buffer.from(t.data);
    const view = resultView(raw, yBytes, 2 ** log2);
    const mask = 2n ** BigInt(py.width) - 1n;
    const cols = 2 ** pb.width;
    for (let i = 0; i < 2 ** log2; i++) add(Math.floor(i / cols), i % cols, Number(resultCodeAt(view, yBytes, i) & mask));
    return { ...acc.result('exhaustive'), skipped, domain: domainDoc, seed: null, ...(hasControls ? { controls: setting } : {}) };
  }
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
      for (let i = 0; i < batch.n; i++) add(batch.a[i], batch.b[i], Number(resultCodeAt(view, yBytes, i)));
    });
  } finally {
    await pool.close();
  }
  const how = d.sampleOperands ? '; operands drawn from that domain by the unit' : '; operands uniform random codes';
  return { ...acc.result('sampled'), skipped, domain: domainDoc + how, seed, ...(hasControls ? { controls: setting } : {}) };
}
