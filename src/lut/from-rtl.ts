import type { Design } from '../gen/design.js';
import type { ControlSetting, DerivedTableKind } from '../gen/unit.js';
import { completeSetting, settingValues } from '../gen/controls.js';
import { openPool, defaultJobs, type CosimRunOptions } from '../cosim/pool.js';
import { sweep, rangeBatches, type Batch } from '../cosim/sweep.js';
import { ModelComparator } from '../cosim/compare.js';
import { fillRange } from '../cosim/vectors.js';
import { sha256Plain } from '../util/hash.js';
import { byteWidth } from '../util/bits.js';
import { resultView } from '../models/operator.js';
import { AxhwError, MismatchError } from '../errors.js';
import { codesToValues, dtypeFor, LAYOUT_NOTE, npyDescr, tableMetaHash, type Dtype, type LutTable, type TableMeta } from './table.js';

/** Tables up to 2^24 entries by default (64 MiB at 4 bytes per entry). */
export const MAX_TABLE_LOG2 = 24;

export interface TableFromRtlOptions extends CosimRunOptions {
  /** Check every entry against the model while reading (default: when the design has one). */
  verify?: boolean;
  maxLog2?: number;
  /** Control-input values to read the table under (default: the design's defaults). */
  controls?: ControlSetting;
}

/**
 * Read a complete lookup table out of the Verilated RTL (never from the model), checking each entry
 * against the model on the way when there is one. A mismatch aborts: no table is returned.
 */
export async function tableFromRtl(d: Design, opts: TableFromRtlOptions = {}): Promise<LutTable> {
  const log2 = d.ports.a.width + d.ports.b.width;
  const limit = opts.maxLog2 ?? MAX_TABLE_LOG2;
  if (log2 > limit) {
    const derived = d.ports.controls.length ? ' (or a derived table such as --table significand, where the unit has one)' : '';
    throw new AxhwError(
      `A table of ${d.top} would have 2^${log2} entries; tables are limited to 2^${limit}.`,
      `Tables suit operands of up to 12 + 12 bits; use narrower operands (e.g. drum --width 8, fpmul --exp 4 --frac 3)${derived}.`,
    );
  }
  const dtype = dtypeFor(d.ports);
  const total = 2 ** log2;
  const chunk = Math.min(total, 1 << 16);
  const a = new Uint32Array(chunk);
  const b = new Uint32Array(chunk);
  const read = await readFromRtl(d, rangeBatches(total, chunk), total, dtype.bytes, opts, (batch) => {
    if (batch.kind !== 'range') throw new Error('range batches expected');
    fillRange(d.ports.b.width, batch.start, a, b, batch.n);
    return { a, b, offset: batch.start };
  });
  codesToValues(read.data, dtype, d.ports.y.width);
  return finish(d, read, dtype, 'pairs', [2 ** d.ports.a.width, 2 ** d.ports.b.width], d.ports.y.width, LAYOUT_NOTE);
}

/** Read a unit's derived table (e.g. fpmul's significand table) by driving the RTL with its operand pairs. */
export async function derivedTableFromRtl(d: Design, kind: DerivedTableKind, opts: TableFromRtlOptions = {}): Promise<LutTable> {
  const setting = completeSetting(d, opts.controls);
  const spec = kind.operands(d.params, setting);
  if (typeof spec === 'string') throw new AxhwError(`${d.top}: ${spec}`, `\`axhw units\` lists ${d.unit}'s tables and their limits.`);
  const { a: opA, b: opB } = spec;
  const total = opA.length;
  const chunk = Math.min(total, 1 << 16);
  const codeBytes = byteWidth(d.ports.y.width);
  function* batches(): Generator<Batch> {
    for (let s = 0; s < total; s += chunk) {
      const n = Math.min(chunk, total - s);
      yield { kind: 'pairs', a: opA.subarray(s, s + n), b: opB.subarray(s, s + n), n };
    }
  }
  const read = await readFromRtl(d, batches(), total, codeBytes, opts, (batch, index) => {
    if (batch.kind !== 'pairs') throw new Error('pair batches expected');
    return { a: batch.a, b: batch.b, offset: index * chunk };
  });
  // Result codes -> entries.
  const dtype: Dtype = { signed: false, bytes: byteWidth(spec.entryBits) };
  const codes = resultView(read.data, codeBytes, total);
  const data = Buffer.alloc(total * dtype.bytes);
  const entries = resultView(data, dtype.bytes, total);
  const entry = kind.entry(d.params, setting);
  for (let i = 0; i < total; i++) {
    const v = entry(codes[i]);
    if (!(v >= 0 && v < 2 ** spec.entryBits))
      throw new AxhwError(
        `${d.top}: ${kind.name} entry ${i} is ${v}, outside ${spec.entryBits} bits; the RTL returned code ${codes[i]}.`,
        'This is a bug in the unit or its table definition; please report it.',
      );
    entries[i] = v;
  }
  return finish(d, { ...read, data }, dtype, kind.name, spec.shape, spec.entryBits, spec.layout);
}

interface Read {
  data: Buffer;
  verified: boolean;
  verilator: string;
  controls?: ControlSetting;
}

/** Drive batches through the RTL, copying replies into place and checking them against the model. */
async function readFromRtl(
  d: Design,
  batches: Iterable<Batch>,
  total: number,
  bytes: 1 | 2 | 4 | 8,
  opts: TableFromRtlOptions,
  operandsOf: (batch: Batch, index: number) => { a: Uint32Array; b: Uint32Array; offset: number },
): Promise<Read> {
  const setting = completeSetting(d, opts.controls);
  const hasControls = d.ports.controls.length > 0;
  const values = hasControls ? settingValues(d, setting) : undefined;
  const model = hasControls ? d.modelFor?.(setting) : d.model;
  const verify = (opts.verify ?? true) && model !== undefined;
  const data = Buffer.alloc(total * bytes);
  const cmp = verify ? new ModelComparator(d) : undefined;
  const pool = await openPool(d, opts.jobs ?? defaultJobs(), opts.log);
  let done = 0;
  try {
    const tagged = (function* () {
      for (const b of batches) yield { ...b, controls: values };
    })();
    await sweep(pool, tagged, (batch, rtl, index) => {
      const { a, b, offset } = operandsOf(batch, index);
      rtl.copy(data, offset * bytes);
      cmp?.check(a, b, batch.n, rtl, model, hasControls ? setting : undefined, index);
      done += batch.n;
      opts.onProgress?.(done, total);
    });
  } finally {
    await pool.close();
  }
  if (cmp && cmp.mismatches > 0) {
    const ex = cmp.counterexamples
      .slice(0, 3)
      .map((c) => `a=${c.a} b=${c.b}: rtl ${c.rtl}, model ${c.model}`)
      .join('; ');
    throw new MismatchError(
      `The RTL of ${d.top} disagrees with its model on ${cmp.mismatches} of ${total} pairs (${ex}); no table written.`,
      'Run `axhw verify` for the full report, or pass --no-verify to export the RTL table as it is.',
    );
  }
  return { data, verified: verify, verilator: pool.build.verilatorVersion, controls: hasControls ? setting : undefined };
}

function finish(d: Design, r: Read, dtype: Dtype, kind: string, shape: [number, number], yWidth: number, layout: string): LutTable {
  const meta: TableMeta = {
    format: 'axhw-lut',
    version: 2,
    unit: d.unit,
    params: d.params,
    top: d.top,
    rtlHash: d.rtlHash,
    verilator: r.verilator,
    verified: r.verified,
    source: 'rtl',
    kind,
    ...(r.controls ? { controls: r.controls } : {}),
    shape,
    dtype: npyDescr(dtype),
    aWidth: d.ports.a.width,
    bWidth: d.ports.b.width,
    yWidth,
    signed: kind === 'pairs' ? d.ports.signed : false,
    layout,
    dataSha256: sha256Plain(r.data),
    createdAt: new Date().toISOString(),
  };
  meta.metaSha256 = tableMetaHash(meta);
  return { dtype, data: r.data, meta };
}
