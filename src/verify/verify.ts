import type { Design } from '../gen/design.js';
import { openPool, defaultJobs, type CosimRunOptions } from '../cosim/pool.js';
import { sweep, rangeBatches, type Batch } from '../cosim/sweep.js';
import { ModelComparator, type Counterexample } from '../cosim/compare.js';
import { cornerPairs, fillRandom } from '../cosim/vectors.js';
import { Rng } from '../util/rng.js';
import { AxhwError } from '../errors.js';
import type { ControlSetting } from '../gen/unit.js';
import { completeSetting, settingValues } from '../gen/controls.js';
import type { BatchModel } from '../models/operator.js';
import { DEFAULT_EXHAUSTIVE_LOG2, DEFAULT_RANDOM_VECTORS, MAX_EXHAUSTIVE_LOG2 } from './limits.js';

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
}

/** Check the Verilated RTL against the design's model: exhaustive where feasible, else corners + seeded random. */
export async function verifyDesign(d: Design, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (!d.model)
    throw new AxhwError(`${d.top} has no model to verify against.`, 'Pass --model <file.mjs> with a function (a, b) => product.');
  const spaceLog2 = d.ports.a.width + d.ports.b.width;
  const exhaustive = spaceLog2 <= (opts.maxExhaustiveLog2 ?? DEFAULT_EXHAUSTIVE_LOG2) || opts.exhaustive === true;
  if (exhaustive && spaceLog2 > MAX_EXHAUSTIVE_LOG2) {
    throw new AxhwError(
      `An exhaustive sweep of ${d.top} would be 2^${spaceLog2} pairs; the limit is 2^${MAX_EXHAUSTIVE_LOG2} (16 x 16 bits).`,
      'Drop --exhaustive and use --vectors N for corner cases plus seeded random pairs.',
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
  const total = settings.length * (exhaustive ? perSetting : corners + randoms);
  // No more processes than chunks of work: a small sweep (an 8-bit unit is one chunk) leaves the other cores free.
  const jobs = opts.jobs ?? Math.min(defaultJobs(), Math.ceil(total / chunk));
  const pool = await openPool(d, jobs, opts.log);
  try {
    const batches = (function* (): Generator<Batch> {
      for (const s of settings) {
        const values = hasControls ? settingValues(d, s) : undefined;
        if (c) yield* cornerThenRandom(d, c, randoms, seed, chunk, values);
        else yield* rangeBatches(perSetting, chunk, values);
      }
    })();
    // Scratch operand arrays for range batches (pair batches carry their own).
    const a = new Uint32Array(chunk);
    const b = new Uint32Array(chunk);
    await sweep(pool, batches, (batch, rtl) => {
      const m = models.get(key(batch.controls))!;
      const ctl = hasControls ? m.setting : undefined;
      if (batch.kind === 'range') {
        cmp.checkRange(d.ports.b.width, batch.start, batch.n, rtl, a, b, m.model, ctl);
      } else {
        cmp.check(batch.a, batch.b, batch.n, rtl, m.model, ctl);
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
