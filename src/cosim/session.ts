import { dirname } from 'node:path';
import type { Design } from '../gen/design.js';
import { byteWidth } from '../util/bits.js';
import { AxhwError } from '../errors.js';
import { Cmd, header, MAGIC, PROTOCOL_VERSION } from './protocol.js';
import { HarnessProcess } from './transport.js';
import { SharedSlots } from './shared-slots.js';

/** Request slots per session (a sweep keeps three requests in flight) and the most pairs one slot holds. */
const SLOTS = 4;
const SLOT_PAIRS = 1 << 16;

/**
 * One running Verilated harness, driven over its binary pipe protocol. Requests may be pipelined: each
 * call writes its request at once and resolves when its reply has arrived, in order. Operands and results
 * travel through the mapped slots (shared-slots.ts) where the harness could map them, else through the pipe.
 * Results that come through a slot are that slot's buffer: use or copy them before `SLOTS` more requests
 * have been sent on this session (a sweep consumes each reply before it sends the next request).
 */
export class CosimSession {
  readonly yBytes: 1 | 2 | 4 | 8;
  /** Control input values as last sent (the harness starts at the design's defaults). */
  private controls: number[];
  /** The mapped request slots, where the harness could map them; requests go through the pipe otherwise. */
  private slots: SharedSlots | undefined;

  private constructor(
    private readonly proc: HarnessProcess,
    readonly design: Design,
  ) {
    this.yBytes = byteWidth(design.ports.y.width);
    this.controls = design.ports.controls.map((c) => c.value);
  }

  /** Opens a harness; `slots: false` keeps every request on the pipe (the tests compare the two ways). */
  static async open(binary: string, design: Design, { slots = true }: { slots?: boolean } = {}): Promise<CosimSession> {
    const s = new CosimSession(new HarnessProcess(binary, design.top), design);
    const info = await s.request(header(Cmd.Info, 0), 24);
    const [magic, proto, aw, bw, yw, yb] = [0, 4, 8, 12, 16, 20].map((o) => info.readUInt32LE(o));
    const p = design.ports;
    if (magic !== MAGIC || proto !== PROTOCOL_VERSION || aw !== p.a.width || bw !== p.b.width || yw !== p.y.width || yb !== s.yBytes) {
      await s.close();
      throw new AxhwError(
        `The co-simulation binary ${binary} does not match ${design.top} (stale cache entry?).`,
        `Remove ${dirname(binary)} and run again (it is rebuilt).`,
      );
    }
    if (slots) await s.mapSlots();
    return s;
  }

  /** Offer the harness a slot file; keep it where the harness mapped it. */
  private async mapSlots(): Promise<void> {
    const slots = SharedSlots.create(SLOTS, SLOT_PAIRS * (8 + this.yBytes));
    if (!slots) return;
    const path = Buffer.from(slots.path);
    const ok = (await this.request(Buffer.concat([header(Cmd.Map, path.length, slots.bytes), path]), 8)).readBigUInt64LE(0) === 1n;
    if (ok) {
      slots.unlink();
      this.slots = slots;
    } else slots.close();
  }

  /** Whether requests travel through mapped slots (else through the pipe). */
  get mapped(): boolean {
    return this.slots !== undefined;
  }

  /**
   * A request through a free slot: `cmd` is sent with the slot's offset, and once the harness answers,
   * the n results are read from the slot at `resultsAt` bytes into it. undefined when no slot is free or
   * large enough (the caller then uses the pipe). `fill` writes the request's operands into the slot first.
   */
  private viaSlot(
    cmd: Cmd,
    n: number,
    start: number,
    resultsAt: number,
    fill?: (slots: SharedSlots, offset: number) => void,
  ): Promise<Buffer> | undefined {
    const slots = this.slots;
    const offset = slots?.take(resultsAt + n * this.yBytes);
    if (slots === undefined || offset === undefined) return undefined;
    fill?.(slots, offset);
    const at = Buffer.allocUnsafe(8);
    at.writeBigUInt64LE(BigInt(offset));
    return this.request(Buffer.concat([header(cmd, n, start), at]), 8).then(
      () => {
        const r = slots.read(offset, resultsAt, n * this.yBytes);
        slots.release(offset);
        return r;
      },
      (e: unknown) => {
        slots.release(offset);
        throw e;
      },
    );
  }

  /** Evaluate explicit operand code pairs; returns n results of yBytes each. */
  evalPairs(a: Uint32Array, b: Uint32Array, n: number): Promise<Buffer> {
    const as = new Uint8Array(a.buffer, a.byteOffset, 4 * n);
    const bs = new Uint8Array(b.buffer, b.byteOffset, 4 * n);
    const fill = (slots: SharedSlots, offset: number) => {
      slots.write(offset, as);
      slots.write(offset + 4 * n, bs);
    };
    const viaSlot = this.viaSlot(Cmd.EvalAt, n, 0, 8 * n, fill);
    if (viaSlot) return viaSlot;
    const body = Buffer.allocUnsafe(8 * n);
    body.set(as, 0);
    body.set(bs, 4 * n);
    return this.request(Buffer.concat([header(Cmd.Eval, n), body]), n * this.yBytes);
  }

  /** Evaluate pairs start..start+n-1 of the row-major pair space (index = a << bWidth | b). */
  evalRange(start: number, n: number): Promise<Buffer> {
    return this.viaSlot(Cmd.RangeAt, n, start, 0) ?? this.request(header(Cmd.Range, n, start), n * this.yBytes);
  }

  /**
   * Set the control inputs (in ports.controls order) for the requests that follow; only changed values
   * are sent. Requests are processed in order, so earlier in-flight requests keep the old values.
   */
  setControls(values: readonly number[]): void {
    if (this.proc.closed) return;
    values.forEach((v, i) => {
      if (this.controls[i] === v) return;
      this.controls[i] = v;
      this.proc.send(header(Cmd.SetControl, i, v));
    });
  }

  /** Pure C++ loop over n pseudo-random pairs (xorshift64 seeded with `seed`), returning a checksum. */
  async spinRandom(n: number, seed: number): Promise<bigint> {
    return (await this.request(header(Cmd.SpinRandom, n, seed), 8)).readBigUInt64LE(0);
  }

  /** Pure C++ loop over a range, returning only a checksum (benchmark baseline). */
  async spin(start: number, n: number): Promise<bigint> {
    return (await this.request(header(Cmd.Spin, n, start), 8)).readBigUInt64LE(0);
  }

  async close(): Promise<void> {
    await this.proc.close(header(Cmd.Quit, 0));
    this.slots?.close();
    this.slots = undefined;
  }

  private request(req: Buffer, replyBytes: number): Promise<Buffer> {
    return this.proc.request(req, replyBytes);
  }
}
