import type { ModuleCommand, ModuleResponse, RunResult } from '../gen/module.js';
import { openModuleSessions } from '../cosim/module-session.js';
import { argmaxRows, modelOrder } from '../ir/classes.js';
import { NPU_MEM, type NpuGeometry } from '../models/npu-model.js';
import { inputWords, type CompiledNetwork } from './compile.js';
import type { NpuTarget } from './target.js';

/** The first output of the RTL that differs from the integer reference, located. */
export interface NpuMismatch {
  sample: number;
  /** Index of the layer in the model spec, its kind, and the NPU program entry. */
  layer: number;
  kind: string;
  programLayer: number;
  /** Output index within the layer (NHWC order for convolutions). */
  neuron: number;
  /** PE that computed it (P for the pooling unit). */
  pe: number;
  /** Clock cycle from the start of the run (after loading). */
  cycle: number;
  expected: number;
  got: number | undefined;
  what: string;
}

export interface NpuRunResult {
  samples: number;
  predictions: Int32Array;
  /** Cycles per inference measured in simulation (every inference), and the analytical model's figure. */
  cyclesMeasured: number[];
  cyclesModel: number;
  /** Outputs compared (every layer of every sample). */
  compared: number;
  mismatch?: NpuMismatch;
  simulatedCycles: number;
  /** Loading the images, simulating and comparing (the Verilator build excluded). */
  seconds: number;
}

/** What a run may change on purpose (negative controls, NTV storage through the fault port). */
export interface NpuRunOptions {
  /** Per-PE fault masks loaded through the fault port (stored bits they flip). */
  faultMasks?: Uint32Array[];
  /** The images to load, when not the reference network's own (NTV: the clean weights, flipped by the masks). */
  images?: CompiledNetwork;
  /** Flip one bit of the weight image before loading it. */
  corruptWeight?: { pe: number; addr: number; bit: number };
  /** Parallel simulator processes (samples are split between them). */
  jobs?: number;
  /** Samples per RUN command. */
  batch?: number;
  /** Seed of stalls on the streams (withheld input words, dropped out-ready): outputs must not change; cycles do. */
  stall?: number;
  /** Run the Verilated RTL (default) or the NPU's transaction-level model (the same comparison, no simulator). */
  target?: 'rtl' | 'model';
  onProgress?: (done: number, total: number) => void;
  log?: (m: string) => void;
}

/** Write the compiled images into the NPU's memories (program, weights, fault masks, biases), then reset. */
export function loadCommands(c: CompiledNetwork, geo: NpuGeometry, o: NpuRunOptions = {}): ModuleCommand[] {
  const cmds: ModuleCommand[] = [{ kind: 'write', sel: NPU_MEM.program, addr: 0, words: Array.from(c.words, BigInt) }];
  c.weights.forEach((w, p) => {
    const words = Array.from(w, BigInt);
    if (o.corruptWeight?.pe === p) words[o.corruptWeight.addr]! ^= 1n << BigInt(o.corruptWeight.bit);
    cmds.push({ kind: 'write', sel: NPU_MEM.weights, addr: p * 2 ** geo.wa, words });
    const mask = o.faultMasks?.[p];
    if (mask) cmds.push({ kind: 'write', sel: NPU_MEM.faults, addr: p * 2 ** geo.wa, words: Array.from(mask, BigInt) });
  });
  c.biases.forEach((b, p) =>
    cmds.push({ kind: 'write', sel: NPU_MEM.biases, addr: p * 2 ** geo.ba, words: Array.from(b, (v) => BigInt.asUintN(64, BigInt(v))) }),
  );
  cmds.push({ kind: 'reset' });
  return cmds;
}

/**
 * Stream samples through the NPU holding the target's images (or `o.images`) and compare every program
 * layer's outputs with the target's expected outputs (the integer reference), sample by sample; stop at the
 * first difference and locate it. With NTV, the target is the flipped network and `o.images` the clean one
 * (the fault masks flip it). `onStream` sees each sample's out-stream words (every streamed layer's
 * accumulators, in program order), signed.
 */
export async function runOnNpu(
  t: NpuTarget,
  x: Float32Array,
  n: number,
  o: NpuRunOptions = {},
  onStream?: (sample: number, words: Float64Array) => void,
): Promise<NpuRunResult> {
  const { compiled, design, geo } = t;
  const images = o.images ?? compiled;
  const features = compiled.program.inputSize;
  const jobs = Math.max(1, Math.min(o.jobs ?? 2, n));
  const batch = o.batch ?? 64;
  const predictions = new Int32Array(n);
  const cyclesMeasured = new Array<number>(n).fill(0);
  let compared = 0;
  let simulatedCycles = 0;
  let done = 0;
  let mismatch: NpuMismatch | undefined;
  const sessions: { run(c: readonly ModuleCommand[]): Promise<ModuleResponse[]>; close(): Promise<void> }[] =
    o.target === 'model'
      ? Array.from({ length: jobs }, () => {
          const m = design.model();
          return { run: async (c: readonly ModuleCommand[]) => m.run(c), close: async () => {} };
        })
      : await openModuleSessions(design, jobs, o.log);
  // Timed from here: simulation and comparison, not the (cached) Verilator build.
  const t0 = performance.now();
  try {
    await Promise.all(sessions.map((s) => s.run(loadCommands(images, geo, o))));
    // Samples are split into contiguous shares, one per process, each run in batches.
    const share = Math.ceil(n / jobs);
    await Promise.all(
      sessions.map(async (s, j) => {
        let cycleBase = 0;
        for (let start = j * share; start < Math.min(n, (j + 1) * share) && !mismatch; start += batch) {
          const m = Math.min(batch, (j + 1) * share - start, n - start);
          const input = [] as bigint[];
          for (let i = 0; i < m; i++) input.push(...inputWords(x, (start + i) * features, features, compiled.inputExp, geo.format));
          const [resp] = await s.run([{ kind: 'run', cycles: m * compiled.cyclesPerInference * 4 + 100, dones: m, input, stall: o.stall }]);
          const r = (resp as { result: RunResult }).result;
          const expected = t.expected(x.subarray(start * features, (start + m) * features), m);
          const found = compareBatch(r, expected, compiled, geo, start, m, cycleBase, predictions, cyclesMeasured, onStream);
          compared += found.compared;
          const earlier = mismatch as NpuMismatch | undefined;
          if (found.mismatch && (!earlier || found.mismatch.sample < earlier.sample)) mismatch = found.mismatch;
          cycleBase += r.cycles;
          simulatedCycles += r.cycles;
          done += m;
          o.onProgress?.(done, n);
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  return {
    samples: n,
    predictions,
    cyclesMeasured,
    cyclesModel: compiled.cyclesPerInference,
    compared,
    mismatch,
    simulatedCycles,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function compareBatch(
  r: RunResult,
  expected: Float64Array[][],
  c: CompiledNetwork,
  geo: NpuGeometry,
  start: number,
  m: number,
  cycleBase: number,
  predictions: Int32Array,
  cyclesMeasured: number[],
  onStream?: (sample: number, words: Float64Array) => void,
): { compared: number; mismatch?: NpuMismatch } {
  const acc = geo.format.accBits;
  const signedOf = (v: bigint) => Number(BigInt.asIntN(acc, v));
  let compared = 0;
  let ti = 0;
  const streamed = c.program.layers.reduce((a, l, i) => a + (l.last ? c.layers[i]!.outputs : 0), 0);
  const mk = (
    s: number,
    li: number,
    neuron: number,
    pe: number,
    cycle: number,
    exp: number,
    got: number | undefined,
    what: string,
  ): NpuMismatch => {
    const l = c.layers[li];
    return {
      sample: start + s,
      layer: l?.modelLayer ?? -1,
      kind: l?.kind ?? '?',
      programLayer: li,
      neuron,
      pe,
      cycle: cycleBase + cycle,
      expected: exp,
      got,
      what,
    };
  };
  for (let s = 0; s < m; s++) {
    const doneAt = r.doneCycles[s];
    if (doneAt === undefined)
      return {
        compared,
        mismatch: mk(s, -1, -1, -1, r.cycles, 1, 0, `the NPU finished ${r.dones} of ${m} inferences in ${r.cycles} cycles`),
      };
    const seen = c.layers.map((l) => new Uint8Array(l.outputs));
    for (; ti < r.trace.length && r.trace[ti]!.cycle < doneAt; ti++) {
      const [layer, index, pe, data] = r.trace[ti]!.fields.map((f, k) => (k === 3 ? signedOf(f) : Number(f))) as [
        number,
        number,
        number,
        number,
      ];
      const want = expected[s]![layer]?.[index];
      if (want === undefined)
        return {
          compared,
          mismatch: mk(s, layer, index, pe, r.trace[ti]!.cycle, NaN, data, 'the NPU wrote an output the layer does not have'),
        };
      if (want !== data)
        return { compared, mismatch: mk(s, layer, index, pe, r.trace[ti]!.cycle, want, data, 'output differs from the integer reference') };
      seen[layer]![index] = 1;
      compared++;
    }
    for (let li = 0; li < c.layers.length; li++) {
      const missing = seen[li]!.indexOf(0);
      if (missing >= 0)
        return {
          compared,
          mismatch: mk(s, li, missing, -1, doneAt, expected[s]![li]![missing]!, undefined, 'the NPU never wrote this output'),
        };
    }
    // The out-stream carries the streamed layers' accumulators in program order: the prediction is the first maximum of the last layer's.
    const words = Float64Array.from(r.output.slice(s * streamed, (s + 1) * streamed), signedOf);
    onStream?.(start + s, words);
    const logits = words.subarray(streamed - c.layers.at(-1)!.outputs);
    predictions[start + s] = argmaxRows(c.outputOf ? modelOrder(logits, 1, c.outputOf) : logits, 1)[0]!;
    cyclesMeasured[start + s] = doneAt + 1 - (s === 0 ? 0 : r.doneCycles[s - 1]! + 1);
  }
  return { compared };
}

/** Fault masks that turn the clean network's stored weights into the flipped one's (NTV storage through the fault port). */
export function faultMasks(clean: CompiledNetwork, flipped: CompiledNetwork): Uint32Array[] {
  return clean.weights.map((w, p) => w.map((v, a) => v ^ flipped.weights[p]![a]!));
}
