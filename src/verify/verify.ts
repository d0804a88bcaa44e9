import type { Design } from '../gen/design.js';
import { openPool, defaultJobs, type CosimRunOptions } from '../cosim/pool.js';
import { sweep, type Batch } from '../cosim/sweep.js';
import { MAX_COUNTEREXAMPLES, ModelComparator, type Counterexample } from '../cosim/compare.js';
import { cornerPairs, fillRandom } from '../cosim/vectors.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';
import type { ControlSetting } from '../gen/unit.js';
import { completeSetting, settingValues } from '../gen/controls.js';
import type { BatchModel } from '../models/operator.js';
import { DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, MAX_EXHAUSTIVE_LOG2, MAX_SHARD_EXHAUSTIVE_LOG2 } from './limits.js';
import { shardRange, type ShardSpec } from '../shard/shard-spec.js';

export interface VerifyOptions extends CosimRunOptions {
  /** Force exhaustive mode beyond the default limit (2^maxExhaustiveLog2 pairs). */
  exhaustive?: boolean;
  /** Random pairs after the corner cases, per control setting, when not exhaustive. */
  vectors?: number;
  /**
   * Control-input settings to verify under (designs with control inputs, e.g. fpmul's mbits); each gets
   * the full treatment (exhaustive, or corners + random). Default: the design's default values.
   */
  controls?: ControlSetting[];
  seed?: number;
  maxExhaustiveLog2?: number;
  /** Pairs per co-simulation request. */
  chunk?: number;
  /**
   * Run only this part of the sweep's batches (contiguous, in sweep order): the report then counts that part's
   * pairs and mismatches, and mergeVerifyReports puts the parts back together.
   */
  shard?: ShardSpec;
}

export interface VerifyReport {
  unit: string;
  params: Design['params'];
  top: string;
  rtlHash: string;
  verilator: string;
  mode: 'exhaustive' | 'corner+random';
  /** Pairs checked in all: cornerPairs + randomPairs (exhaustive: every pair under every setting). */
  pairs: number;
  cornerPairs: number;
  randomPairs: number;
  /** The same counts under each control setting (pairs = perSetting.pairs x the number of settings). */
  perSetting: { pairs: number; cornerPairs: number; randomPairs: number };
  /** The control settings run (empty when the design has no controls). */
  controlSettings: ControlSetting[];
  seed: number | null;
  jobs: number;
  mismatches: number;
  counterexamples: Counterexample[];
  passed: boolean;
  build: { cached: boolean; seconds: number };
  seconds: number;
  pairsPerSecond: number;
  /** A sharded run: its part of the plan's batches (absent from whole runs and merged reports). */
  shard?: { index: number; count: number; batches: number; first: number; end: number };
}

/**
 * Fields of a report that describe how the run went rather than what it found: a merged report differs from the
 * unsharded run's in these only.
 */
export const VERIFY_RUN_FIELDS = ['jobs', 'build', 'seconds', 'pairsPerSecond'] as const;

/** Check the Verilated RTL against the design's model: exhaustive where feasible, else corners + seeded random. */
export async function verifyDesign(d: Design, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (!d.model)
    throw new AxhwError(`${d.top} has no model to verify against.`, 'Pass --model <file.mjs> with a function (a, b) => product.');
  const spaceLog2 = d.ports.a.width + d.ports.b.width;
  const exhaustive = spaceLog2 <= (opts.maxExhaustiveLog2 ?? DEFAULT_EXHAUSTIVE_LOG2) || opts.exhaustive === true;
  // One run sweeps at most 2^32 pairs (minutes); a shard of a planned job up to 2^40 (hours on a node).
  const perRunLog2 = spaceLog2 - (opts.shard ? Math.log2(opts.shard.count) : 0);
  const limitLog2 = opts.shard ? MAX_SHARD_EXHAUSTIVE_LOG2 : MAX_EXHAUSTIVE_LOG2;
  if (exhaustive && perRunLog2 > limitLog2) {
    const shards = 2 ** Math.max(0, spaceLog2 - MAX_SHARD_EXHAUSTIVE_LOG2);
    throw new AxhwError(
      `An exhaustive sweep of ${d.top} is 2^${spaceLog2} pairs; one ${opts.shard ? 'shard' : 'run'} sweeps at most ` +
        `2^${limitLog2}${opts.shard ? ` (this one would be 2^${perRunLog2.toFixed(1)})` : ' (16 x 16 bits)'}.`,
      spaceLog2 > MAX_SHARD_EXHAUSTIVE_LOG2 + 20
        ? 'Drop --exhaustive and use --vectors N for corner cases plus seeded random pairs.'
        : `Cut it into at least ${Math.max(2, shards).toLocaleString('en-US')} shards (axhw plan --shards N --slurm -- verify ... ` +
            '--exhaustive; docs/scale-out.md), or drop --exhaustive and use --vectors N.',
    );
  }
  const settings = resolveSettings(d, opts.controls);
  const hasControls = d.ports.controls.length > 0;
  const chunk = opts.chunk ?? 1 << 16;
  const t0 = performance.now();
  const cmp = new ModelComparator(d);
  // One model per setting, looked up by the batch's control values.
  const key = (values: readonly number[] | undefined) => values?.join(',') ?? '';
  const models = new Map<string, { model: BatchModel; setting: ControlSetting }>();
  for (const s of settings)
    models.set(key(hasControls ? settingValues(d, s) : undefined), { model: hasControls ? d.modelFor!(s) : d.model!, setting: s });
  let done = 0;
  let corners = 0;
  let randoms = 0;
  const seed = opts.seed ?? 1;
  const perSetting = exhaustive ? 2 ** spaceLog2 : 0;
  const c = exhaustive ? undefined : cornerPairs(d.ports, d.extraCorners);
  if (c) {
    corners = c.n;
    randoms = opts.vectors ?? Math.max(10_000, Math.ceil(DEFAULT_RANDOM_VECTORS / settings.length));
  }
  const chunks = (n: number) => Math.ceil(n / chunk);
  const batchesPerSetting = c ? chunks(corners) + chunks(randoms) : chunks(perSetting);
  const batchCount = settings.length * batchesPerSetting;
  const part = opts.shard ? shardRange(batchCount, opts.shard) : { first: 0, end: batchCount };
  // Pairs in this run's batches: every batch is `chunk` pairs but the last of the corners, of the randoms or of a range.
  const sizes = c ? [...chunkSizes(corners, chunk), ...chunkSizes(randoms, chunk)] : undefined;
  const rangeSize = (j: number) => Math.min(chunk, perSetting - j * chunk);
  let total = 0;
  for (let i = part.first; i < part.end; i++) total += sizes ? sizes[i % batchesPerSetting]! : rangeSize(i % batchesPerSetting);
  // No more processes than chunks of work: a small sweep (an 8-bit unit is one chunk) leaves the other cores free.
  const jobs = opts.jobs ?? Math.max(1, Math.min(defaultJobs(), part.end - part.first));
  const pool = await openPool(d, jobs, opts.log);
  try {
    const values = (s: ControlSetting) => (hasControls ? settingValues(d, s) : undefined);
    const batches = (function* (): Generator<Batch> {
      if (!c) {
        // Ranges: batch i is found directly, so a shard of a 2^48 sweep starts at its own first batch.
        for (let i = part.first; i < part.end; i++) {
          const j = i % batchesPerSetting;
          yield { kind: 'range', start: j * chunk, n: rangeSize(j), controls: values(settings[Math.floor(i / batchesPerSetting)]!) };
        }
        return;
      }
      // Corners and random pairs: a shard's batches only, the others made and dropped (a random batch must
      // still advance the seeded stream); there are few of them.
      let i = 0;
      for (const s of settings)
        for (const b of cornerThenRandom(d, c, randoms, seed, chunk, values(s))) if (i++ >= part.first && i <= part.end) yield b;
    })();
    // Scratch operand arrays for range batches (pair batches carry their own).
    const a = new Uint32Array(chunk);
    const b = new Uint32Array(chunk);
    await sweep(pool, batches, (batch, rtl, index) => {
      const m = models.get(key(batch.controls))!;
      const ctl = hasControls ? m.setting : undefined;
      if (batch.kind === 'range') {
        cmp.checkRange(d.ports.b.width, batch.start, batch.n, rtl, a, b, m.model, ctl, index);
      } else {
        cmp.check(batch.a, batch.b, batch.n, rtl, m.model, ctl, index);
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
    cornerPairs: corners * settings.length,
    randomPairs: randoms * settings.length,
    perSetting: { pairs: done / settings.length, cornerPairs: corners, randomPairs: randoms },
    controlSettings: hasControls ? settings : [],
    seed: exhaustive ? null : seed,
    jobs,
    mismatches: cmp.mismatches,
    counterexamples: cmp.counterexamples,
    passed: cmp.mismatches === 0,
    build: { cached: pool.build.cached, seconds: pool.build.seconds },
    seconds,
    pairsPerSecond: done / Math.max(1e-9, seconds - pool.build.seconds),
    ...(opts.shard && { shard: { ...opts.shard, batches: batchCount, ...part } }),
  };
}

/** Sizes of the `chunk`-pair batches that cover n pairs. */
function chunkSizes(n: number, chunk: number): number[] {
  return Array.from({ length: Math.ceil(n / chunk) }, (_, i) => Math.min(chunk, n - i * chunk));
}

/**
 * The report of the whole sweep from the reports of its shards, in shard order: the counts summed, the first
 * counterexamples in sweep order (each part kept its own first ones), passed only if every part passed. Equal
 * to the unsharded run's report but for VERIFY_RUN_FIELDS: seconds and build seconds are summed over the
 * parts (machine time), jobs is the most any part used.
 */
export function mergeVerifyReports(parts: VerifyReport[]): VerifyReport {
  const first = parts[0]!;
  for (const p of parts)
    if (p.rtlHash !== first.rtlHash || p.verilator !== first.verilator)
      throw new AxhwError(
        `The parts checked different builds: RTL ${p.rtlHash.slice(0, 12)} with ${p.verilator} against ` +
          `RTL ${first.rtlHash.slice(0, 12)} with ${first.verilator}.`,
        'Run every shard against the same Verilog files and Verilator (a shared checkout and tool install), then merge again.',
      );
  const sum = (f: (r: VerifyReport) => number) => parts.reduce((t, r) => t + f(r), 0);
  const pairs = sum((r) => r.pairs);
  const mismatches = sum((r) => r.mismatches);
  const seconds = sum((r) => r.seconds);
  const buildSeconds = sum((r) => r.build.seconds);
  const settings = Math.max(1, first.controlSettings.length);
  // Rebuilt field by field in the order verifyDesign writes them, so the JSON text matches the unsharded run's.
  return {
    unit: first.unit,
    params: first.params,
    top: first.top,
    rtlHash: first.rtlHash,
    verilator: first.verilator,
    mode: first.mode,
    pairs,
    cornerPairs: first.cornerPairs,
    randomPairs: first.randomPairs,
    perSetting: { ...first.perSetting, pairs: pairs / settings },
    controlSettings: first.controlSettings,
    seed: first.seed,
    jobs: Math.max(...parts.map((r) => r.jobs)),
    mismatches,
    counterexamples: parts.flatMap((r) => r.counterexamples).slice(0, MAX_COUNTEREXAMPLES),
    passed: mismatches === 0,
    build: { cached: parts.every((r) => r.build.cached), seconds: buildSeconds },
    seconds,
    pairsPerSecond: pairs / Math.max(1e-9, seconds - buildSeconds),
  };
}

/** Settings to run, each completed and validated against the design's control ports. */
function resolveSettings(d: Design, given: ControlSetting[] | undefined): ControlSetting[] {
  if (d.ports.controls.length === 0) {
    if (given && given.some((s) => Object.keys(s).length > 0))
      throw new AxhwError(
        `${d.top} has no control inputs.`,
        'Drop the control values (e.g. --mbits): `axhw units` lists which units have control inputs.',
      );
    return [{}];
  }
  if (!d.modelFor)
    throw new AxhwError(
      `${d.top} has control inputs but no model that takes them.`,
      'Verify it without a model (lut --no-verify), or give a unit whose model takes its control inputs.',
    );
  return (given && given.length > 0 ? given : [{}]).map((s) => completeSetting(d, s));
}

function* cornerThenRandom(
  d: Design,
  c: { a: Uint32Array; b: Uint32Array; n: number },
  randoms: number,
  seed: number,
  chunk: number,
  controls?: readonly number[],
): Generator<Batch> {
  for (let s = 0; s < c.n; s += chunk) {
    const n = Math.min(chunk, c.n - s);
    yield { kind: 'pairs', a: c.a.subarray(s, s + n), b: c.b.subarray(s, s + n), n, controls };
  }
  const rng = new Rng(seed);
  for (let s = 0; s < randoms; s += chunk) {
    const n = Math.min(chunk, randoms - s);
    // Fresh arrays per batch: several batches are in flight at once.
    const a = new Uint32Array(n);
    const b = new Uint32Array(n);
    fillRandom(rng, d.ports, a, b, n);
    yield { kind: 'pairs', a, b, n, controls };
  }
}
