import type { Design } from '../gen/design.js';
import type { ControlSetting } from '../gen/unit.js';
import { resultCodeAt, resultView, type BatchModel } from '../models/operator.js';
import { byteWidth } from '../util/bits.js';
import { fillRange } from './vectors.js';

/** Counterexamples a run reports (the first ones in sweep order). */
export const MAX_COUNTEREXAMPLES = 10;

export interface Counterexample {
  a: string;
  b: string;
  aCode: string;
  bCode: string;
  rtl: string;
  model: string;
  /** Control-input values the pair ran under (designs with control inputs). */
  controls?: ControlSetting;
}

/**
 * Compares RTL replies with the model batch by batch, reusing its scratch buffers. The common case
 * (all equal) costs one memcmp; only a differing batch is scanned pair by pair. The counterexamples kept are
 * the first ones in batch order (each batch's `order`), not in the order replies arrive from parallel
 * simulators: the same run reports the same pairs, and the parts of a sharded run merge into them.
 */
export class ModelComparator {
  mismatches = 0;
  private kept: { order: number; i: number; example: Counterexample }[] = [];
  private readonly yBytes: 1 | 2 | 4 | 8;
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly d: Design,
    private readonly maxExamples = MAX_COUNTEREXAMPLES,
  ) {
    this.yBytes = byteWidth(d.ports.y.width);
  }

  /**
   * Compare the RTL results of pairs start..start+n-1 of the row-major pair space with the model: through its
   * `evalRange` when it has one (no operand arrays), else as `check` on `fillRange`'s operands. The operand
   * arrays `a` and `b` (n long at least) are filled only when needed: no evalRange, or a difference to locate.
   */
  checkRange(
    bWidth: number,
    start: number,
    n: number,
    rtl: Buffer,
    a: Uint32Array,
    b: Uint32Array,
    model: BatchModel | undefined = this.d.model,
    controls?: ControlSetting,
    order = 0,
  ): void {
    if (model?.evalRange) {
      const mbuf = this.modelBuffer(n);
      model.evalRange(bWidth, start, n, resultView(mbuf, this.yBytes, n));
      if (mbuf.equals(rtl)) return;
    }
    fillRange(bWidth, start, a, b, n);
    this.check(a, b, n, rtl, model, controls, order);
  }

  /** The first counterexamples (at most maxExamples) in batch order, then pair order within a batch. */
  get counterexamples(): Counterexample[] {
    return this.kept.map((k) => k.example);
  }

  private modelBuffer(n: number): Buffer {
    const bytes = n * this.yBytes;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    return this.scratch.subarray(0, bytes);
  }

  /**
   * Compare n RTL results with the model (default: the design's model at its default control values); `order`
   * is the batch's place in the run (its index in the sweep), which decides which counterexamples are kept.
   */
  check(
    a: Uint32Array,
    b: Uint32Array,
    n: number,
    rtl: Buffer,
    model: BatchModel | undefined = this.d.model,
    controls?: ControlSetting,
    order = 0,
  ): void {
    if (!model) throw new Error('ModelComparator needs a design with a model');
    const mbuf = this.modelBuffer(n);
    model.evalBatch(a, b, n, resultView(mbuf, this.yBytes, n));
    if (mbuf.equals(rtl)) return;
    const rv = resultView(rtl, this.yBytes, n);
    const mv = resultView(mbuf, this.yBytes, n);
    let found = 0;
    for (let i = 0; i < n; i++) {
      const r = resultCodeAt(rv, this.yBytes, i);
      const m = resultCodeAt(mv, this.yBytes, i);
      if (r === m) continue;
      this.mismatches++;
      // A batch keeps at most maxExamples of its own; across batches the earliest (order, i) win.
      if (found++ < this.maxExamples)
        this.kept.push({ order, i, example: { ...describe(this.d, a[i], b[i], r, m), ...(controls ? { controls } : {}) } });
    }
    if (found > 0) this.kept = this.kept.sort((x, y) => x.order - y.order || x.i - y.i).slice(0, this.maxExamples);
  }
}

function describe(d: Design, a: number, b: number, rtl: bigint, model: bigint): Counterexample {
  const p = d.ports;
  const show = d.describeCode;
  const opVal = (c: number, w: number) => (show ? show(c) : String(p.signed ? BigInt.asIntN(w, BigInt(c)) : BigInt(c)));
  const resVal = (c: bigint) => (show ? show(Number(c)) : String(p.signed ? BigInt.asIntN(p.y.width, c) : c));
  const hex = (c: number | bigint, w: number) => `0x${c.toString(16).padStart(Math.ceil(w / 4), '0')}`;
  return {
    a: opVal(a, p.a.width),
    b: opVal(b, p.b.width),
    aCode: hex(a, p.a.width),
    bCode: hex(b, p.b.width),
    rtl: `${resVal(rtl)} (${hex(rtl, p.y.width)})`,
    model: `${resVal(model)} (${hex(model, p.y.width)})`,
  };
}
