import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A file that a harness process maps into its memory: `count` slots of `slotBytes`, where a request's
 * operands go in and its results come out. The pipe then carries only small headers, so a harness never
 * waits for Node to pass a large request or drain a large reply through the pipe's small buffer (Node's
 * child pipes are sockets whose buffer it cannot enlarge). Node reads and writes the file with plain
 * positional I/O: the page cache is what the harness has mapped, so both see the same bytes.
 *
 * The file lives on tmpfs (/dev/shm) where there is one, else in the temp folder, and is removed as soon as
 * the harness has mapped it (the mapping and Node's descriptor keep it alive), so nothing is left behind.
 */
export class SharedSlots {
  private readonly busy: boolean[];
  /** Each slot's results as last read, in one buffer a slot reused (fresh 256 KB buffers cost page faults). */
  private readonly results: Buffer[] = [];
  private next = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly count: number,
    readonly slotBytes: number,
  ) {
    this.busy = Array.from({ length: count }, () => false);
  }

  /**
   * A new slot file, or undefined where one cannot be made (the caller keeps to the pipe). Its pages are
   * written once here: a full tmpfs (a container's small /dev/shm) then fails now, with ENOSPC, instead of
   * killing the harness with SIGBUS when it first writes a page the file system cannot hold.
   */
  static create(count: number, slotBytes: number): SharedSlots | undefined {
    let dir: string | undefined;
    let fd: number | undefined;
    try {
      const base = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : tmpdir();
      dir = mkdtempSync(join(base, 'axhw-cosim-'));
      const path = join(dir, 'slots');
      fd = openSync(path, 'w+', 0o600);
      const zeros = Buffer.alloc(slotBytes);
      for (let s = 0; s < count; s++) writeSync(fd, zeros, 0, slotBytes, s * slotBytes);
      return new SharedSlots(path, fd, count, slotBytes);
    } catch {
      if (fd !== undefined) closeSync(fd);
      if (dir) rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  get bytes(): number {
    return this.count * this.slotBytes;
  }

  /** Removes the file's name once the harness has it mapped (the data stays while either side holds it). */
  unlink(): void {
    rmSync(dirname(this.path), { recursive: true, force: true });
  }

  /** A free slot's byte offset for a request of `bytes`, or undefined (none free, or it does not fit). */
  take(bytes: number): number | undefined {
    if (bytes > this.slotBytes) return undefined;
    for (let i = 0; i < this.count; i++) {
      const s = (this.next + i) % this.count;
      if (this.busy[s]) continue;
      this.busy[s] = true;
      this.next = (s + 1) % this.count;
      return s * this.slotBytes;
    }
    return undefined;
  }

  release(offset: number): void {
    this.busy[offset / this.slotBytes] = false;
  }

  write(offset: number, data: Uint8Array): void {
    writeSync(this.fd, data, 0, data.length, offset);
  }

  /**
   * `bytes` of the slot at `offset` (from `at` bytes into it). The buffer is the slot's own: it holds these
   * bytes until the slot's next request is read, which the round robin of `take` puts at least `count` requests later.
   */
  read(offset: number, at: number, bytes: number): Buffer {
    const slot = offset / this.slotBytes;
    const out = (this.results[slot] ??= Buffer.allocUnsafe(this.slotBytes)).subarray(0, bytes);
    let done = 0;
    while (done < bytes) {
      const r = readSync(this.fd, out, done, bytes - done, offset + at + done);
      if (r === 0) throw new Error(`${this.path}: ${bytes} bytes at ${offset} lie past its end`);
      done += r;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
    this.unlink();
  }
}
