import type { ModuleCommand, ModuleResponse } from '../models/module-protocol.js';
import { codeBits, fromWord, toWord } from '../models/pe-arith.js';
import { encodeKneaded, SAC_MEM, type SacFormat } from '../models/sac-pe-model.js';
import { kneadColumn, weightColumn } from './knead.js';

/** A layer as the SAC PE holds it: every output's kneaded words back to back, where each output starts, and how many words it has. */
export interface SacLayerImage {
  words: bigint[];
  bases: number[];
  counts: number[];
}

/**
 * Knead a (fanIn x outputs) weight matrix into the SAC PE's word memory. An output whose weights are all 0
 * still gets one empty word (marked last), so the PE finishes it with the bias alone.
 */
export function sacLayerImage(f: SacFormat, codes: ArrayLike<number>, fanIn: number, outputs: number): SacLayerImage {
  const empty = new Array<null>(f.lanes).fill(null);
  const img: SacLayerImage = { words: [], bases: [], counts: [] };
  for (let j = 0; j < outputs; j++) {
    const groups = kneadColumn(weightColumn(codes, fanIn, outputs, j), f.group, f.lanes);
    img.bases.push(img.words.length);
    const flat = groups.flatMap((g) => g.words.map((w) => ({ w, group: g.group })));
    if (!flat.length) flat.push({ w: empty, group: 0 });
    flat.forEach((x, i) => img.words.push(encodeKneaded(f, x.w, x.group, i === flat.length - 1)));
    img.counts.push(flat.length);
  }
  return img;
}

/** Write a layer's kneaded words and biases into the SAC PE's memories at the given addresses. */
export function sacLoadCommands(image: SacLayerImage, bias: ArrayLike<number>, at: { kbase: number; bbase: number }): ModuleCommand[] {
  return [
    { kind: 'write', sel: SAC_MEM.kneaded, addr: at.kbase, words: image.words },
    { kind: 'write', sel: SAC_MEM.biases, addr: at.bbase, words: Array.from(bias, (b) => BigInt.asUintN(64, BigInt(b))) },
  ];
}

/** Cycles the SAC PE spends on an output of `words` kneaded words: the start cycle, one per word, the finishing cycle. */
export const sacOutputCycles = (words: number) => words + 2;

export interface SacLayerRun {
  /** Per row and output (row-major): the accumulator after bias and ReLU, and the requantised code. */
  accOut: Float64Array;
  codes: Int32Array;
  /** Cycles from start to done of each output, as the PE counted them. */
  cycles: Int32Array;
}

/**
 * Run a layer on a SAC PE (RTL session or model): load its kneaded words and biases once, then for each
 * row of input codes (a dense layer's input, or a convolution's patch) load the activations and run every
 * output from `start` until `done`.
 */
export interface SacLayerWork {
  image: SacLayerImage;
  bias: ArrayLike<number>;
  rows: ArrayLike<number>;
  nRows: number;
  fanIn: number;
  relu: boolean;
  shift: number;
  /** Where the image and the biases already sit in the PE's memories (the whole network loaded once); absent: written at 0 first. */
  loaded?: { kbase: number; bbase: number };
}

export async function runSacLayer(
  run: (cmds: readonly ModuleCommand[]) => Promise<ModuleResponse[]> | ModuleResponse[],
  f: SacFormat,
  o: SacLayerWork,
): Promise<SacLayerRun> {
  const outputs = o.image.bases.length;
  const cw = codeBits(f.pe);
  const at = o.loaded ?? { kbase: 0, bbase: 0 };
  await run([
    { kind: 'set', port: 'start', value: 0n },
    ...(o.loaded ? [] : sacLoadCommands(o.image, o.bias, at)),
    { kind: 'set', port: 'relu', value: o.relu ? 1n : 0n },
    { kind: 'set', port: 'shift', value: BigInt.asUintN(7, BigInt(o.shift)) },
  ]);
  const r: SacLayerRun = {
    accOut: new Float64Array(o.nRows * outputs),
    codes: new Int32Array(o.nRows * outputs),
    cycles: new Int32Array(o.nRows * outputs),
  };
  for (let row = 0; row < o.nRows; row++) {
    const cmds: ModuleCommand[] = [
      {
        kind: 'write',
        sel: SAC_MEM.activations,
        addr: 0,
        words: Array.from({ length: o.fanIn }, (_, t) => BigInt(toWord(o.rows[row * o.fanIn + t]!, cw))),
      },
    ];
    for (let j = 0; j < outputs; j++) {
      cmds.push(
        { kind: 'set', port: 'kbase', value: BigInt(at.kbase + o.image.bases[j]!) },
        { kind: 'set', port: 'baddr', value: BigInt(at.bbase + j) },
        { kind: 'set', port: 'start', value: 1n },
      );
      // The PE takes `start` only when idle: it is dropped in the cycle it is taken, so one run is one output.
      cmds.push({ kind: 'run', cycles: o.image.counts[j]! + 8, dones: 1 }, { kind: 'set', port: 'start', value: 0n }, { kind: 'peek' });
    }
    const res = await run(cmds);
    let j = 0;
    for (const x of res) {
      if (x.kind === 'run') {
        if (x.result.dones !== 1)
          throw new Error(`the SAC PE did not finish output ${j} of row ${row} within ${o.image.counts[j]! + 8} cycles`);
        r.cycles[row * outputs + j] = x.result.cycles;
      } else if (x.kind === 'peek') {
        r.accOut[row * outputs + j] = fromWord(Number(x.values[1]!), f.pe.accBits);
        r.codes[row * outputs + j] = fromWord(Number(x.values[2]!), cw);
        j++;
      }
    }
  }
  return r;
}
