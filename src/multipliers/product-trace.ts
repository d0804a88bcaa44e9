import { encodeNpy } from '../lut/npy.js';
import { Rng } from '../util/rng.js';

/**
 * The operand pairs a matrix product x (rows x k) W (k x cols) gives its multiplier, sampled as whole dot
 * products in the order an output-stationary PE sees them (k running, as the NPU's PEs do), as float32
 * bit patterns: the operand trace that power from simulation replays (`--activity`). Seeded, so a
 * training run records the same trace twice; at most `maxPairs` pairs, `dotsPerProduct` dot products per call.
 */
export class ProductTrace {
  private readonly rng: Rng;
  private readonly a: number[] = [];
  private readonly b: number[] = [];

  /** `every`: record a product with probability 1 / every (default 1), to spread the trace over a whole training run. */
  constructor(readonly opts: { seed: number; dotsPerProduct: number; maxPairs: number; every?: number }) {
    this.rng = new Rng(opts.seed);
  }

  /**
   * A trace of about `maxPairs` pairs spread over a whole run of `iterations`, one dot product per layer
   * product recorded with probability 1 / every (`fanInSum`: the pairs one dot product per layer gives).
   */
  static overRun(o: { seed: number; maxPairs: number; iterations: number; fanInSum: number }): ProductTrace {
    return new ProductTrace({
      seed: o.seed,
      dotsPerProduct: 1,
      maxPairs: o.maxPairs,
      every: Math.max(1, (o.iterations * o.fanInSum) / o.maxPairs),
    });
  }

  get pairs(): number {
    return this.a.length;
  }

  get full(): boolean {
    return this.a.length >= this.opts.maxPairs;
  }

  /** Samples dot products of x (rows x k, row-major) times W (k x cols, row-major). */
  record(x: Float32Array, rows: number, k: number, w: Float32Array, cols: number): void {
    if (this.full || this.rng.nextU32() / 2 ** 32 >= 1 / (this.opts.every ?? 1)) return;
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const wb = new Uint32Array(w.buffer, w.byteOffset, w.length);
    for (let d = 0; d < this.opts.dotsPerProduct && !this.full; d++) {
      const i = this.rng.nextU32() % rows;
      const j = this.rng.nextU32() % cols;
      for (let t = 0; t < k && !this.full; t++) {
        this.a.push(xb[i * k + t]!);
        this.b.push(wb[t * cols + j]!);
      }
    }
  }

  /** The recorded pairs: a and b as uint32 codes. */
  operands(): { a: Uint32Array; b: Uint32Array } {
    return { a: Uint32Array.from(this.a), b: Uint32Array.from(this.b) };
  }

  /** Traces one after the other as an .npy array of shape (pairs, 2), uint32 codes (float32 bit patterns, or `codes` of them). */
  static toNpy(traces: readonly ProductTrace[], codes: (bits: Uint32Array) => Uint32Array = (x) => x): Buffer {
    const a = codes(Uint32Array.from(traces.flatMap((t) => t.a)));
    const b = codes(Uint32Array.from(traces.flatMap((t) => t.b)));
    const data = Buffer.alloc(8 * a.length);
    for (let r = 0; r < a.length; r++) {
      data.writeUInt32LE(a[r]!, 8 * r);
      data.writeUInt32LE(b[r]!, 8 * r + 4);
    }
    return encodeNpy({ signed: false, bytes: 4 }, [a.length, 2], data);
  }
}
