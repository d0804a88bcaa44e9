import type { Design } from '../gen/design.js';
import { openPool, defaultJobs } from '../cosim/pool.js';
import { sweep, rangeBatches, type Batch } from './sweep.js';
import { ModelComparator, type Counterexample } from './compare.js';
import { cornerPairs, fillRandom, fillRange } from './vectors.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';

export interface VerifyOptions {
  /** Force exhaustive mode beyond the default limit (2^maxExhaustiveLog2 pairs). */
  exhaustive?: boolean;
  /** Random pairs after the corner cases, when not exhaustive. */
  vectors?: number;
  seed?: number;
  jobs?: number;
  maxExhaustiveLog2?: number;
  /** Pairs per co-simulation request. */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (msg: string) => void;
}

export interface VerifyReport {
  unit: string;
  params: Design['params'];
  top: string;
  rtlHash: string;
  verilator: string;
  mode: 'exhaustive' | 'corner+random';
  pairs: number;
  cornerPairs: number;
  randomPairs: number;
  seed: number | null;
  jobs: number;
  mismatches: number;
  counterexamples: Counterexample[];
  passed: boolean;
  build: { cached: boolean; seconds: number };
  seconds: number;
  pairsPerSecond: number;
}

export const DEFAULT_EXHAUSTIVE_LOG2 = 24;
export const DEFAULT_RANDOM_VECTORS = 1_000_000;
export const MAX_EXHAUSTIVE_LOG2 = 32;

/** Check the Verilated RTL against the design's model: exhaustive where feasible, else corners + seeded random. */
export async function verifyDesign(d: Design, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (!d.model) throw new AxhwError(`${d.top} has no model to verify against.`, 'Pass --model <file.mjs> with a function (a, b) => product.');
  const spaceLog2 = d.ports.a.width + d.ports.b.width;
  const exhaustive = spaceLog2 <= (opts.maxExhaustiveLog2 ?? DEFAULT_EXHAUSTIVE_LOG2) || opts.exhaustive === true;
  if (exhaustive && spaceLog2 > MAX_EXHAUSTIVE_LOG2) {
    throw new AxhwError(`An exhaustive sweep of ${d.top} would be 2^${spaceLog2} pairs; the limit is 2^${MAX_EXHAUSTIVE_LOG2} (16 x 16 bits).`, 'Drop --exhaustive and use --vectors N for corner cases plus seeded random pairs.');
  }
  const jobs = opts.jobs ?? defaultJobs();
  const chunk = opts.chunk ?? 1 << 16;
  const t0 = performance.now();
  const pool = await openPool(d, jobs, opts.log);
  const cmp = new ModelComparator(d);
  let done = 0;
  let total: number;
  let corners = 0;
  let randoms = 0;
  const seed = opts.seed ?? 1;
  try {
    let batches: Iterable<Batch>;
    if (exhaustive) {
      total = 2 ** spaceLog2;
      batches = rangeBatches(total, chunk);
    } else {
      const c = cornerPairs(d.ports, d.extraCorners);
      corners = c.n;
      randoms = opts.vectors ?? DEFAULT_RANDOM_VECTORS;
      total = corners + randoms;
      batches = cornerThenRandom(d, c, randoms, seed, chunk);
    }
    // Scratch operand arrays for range batches (pair batches carry their own).
    const a = new Uint32Array(chunk);
    const b = new Uint32Array(chunk);
    await sweep(pool, batches, (batch, rtl) => {
      if (batch.kind === 'range') {
        fillRange(d.ports.b.width, batch.start, a, b, batch.n);
        cmp.check(a, b, batch.n, rtl);
      } else {
        cmp.check(batch.a, batch.b, batch.n, rtl);
      }
      done += batch.n;
      opts.onProgress?.(done, total);
    });
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    unit: d.unit,
    params: d.params,
    top: d.top,
    rtlHash: d.rtlHash,
    verilator: pool.build.verilatorVersion,
    mode: exhaustive ? 'exhaustive' : 'corner+random',
    pairs: done,
    cornerPairs: corners,
    randomPairs: randoms,
    seed: exhaustive ? null : seed,
    jobs,
    mismatches: cmp.mismatches,
    counterexamples: cmp.counterexamples,
    passed: cmp.mismatches === 0,
    build: { cached: pool.build.cached, seconds: pool.build.seconds },
    seconds,
    pairsPerSecond: done / Math.max(1e-9, seconds - pool.build.seconds),
  };
}

function* cornerThenRandom(d: Design, c: { a: Uint32Array; b: Uint32Array; n: number }, randoms: number, seed: number, chunk: number): Generator<Batch> {
  for (let s = 0; s < c.n; s += chunk) {
    const n = Math.min(chunk, c.n - s);
    yield { kind: 'pairs', a: c.a.subarray(s, s + n), b: c.b.subarray(s, s + n), n };
  }
  const rng = new Rng(seed);
  for (let s = 0; s < randoms; s += chunk) {
    const n = Math.min(chunk, randoms - s);
    // Fresh arrays per batch: several batches are in flight at once.
    const a = new Uint32Array(n);
    const b = new Uint32Array(n);
    fillRandom(rng, d.ports, a, b, n);
    yield { kind: 'pairs', a, b, n };
  }
}
