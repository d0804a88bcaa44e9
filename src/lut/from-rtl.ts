import type { Design } from '../gen/design.js';
import { openPool, defaultJobs } from '../cosim/pool.js';
import { sweep, rangeBatches } from '../verify/sweep.js';
import { ModelComparator } from '../verify/compare.js';
import { fillRange } from '../verify/vectors.js';
import { sha256 } from '../util/hash.js';
import { AxhwError, MismatchError } from '../errors.js';
import { codesToValues, dtypeFor, LAYOUT_NOTE, npyDescr, type LutTable } from './table.js';

/** Tables up to 2^24 entries by default (64 MiB at 4 bytes per entry). */
export const MAX_TABLE_LOG2 = 24;

export interface TableFromRtlOptions {
  jobs?: number;
  /** Check every entry against the model while reading (default: when the design has one). */
  verify?: boolean;
  maxLog2?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (m: string) => void;
}

/**
 * Read a complete lookup table out of the Verilated RTL (never from the model), checking each entry
 * against the model on the way when there is one. A mismatch aborts: no table is returned.
 */
export async function tableFromRtl(d: Design, opts: TableFromRtlOptions = {}): Promise<LutTable> {
  const log2 = d.ports.a.width + d.ports.b.width;
  const limit = opts.maxLog2 ?? MAX_TABLE_LOG2;
  if (log2 > limit) {
    throw new AxhwError(`A table of ${d.top} would have 2^${log2} entries; tables are limited to 2^${limit}.`, 'Tables suit operands of up to 12 + 12 bits; use a narrower unit (e.g. --width 8).');
  }
  const verify = (opts.verify ?? true) && d.model !== undefined;
  const dtype = dtypeFor(d.ports);
  const total = 2 ** log2;
  const data = Buffer.alloc(total * dtype.bytes);
  const chunk = Math.min(total, 1 << 16);
  const cmp = verify ? new ModelComparator(d) : undefined;
  const a = new Uint32Array(chunk);
  const b = new Uint32Array(chunk);
  const pool = await openPool(d, opts.jobs ?? defaultJobs(), opts.log);
  let done = 0;
  try {
    await sweep(pool, rangeBatches(total, chunk), (batch, rtl) => {
      if (batch.kind !== 'range') return;
      rtl.copy(data, batch.start * dtype.bytes);
      if (cmp) {
        fillRange(d.ports.b.width, batch.start, a, b, batch.n);
        cmp.check(a, b, batch.n, rtl);
      }
      done += batch.n;
      opts.onProgress?.(done, total);
    });
  } finally {
    await pool.close();
  }
  if (cmp && cmp.mismatches > 0) {
    const ex = cmp.counterexamples.slice(0, 3).map((c) => `a=${c.a} b=${c.b}: rtl ${c.rtl}, model ${c.model}`).join('; ');
    throw new MismatchError(`The RTL of ${d.top} disagrees with its model on ${cmp.mismatches} of ${total} pairs (${ex}); no table written.`, 'Run `axhw verify` for the full report, or pass --no-verify to export the RTL table as it is.');
  }
  codesToValues(data, dtype, d.ports.y.width);
  return {
    dtype,
    data,
    meta: {
      format: 'axhw-lut',
      version: 1,
      unit: d.unit,
      params: d.params,
      top: d.top,
      rtlHash: d.rtlHash,
      verilator: pool.build.verilatorVersion,
      verified: verify,
      source: 'rtl',
      shape: [2 ** d.ports.a.width, 2 ** d.ports.b.width],
      dtype: npyDescr(dtype),
      aWidth: d.ports.a.width,
      bWidth: d.ports.b.width,
      yWidth: d.ports.y.width,
      signed: d.ports.signed,
      layout: LAYOUT_NOTE,
      dataSha256: sha256(data),
      createdAt: new Date().toISOString(),
    },
  };
}
