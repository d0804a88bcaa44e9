import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalWorker } from '../util/eval-worker.js';
import { packageRoot } from '../paths.js';
/**
 * The general path: C[i][j] = sum_k P(A[i][k], B[k][j]) for any product table P, over integer operand
 * values (offset by qmin into the table). Plain JS over typed arrays; one table row (fixed A[i][k]) serves
 * a whole output row. Sums are exact in float64 (integers below 2^53).
 *
 * Exact shortcut for the commonest input code c (ReLU zeros, image background): with
 * P'(a, b) = P(a, b) - P(c, b), C[i][j] = sum_k P(c, B[k][j]) + sum over k with A[i][k] != c of P'(A[i][k], B[k][j]),
 * so elements equal to c cost nothing.
 */
export function tableMatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  products: Float64Array,
  qmin: number,
  range: number,
): Float64Array {
  // The WebAssembly rows where they load (in its memory); else large products split their rows with a
  // worker thread (the wasm backend leaves the second core idle).
  const kernel = tableKernel();
  const split = !kernel && m >= 8 && m * k * n >= PARALLEL_MIN_WORK ? rowWorker() : undefined;
  const alloc = kernel ? kernel.arrays(m, k, n, range) : split ? sharedArrays : localArrays;
  const out = alloc.f64('out', m * n);
  const bIdx = alloc.i32('bIdx', k * n);
  for (let t = 0; t < k * n; t++) bIdx[t] = b[t]! - qmin;
  const aIdx = alloc.i32('aIdx', m * k);
  const hist = codeHistogram(a, qmin, range, aIdx);
  let c = 0;
  for (let v = 1; v < range; v++) if (hist[v]! > hist[c]!) c = v;
  const useMode = hist[c]! * 8 >= m * k && range * range <= (m * k * n) / 4;
  const table = alloc.f64('table', range * range);
  const base = alloc.f64('base', n);
  base.fill(0);
  if (useMode) {
    const rowC = c * range;
    for (let v = 0; v < range; v++) for (let w = 0; w < range; w++) table[v * range + w] = products[v * range + w]! - products[rowC + w]!;
    for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) base[j]! += products[rowC + bIdx[kk * n + j]!]!;
  } else table.set(products);
  const skip = useMode ? c : -1;
  if (kernel) {
    kernel.rows(aIdx.byteOffset, bIdx.byteOffset, table.byteOffset, base.byteOffset, skip, k, n, range, out.byteOffset, 0, m);
    return out.slice();
  }
  if (!split) {
    tableRows(aIdx, bIdx, table, base, skip, k, n, range, 0, m, out);
    return out;
  }
  const half = m >> 1;
  split.start([aIdx, bIdx, table, base, out], [skip, k, n, range, half, m]);
  tableRows(aIdx, bIdx, table, base, skip, k, n, range, 0, half, out);
  split.wait();
  return Float64Array.from(out);
}

/**
 * Counts of each code of `a` (offset by qmin), writing the offset codes to `idx`. Four interleaved counters: runs
 * of one code (ReLU zeros, background) would otherwise make each increment wait for the one before.
 */
function codeHistogram(a: Float32Array, qmin: number, range: number, idx: Int32Array): Int32Array {
  const h = new Int32Array(4 * range);
  const len = idx.length;
  let t = 0;
  for (; t + 3 < len; t += 4) {
    const v0 = a[t]! - qmin;
    const v1 = a[t + 1]! - qmin;
    const v2 = a[t + 2]! - qmin;
    const v3 = a[t + 3]! - qmin;
    idx[t] = v0;
    idx[t + 1] = v1;
    idx[t + 2] = v2;
    idx[t + 3] = v3;
    h[v0]!++;
    h[range + v1]!++;
    h[2 * range + v2]!++;
    h[3 * range + v3]!++;
  }
  for (; t < len; t++) {
    const v = a[t]! - qmin;
    idx[t] = v;
    h[v]!++;
  }
  const hist = new Int32Array(range);
  for (let v = 0; v < range; v++) hist[v] = h[v]! + h[range + v]! + h[2 * range + v]! + h[3 * range + v]!;
  return hist;
}

/** Rows [from, to) of the table product (self-contained: it also runs as the worker's code). */
function tableRows(
  aIdx: Int32Array,
  bIdx: Int32Array,
  table: Float64Array,
  base: Float64Array,
  skip: number,
  k: number,
  n: number,
  range: number,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const acc = new Float64Array(n);
  for (let i = from; i < to; i++) {
    acc.set(base);
    for (let kk = 0; kk < k; kk++) {
      const v = aIdx[i * k + kk]!;
      if (v === skip) continue;
      const row = v * range;
      const off = kk * n;
      for (let j = 0; j < n; j++) acc[j]! += table[row + bIdx[off + j]!]!;
    }
    out.set(acc, i * n);
  }
}

const PARALLEL_MIN_WORK = 2_000_000;

interface ArrayPool {
  f64(key: string, n: number): Float64Array;
  i32(key: string, n: number): Int32Array;
}
const localArrays: ArrayPool = { f64: (_k, n) => new Float64Array(n), i32: (_k, n) => new Int32Array(n) };
/** SharedArrayBuffer-backed arrays, reused between calls (grown when too small). */
const sharedArrays: ArrayPool = (() => {
  const bufs = new Map<string, SharedArrayBuffer>();
  const get = (key: string, bytes: number) => {
    let sab = bufs.get(key);
    if (!sab || sab.byteLength < bytes) bufs.set(key, (sab = new SharedArrayBuffer(Math.max(bytes, 8))));
    return sab;
  };
  return { f64: (key, n) => new Float64Array(get(key, 8 * n), 0, n), i32: (key, n) => new Int32Array(get(key, 4 * n), 0, n) };
})();

interface TableKernel {
  /** Views into the kernel's memory for one product's arrays (valid until the next call). */
  arrays(m: number, k: number, n: number, range: number): ArrayPool;
  rows(
    aIdx: number,
    bIdx: number,
    table: number,
    base: number,
    skip: number,
    k: number,
    n: number,
    range: number,
    out: number,
    from: number,
    to: number,
  ): void;
}

export const TABLE_KERNEL_FILE = join(packageRoot, 'dist', 'wasm', 'table.wasm');
let kernel: TableKernel | null | undefined;

/** wasm/table.wat, or undefined where it cannot load (no build): the JavaScript rows then run. */
function tableKernel(): TableKernel | undefined {
  if (kernel !== undefined) return kernel ?? undefined;
  try {
    if (!existsSync(TABLE_KERNEL_FILE)) throw new Error(`${TABLE_KERNEL_FILE} is missing`);
    const ex = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(TABLE_KERNEL_FILE))).exports as unknown as {
      memory: WebAssembly.Memory;
      rows: TableKernel['rows'];
    };
    kernel = {
      rows: ex.rows,
      arrays(m, k, n, range) {
        // aIdx, bIdx (int32), table, base, out (float64), in that order: the memory is grown once, up front.
        const bytes = 4 * m * k + 4 * k * n + 8 * (range * range + n + m * n) + 16;
        const have = ex.memory.buffer.byteLength;
        if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
        let at = 0;
        const take = (size: number, align: number) => {
          at = Math.ceil(at / align) * align;
          const from = at;
          at += size;
          return from;
        };
        return {
          i32: (_key, len) => new Int32Array(ex.memory.buffer, take(4 * len, 4), len),
          f64: (_key, len) => new Float64Array(ex.memory.buffer, take(8 * len, 8), len),
        };
      },
    };
  } catch {
    kernel = null;
  }
  return kernel ?? undefined;
}

interface RowWorker {
  start(arrays: [Int32Array, Int32Array, Float64Array, Float64Array, Float64Array], params: number[]): void;
  wait(): void;
}
let worker: RowWorker | null | undefined;

/** One worker thread computing the second half of the rows; undefined where workers cannot start. */
function rowWorker(): RowWorker | undefined {
  if (worker !== undefined) return worker ?? undefined;
  try {
    const done = new Int32Array(new SharedArrayBuffer(4));
    const w = evalWorker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const tableRows = ${tableRows.toString()};
       const done = workerData;
       parentPort.on('message', ({ arrays: [aIdx, bIdx, table, base, out], params: [skip, k, n, range, from, to] }) => {
         tableRows(aIdx, bIdx, table, base, skip, k, n, range, from, to, out);
         Atomics.store(done, 0, 1);
         Atomics.notify(done, 0);
       });`,
      done,
    );
    w.unref();
    w.on('error', () => (worker = null));
    worker = {
      start(arrays, params) {
        Atomics.store(done, 0, 0);
        w.postMessage({ arrays, params });
      },
      wait() {
        if (Atomics.wait(done, 0, 0, 120_000) === 'timed-out')
          throw new Error('the table-product worker thread did not answer within 120 s');
      },
    };
  } catch {
    worker = null;
  }
  return worker ?? undefined;
}
