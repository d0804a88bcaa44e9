import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { evalWorker } from '../util/eval-worker.js';
import { wasmOnce } from '../util/wasm-once.js';
import { packageRoot } from '../paths.js';
import { samePadding, type PatchGeometry } from '../ir/im2col.js';

/**
 * Kernels of the exact layers in WebAssembly (wasm/layers.wat, assembled into dist/wasm/layers.wasm by
 * `npm run build`). The convolution's three products, with SIMD, on both cores: forward y = conv(x, W) + b, the input
 * gradient col2im(dy W^T) and the weight gradient im2col(x)^T dy, without the patch matrix. Each output is
 * the float32 sum the im2col + matrix-product form computes, term for term in the same order, so the
 * results are bit-identical to it (tested); the speed comes from reading the image in place, from
 * skipping exactly-zero terms (padding, the gradients that ReLU and max pooling zero) and from a worker
 * thread that takes half of every large call over the same shared memory. Filters are the dense layer's
 * W: (kh*kw*c) x cout, rows ordered (kh, kw, c).
 */
export interface LayerKernels {
  // Results that are the size of an activation are views into the kernels' memory, valid until the next
  // call: copy what is kept.
  /** y (n*oh*ow x cout) = conv(x, W) + b; without b, the plain sum. */
  forward(x: Float32Array, g: PatchGeometry, w: Float32Array, cout: number, b?: Float32Array): Float32Array;
  /** im2col: every output pixel's window of x (n*oh*ow rows of kh*kw*c), `padValue` where it lies outside. */
  patches(x: Float32Array, g: PatchGeometry, padValue?: number): Float32Array;
  /** dL/dx (n x h x w x c) for dy (n*oh*ow x cout). */
  inputGradient(dy: Float32Array, g: PatchGeometry, w: Float32Array, cout: number): Float32Array;
  /** dL/db: each column's sum over the rows of dy (rows x cout), in row order from +0. */
  biasGradient(dy: Float32Array, cout: number): Float32Array;
  /** dL/dW ((kh*kw*c) x cout) for dy (n*oh*ow x cout). */
  weightGradient(x: Float32Array, g: PatchGeometry, dy: Float32Array, cout: number): Float32Array;
  /** Max pooling (size x size, stride size): the x-shaped 0/1 mask of every window's first maximum (of relu(x) with g.relu). */
  poolMask(x: Float32Array, g: PoolGeometry): Float32Array;
  /** The pooling gradient: mask(x) * (dy repeated over each window); with g.relu, that times step(x). */
  poolScatter(dy: Float32Array, x: Float32Array, g: PoolGeometry): Float32Array;
  /** Its adjoint: each window's sum of mask(x) * values (values * step(x) with g.relu), from +0 in window order. */
  poolGather(values: Float32Array, x: Float32Array, g: PoolGeometry): Float32Array;
  /** How many threads share the convolutions (1 without the worker: the same results). */
  readonly threads: number;
}

/**
 * Max pooling's shapes: NHWC input (n, h, w, c), size x size windows at stride size, output oh x ow. With
 * `relu`, a ReLU before the pooling is fused into it: x is the pre-activation, windows are compared on
 * relu(x) (as the wasm backend's ReLU computes it: every value with the sign bit set becomes +0) and the
 * gradients are ReLU's too: scatter(dy) * step(x), and its adjoint gathers values * step(x).
 */
export interface PoolGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  size: number;
  relu?: boolean;
}

interface Exports {
  fwd(...args: number[]): void;
  wgrad(...args: number[]): void;
  igrad(...args: number[]): void;
  pad(...args: number[]): void;
  patches(...args: number[]): void;
  crop(...args: number[]): void;
  colsum(...args: number[]): void;
  poolmask(...args: number[]): void;
  poolgrad(...args: number[]): void;
  poolgather(...args: number[]): void;
}
type KernelName = 'fwd' | 'wgrad' | 'igrad';

export const LAYER_KERNELS_FILE = join(packageRoot, 'dist', 'wasm', 'layers.wasm');
/** Below this many multiply-adds a call runs on one thread (waking the worker costs about as much). */
const PARALLEL_MIN_WORK = 400_000;
const PAGE = 65536;

const kernels = wasmOnce(
  LAYER_KERNELS_FILE,
  (module) => {
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true });
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    const helper = startWorker(module, memory, ex);
    return { kernels: makeKernels(ex, memory, helper), threads: helper ? 2 : 1 };
  },
  ({ threads }) => `WebAssembly SIMD, ${threads} thread${threads > 1 ? 's' : ''}`,
  'TensorFlow.js ops',
);

/** The kernels, or undefined (with `layerKernelStatus()` saying why) where they cannot load. */
export const layerKernels = (): LayerKernels | undefined => kernels.get()?.kernels;

/** How the exact convolution and pooling layers run: the kernels (on how many threads), or why not. */
export const layerKernelStatus = (): string => kernels.status();

/**
 * A second thread over the shared memory. Both threads claim chunks of a call's range (the kernels' last two
 * arguments) until none is left: the second thread takes a while to wake, and the two cores of a virtual
 * machine often run at different speeds, so a fixed half would leave one waiting for the other. Different
 * threads compute different outputs (whole sums), so the split never changes a result.
 */
interface Helper {
  /** Runs `kernel(...args, from, to)` over [0, n) in chunks; `workerArgs` are the worker's own (its scratch). */
  run(name: KernelName, n: number, mainArgs: number[], workerArgs: number[]): void;
}

// Control words: [0] job sequence number, [2] kernel index, [3] argument count, [4] n, [6] the claim word,
// [7] how much of the range is done, [8..] the worker's arguments. The claim word is (job tag << 16 | start
// of the range not yet claimed): a thread claims only for the job whose tag it read, so a worker that wakes
// after its job is over (the main thread did it all and moved on) claims nothing, and the main thread
// waits for finished work, never for the worker to wake.
const CLOSED = 0xffff;
const tagOf = (seq: number) => seq & 0x7fff;

/**
 * Claims the next chunk of [0, n) of job `tag`, or null when none is left. Guided: a quarter of what is
 * left (at least one), so the thread that wakes late still finds work and the last chunks are short.
 * Self-contained: it also runs as the worker's code.
 */
function claim(ctrl: Int32Array, tag: number, n: number): [number, number] | null {
  for (;;) {
    const word = Atomics.load(ctrl, 6);
    const from = word & 0xffff;
    if (word >>> 16 !== tag || from >= n) return null;
    const to = Math.min(n, from + Math.max(1, Math.ceil((n - from) / 4)));
    if (Atomics.compareExchange(ctrl, 6, word, (tag << 16) | to) === word) return [from, to];
  }
}
const KERNELS: KernelName[] = ['fwd', 'wgrad', 'igrad'];

function startWorker(module: WebAssembly.Module, memory: WebAssembly.Memory, ex: Exports): Helper | undefined {
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * 40));
  let worker: Worker;
  try {
    worker = evalWorker(
      `const { workerData: { module, memory, ctrl, names } } = require('node:worker_threads');
       const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
       const claim = ${claim.toString()};
       let seen = 0;
       for (;;) {
         Atomics.wait(ctrl, 0, seen);
         seen = Atomics.load(ctrl, 0);
         const [kernel, args, n, tag] = [ex[names[ctrl[2]]], Array.from(ctrl.subarray(8, 8 + ctrl[3])), ctrl[4], seen & 0x7fff];
         for (let r = claim(ctrl, tag, n); r; r = claim(ctrl, tag, n)) {
           kernel(...args, r[0], r[1]);
           Atomics.add(ctrl, 7, r[1] - r[0]);
           Atomics.notify(ctrl, 7);
         }
       }`,
      { module, memory, ctrl, names: KERNELS },
    );
  } catch {
    return undefined;
  }
  worker.unref();
  let broken = false;
  worker.on('error', () => (broken = true));
  let seq = 0;
  return {
    run(name, n, mainArgs, workerArgs) {
      if (broken) throw new Error('the convolution worker thread stopped');
      const tag = tagOf(++seq);
      ctrl[2] = KERNELS.indexOf(name);
      ctrl[3] = workerArgs.length;
      ctrl[4] = n;
      ctrl.set(workerArgs, 8);
      Atomics.store(ctrl, 7, 0);
      Atomics.store(ctrl, 6, tag << 16);
      Atomics.store(ctrl, 0, seq);
      Atomics.notify(ctrl, 0);
      for (let r = claim(ctrl, tag, n); r; r = claim(ctrl, tag, n)) {
        ex[name](...mainArgs, r[0], r[1]);
        Atomics.add(ctrl, 7, r[1] - r[0]);
      }
      // Only a chunk the worker claimed can be left: wait for it (a stopped worker never finishes it).
      for (let done = Atomics.load(ctrl, 7); done < n; done = Atomics.load(ctrl, 7)) {
        if (broken) throw new Error('the convolution worker thread stopped');
        Atomics.wait(ctrl, 7, done, 1000);
      }
      Atomics.store(ctrl, 6, (tag << 16) | CLOSED);
    },
  };
}

function makeKernels(ex: Exports, memory: WebAssembly.Memory, helper: Helper | undefined): LayerKernels {
  /** Byte offsets of consecutive regions of these float counts (16-byte aligned), the memory grown to fit. */
  const layout = (...floats: number[]): number[] => {
    const at: number[] = [];
    let end = 0;
    for (const f of floats) {
      at.push(end);
      end += Math.ceil(f / 4) * 16;
    }
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / PAGE));
    return at;
  };
  const f32 = () => new Float32Array(memory.buffer);
  const view = (at: number, n: number) => new Float32Array(memory.buffer, at, n);
  const poolArgs = (g: PoolGeometry) => {
    const { oh, ow } = poolOutput(g);
    return [g.h, g.w, g.c, g.size, oh, ow, g.relu ? 1 : 0, 0, g.n];
  };
  /**
   * Runs a kernel over [0, n) (its last two arguments): in chunks on both threads when the work is large
   * enough (`args(thread)` are a thread's other arguments: its scratch differs), else at once on this one.
   */
  const split = (name: KernelName, n: number, work: number, args: (thread: number) => number[]) => {
    if (!helper || n < 2 || n >= CLOSED || work < PARALLEL_MIN_WORK) ex[name](...args(0), 0, n);
    else helper.run(name, n, args(0), args(1));
  };
  /**
   * The input as the kernels read it: zero-padded for 'same' (the padding's products are zeros, which
   * change no sum), and the padded dimensions with the window count K and K rounded up to 4.
   */
  const padded = (g: PatchGeometry) => {
    const [ph, pw] = g.pad === 'same' ? [g.kh - 1, g.kw - 1] : [0, 0];
    const k = g.kh * g.kw * g.c;
    return {
      h: g.h + ph,
      w: g.w + pw,
      ph,
      pw,
      pt: g.pad === 'same' ? samePadding(g.kh) : 0,
      pl: g.pad === 'same' ? samePadding(g.kw) : 0,
      size: g.n * (g.h + ph) * (g.w + pw) * g.c,
      k,
      kp: Math.ceil(k / 4) * 4,
    };
  };
  /** Copies x into memory at `at` and pads it (with padValue) into `padAt` when it needs padding; the kernels' input address. */
  const placeInput = (x: Float32Array, g: PatchGeometry, at: number, padAt: number, padValue = 0) => {
    f32().set(x, at / 4);
    const p = padded(g);
    if (!p.ph && !p.pw) return at;
    ex.pad(at, g.n, g.h, g.w, g.c, padAt, p.ph, p.pw, p.pt, p.pl, padValue);
    return padAt;
  };

  return {
    threads: helper ? 2 : 1,
    forward(x, g, w, cout, b) {
      const p = padded(g);
      const coutp = Math.ceil(cout / 4) * 4;
      const rows = g.n * g.oh * g.ow;
      const [xa, xpa, wa, ba, ya] = layout(x.length, p.size, p.k * coutp, coutp, rows * cout);
      const xin = placeInput(x, g, xa!, xpa!);
      const mem = f32();
      for (let k = 0; k < p.k; k++) {
        mem.set(w.subarray(k * cout, (k + 1) * cout), wa! / 4 + k * coutp);
        mem.fill(0, wa! / 4 + k * coutp + cout, wa! / 4 + (k + 1) * coutp);
      }
      mem.fill(0, ba! / 4, ba! / 4 + coutp);
      if (b) mem.set(b, ba! / 4);
      split('fwd', g.n, rows * p.k * cout, () => [xin, p.h, p.w, g.c, g.kh, g.kw, g.oh, g.ow, wa!, coutp, cout, ba!, ya!]);
      return view(ya!, rows * cout);
    },
    patches(x, g, padValue = 0) {
      const p = padded(g);
      const size = g.n * g.oh * g.ow * p.k;
      // 4 floats of slack after the input and the patches: a window row's last vector may read and write
      // past its end (the writes land where the next row goes, or in the slack). One thread: a chunk's
      // last write would spill into the next chunk's first row.
      const [xa, xpa, ca] = layout(x.length + 4, p.size + 4, size + 4);
      const xin = placeInput(x, g, xa!, xpa!, padValue);
      ex.patches(xin, p.h, p.w, g.c, g.kh, g.kw, g.oh, g.ow, ca!, 0, g.n);
      return view(ca!, size);
    },
    inputGradient(dy, g, w, cout) {
      const p = padded(g);
      const [da, wta, dxpa, xa, row0, row1] = layout(dy.length, cout * p.kp, p.size, g.n * g.h * g.w * g.c, p.kp, p.kp);
      const mem = f32();
      mem.set(dy, da! / 4);
      for (let j = 0; j < cout; j++) {
        for (let k = 0; k < p.k; k++) mem[wta! / 4 + j * p.kp + k] = w[k * cout + j]!;
        mem.fill(0, wta! / 4 + j * p.kp + p.k, wta! / 4 + (j + 1) * p.kp);
      }
      mem.fill(0, dxpa! / 4, dxpa! / 4 + p.size);
      split('igrad', g.n, dy.length * p.k, (t) => [da!, cout, wta!, p.kp, p.h, p.w, g.c, g.kh, g.kw, g.oh, g.ow, dxpa!, t ? row1! : row0!]);
      if (!p.ph && !p.pw) return view(dxpa!, p.size);
      ex.crop(dxpa!, g.n, g.h, g.w, g.c, xa!, p.ph, p.pw, p.pt, p.pl);
      return view(xa!, g.n * g.h * g.w * g.c);
    },
    biasGradient(dy, cout) {
      // 8 floats of slack after dy: the last row's vectors read past its end (into lanes not stored).
      const [da, oa] = layout(dy.length + 8, cout + 8);
      f32().set(dy, da! / 4);
      ex.colsum(da!, dy.length / cout, cout, oa!);
      return view(oa!, cout).slice();
    },
    weightGradient(x, g, dy, cout) {
      const p = padded(g);
      const run = g.kw * g.c;
      const runp = Math.ceil(run / 4) * 4;
      // 4 floats of slack after the input: a window row's last vector may read past the image's end (into
      // lanes whose sums are dropped, so whatever is there does no harm).
      const [xa, xpa, da, wta] = layout(x.length + 4, p.size + 4, dy.length, cout * g.kh * runp);
      const xin = placeInput(x, g, xa!, xpa!);
      const mem = f32();
      mem.set(dy, da! / 4);
      mem.fill(0, wta! / 4, wta! / 4 + cout * g.kh * runp);
      // Split by output channel: every sum still runs over all pixels in order on one thread.
      split('wgrad', cout, dy.length * p.k, () => [xin, p.h, p.w, g.c, g.kh, g.kw, g.oh, g.ow, da!, cout, wta!, runp, g.n]);
      const out = new Float32Array(p.k * cout);
      const m = f32();
      for (let j = 0; j < cout; j++)
        for (let dyk = 0; dyk < g.kh; dyk++)
          for (let i = 0; i < run; i++) out[(dyk * run + i) * cout + j] = m[wta! / 4 + (j * g.kh + dyk) * runp + i]!;
      return out;
    },
    poolMask(x, g) {
      const size = g.n * g.h * g.w * g.c;
      const [xa, ma] = layout(size, size);
      const mem = f32();
      mem.set(x, xa! / 4);
      mem.fill(0, ma! / 4, ma! / 4 + size);
      ex.poolmask(xa!, ma!, ...poolArgs(g));
      return view(ma!, size);
    },
    poolScatter(dy, x, g) {
      const size = g.n * g.h * g.w * g.c;
      const [da, xa, ga] = layout(dy.length, size, size);
      const mem = f32();
      mem.set(dy, da! / 4);
      mem.set(x, xa! / 4);
      // Every element of a window is written, so only elements in none need zeros.
      if (g.h % g.size || g.w % g.size) mem.fill(0, ga! / 4, ga! / 4 + size);
      ex.poolgrad(da!, xa!, ga!, ...poolArgs(g));
      return view(ga!, size);
    },
    poolGather(values, x, g) {
      const { oh, ow } = poolOutput(g);
      const pooled = g.n * oh * ow * g.c;
      const [va, xa, ma, pa] = layout(values.length, x.length, x.length, pooled);
      const mem = f32();
      mem.set(values, va! / 4);
      mem.set(x, xa! / 4);
      mem.fill(0, ma! / 4, ma! / 4 + x.length);
      ex.poolmask(xa!, ma!, ...poolArgs(g));
      ex.poolgather(va!, ma!, pa!, xa!, ...poolArgs(g));
      return view(pa!, pooled);
    },
  };
}

/** Output size of a size x size, stride-size 'valid' pooling. */
export function poolOutput(g: PoolGeometry): { oh: number; ow: number } {
  return { oh: Math.floor(g.h / g.size), ow: Math.floor(g.w / g.size) };
}
