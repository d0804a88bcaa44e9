import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname } from 'node:path';
import { AxhwError } from '../errors.js';

interface Pending {
  /** Fixed-size reply buffer, or undefined until a length-prefixed reply's length has arrived. */
  buf?: Buffer;
  /** Length-prefixed reply: the 8-byte byte count comes first. */
  prefixed: boolean;
  head: Buffer;
  headFilled: number;
  filled: number;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * One running harness process spoken to over stdin/stdout, shared by the operator and module protocols.
 * Requests may be pipelined: each is written at once and resolves when its reply has arrived, in order.
 * A reply is either of a size known in advance or length-prefixed (u64 byte count, then the bytes).
 *
 * Started with Node's own spawn, not execa: loading execa costs about 0.15 s, a quarter of a cached
 * `axhw verify`, and a harness needs nothing from it but three pipes and its exit.
 */
export class HarnessProcess {
  private readonly pending: Pending[] = [];
  private stderr = '';
  private dead: Error | undefined;
  private readonly proc: ChildProcessWithoutNullStreams;
  /** Settles when the process has exited and its pipes are closed. */
  private readonly exited: Promise<void>;

  constructor(
    readonly binary: string,
    readonly what: string,
    env?: Record<string, string>,
  ) {
    this.proc = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const proc = this.proc;
    proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    proc.stderr.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-4000);
    });
    proc.stdin.on('error', () => {}); // surfaced through 'close' below
    this.exited = new Promise((resolve) => {
      const exit = (how: string) => {
        this.fail(
          new AxhwError(
            `The co-simulation process for ${what} (${binary}) exited (${how}).${this.stderr ? `\n${this.stderr}` : ''}`,
            `If the design itself stops the simulation ($finish, $stop, an assertion), fix it; otherwise ` +
              `the cached build may be damaged: remove ${dirname(binary)} and run again (it is rebuilt).`,
          ),
        );
        resolve();
      };
      proc.on('error', (e: NodeJS.ErrnoException) => exit(e.code === 'ENOENT' ? 'it could not be started: no such file' : e.message));
      proc.on('close', (code, signal) => exit(signal ? `signal ${signal}` : `code ${code}`));
    });
  }

  /** Send a request; `reply` is the reply's byte count, or 'prefixed' for a length-prefixed reply. */
  request(req: Buffer, reply: number | 'prefixed'): Promise<Buffer> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Buffer>((resolve, reject) => {
      const prefixed = reply === 'prefixed';
      this.pending.push({
        buf: prefixed ? undefined : Buffer.allocUnsafe(reply),
        prefixed,
        head: Buffer.alloc(prefixed ? 8 : 0),
        headFilled: 0,
        filled: 0,
        resolve,
        reject,
      });
      this.proc.stdin.write(req);
    });
  }

  /** Write without a reply (commands the harness does not answer). */
  send(req: Buffer): void {
    if (!this.dead) this.proc.stdin.write(req);
  }

  get closed(): boolean {
    return this.dead !== undefined;
  }

  async close(quit: Buffer): Promise<void> {
    if (!this.dead) {
      this.dead = new AxhwError(
        'The co-simulation session was used after it was closed.',
        'This is a bug in axhw: please report it with the command you ran.',
      );
      this.proc.stdin.end(quit);
    }
    await this.exited;
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const p = this.pending[0];
      if (!p) {
        this.fail(
          new AxhwError(
            `Co-simulation for ${this.what} sent unexpected output.`,
            'A $display or $write in the design prints into the harness protocol: remove it (or guard it) and run again.',
          ),
        );
        return;
      }
      if (!p.buf) {
        const take = Math.min(8 - p.headFilled, chunk.length - off);
        chunk.copy(p.head, p.headFilled, off, off + take);
        p.headFilled += take;
        off += take;
        if (p.headFilled < 8) continue;
        p.buf = Buffer.allocUnsafe(Number(p.head.readBigUInt64LE(0)));
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
