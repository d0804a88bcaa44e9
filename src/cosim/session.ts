import { dirname } from 'node:path';
import type { Design } from '../gen/design.js';
import { byteWidth } from '../util/bits.js';
import { AxhwError } from '../errors.js';
import { Cmd, header, MAGIC, PROTOCOL_VERSION } from './protocol.js';
import { HarnessProcess } from './transport.js';

/**
 * One running Verilated harness, driven over its binary pipe protocol. Requests may be pipelined: each
 * call writes its request at once and resolves when its reply has arrived, in order. Replies are copied
 * straight into one preallocated buffer per request.
 */
export class CosimSession {
  readonly yBytes: 1 | 2 | 4 | 8;
  /** Control input values as last sent (the harness starts at the design's defaults). */
  private controls: number[];

  private constructor(
    private readonly proc: HarnessProcess,
    readonly design: Design,
  ) {
    this.yBytes = byteWidth(design.ports.y.width);
    this.controls = design.ports.controls.map((c) => c.value);
  }

  static async open(binary: string, design: Design): Promise<CosimSession> {
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
    return s;
  }

  /** Evaluate explicit operand code pairs; returns n results of yBytes each. */
  evalPairs(a: Uint32Array, b: Uint32Array, n: number): Promise<Buffer> {
    const body = Buffer.allocUnsafe(8 * n);
    body.set(new Uint8Array(a.buffer, a.byteOffset, 4 * n), 0);
    body.set(new Uint8Array(b.buffer, b.byteOffset, 4 * n), 4 * n);
    return this.request(Buffer.concat([header(Cmd.Eval, n), body]), n * this.yBytes);
  }

  /** Evaluate pairs start..start+n-1 of the row-major pair space (index = a << bWidth | b). */
  evalRange(start: number, n: number): Promise<Buffer> {
    return this.request(header(Cmd.Range, n, start), n * this.yBytes);
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

  close(): Promise<void> {
    return this.proc.close(header(Cmd.Quit, 0));
  }

  private request(req: Buffer, replyBytes: number): Promise<Buffer> {
    return this.proc.request(req, replyBytes);
  }
}
