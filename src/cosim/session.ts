import { execa, type ResultPromise } from 'execa';
import { dirname } from 'node:path';
import type { Design } from '../gen/design.js';
import { byteWidth } from '../util/bits.js';
import { AxhwError } from '../errors.js';
import { Cmd, header, MAGIC, PROTOCOL_VERSION } from './protocol.js';

interface Pending {
  buf: Buffer;
  filled: number;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * One running Verilated harness, driven over its binary pipe protocol. Requests may be pipelined: each
 * call writes its request at once and resolves when its reply has arrived, in order. Replies are copied
 * straight into one preallocated buffer per request.
 */
export class CosimSession {
  readonly yBytes: 1 | 2 | 4 | 8;
  private readonly pending: Pending[] = [];
  private stderr = '';
  private dead: Error | undefined;
  /** Control input values as last sent (the harness starts at the design's defaults). */
  private controls: number[];

  private constructor(
    private readonly proc: ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>,
    readonly design: Design,
    binary: string,
  ) {
    this.yBytes = byteWidth(design.ports.y.width);
    this.controls = design.ports.controls.map((c) => c.value);
    proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    proc.stderr!.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-4000);
    });
    proc.stdin!.on('error', () => {}); // surfaced through 'exit' below
    void proc.then((r) =>
      this.fail(
        new AxhwError(
          `The co-simulation process for ${design.top} (${binary}) exited (${r.signal ? `signal ${r.signal}` : `code ${r.exitCode}`}).${this.stderr ? `\n${this.stderr}` : ''}`,
          `If the design itself stops the simulation ($finish, $stop, an assertion), fix it; otherwise the cached build may be damaged: remove ${dirname(binary)} and run again (it is rebuilt).`,
        ),
      ),
    );
  }

  static async open(binary: string, design: Design): Promise<CosimSession> {
    const proc = execa(binary, [], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
    const s = new CosimSession(proc, design, binary);
    const info = await s.request(header(Cmd.Info, 0), 24);
    const [magic, proto, aw, bw, yw, yb] = [0, 4, 8, 12, 16, 20].map((o) => info.readUInt32LE(o));
    const p = design.ports;
    if (magic !== MAGIC || proto !== PROTOCOL_VERSION || aw !== p.a.width || bw !== p.b.width || yw !== p.y.width || yb !== s.yBytes) {
      await s.close();
      throw new AxhwError(`The co-simulation binary ${binary} does not match ${design.top} (stale cache entry?).`, `Remove ${dirname(binary)} and run again (it is rebuilt).`);
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
    if (this.dead) return;
    values.forEach((v, i) => {
      if (this.controls[i] === v) return;
      this.controls[i] = v;
      this.proc.stdin!.write(header(Cmd.SetControl, i, v));
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
    if (!this.dead) {
      this.dead = new AxhwError('The co-simulation session was used after it was closed.', 'This is a bug in axhw: please report it with the command you ran.');
      this.proc.stdin!.end(header(Cmd.Quit, 0));
    }
    await this.proc;
  }

  private request(req: Buffer, replyBytes: number): Promise<Buffer> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({ buf: Buffer.allocUnsafe(replyBytes), filled: 0, resolve, reject });
      this.proc.stdin!.write(req);
    });
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const p = this.pending[0];
      if (!p) {
        this.fail(new AxhwError(`Co-simulation for ${this.design.top} sent unexpected output.`, 'A $display or $write in the design prints into the harness protocol: remove it (or guard it) and run again.'));
        return;
      }
      const take = Math.min(p.buf.length - p.filled, chunk.length - off);
      chunk.copy(p.buf, p.filled, off, off + take);
      p.filled += take;
      off += take;
      if (p.filled === p.buf.length) {
        this.pending.shift();
        p.resolve(p.buf);
      }
    }
  }

  private fail(e: Error): void {
    if (!this.dead) this.dead = e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}
