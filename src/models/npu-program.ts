/**
 * The NPU's layer program, as 32-bit words (rtl-templates/npu.v.hbs reads the same format): word 0 = number
 * of layers, word 1 = input codes per sample, then INSTRUCTION_WORDS words per layer, and EXTENSION_WORDS
 * more for an extended instruction (buffer offsets, the Hadamard step; NPUs generated with hadamard=1).
 *
 * A MAC layer is a convolution over an H x W x C input with a K x K window (dense: H = W = K = 1, C = fan-in);
 * its F outputs per position are computed P at a time ("groups"). Max pooling takes K x K windows, stride K.
 */
export const INSTRUCTION_WORDS = 8;
export const EXTENSION_WORDS = 3;
export const PROGRAM_HEADER_WORDS = 2;

/**
 * AXNet's Hadamard step on a MAC layer's outputs (the paper's Figure 5b): output j's code, after ReLU and
 * requantisation, is multiplied on the PE's second multiplier by the control code at `offset + j` of
 * activation buffer `buf`, and that product is requantised by `shift` into the code written.
 */
export interface HadamardStep {
  buf: 0 | 1;
  offset: number;
  shift: number;
}

export type LayerOp = 'mac' | 'pool';

export interface Instruction {
  op: LayerOp;
  relu: boolean;
  /** The last layer: its accumulators stream out instead of codes being written. */
  last: boolean;
  /** Activation buffer read (0 or 1); the other one is written. */
  src: 0 | 1;
  /** Requantisation shift (value * 2^shift), -64..15. */
  shift: number;
  pad: number;
  k: number;
  h: number;
  w: number;
  c: number;
  /** Outputs per position (filters, units; for pooling, C). */
  f: number;
  oh: number;
  ow: number;
  fanIn: number;
  groups: number;
  /** Per-PE weight and bias addresses of this layer's first group. */
  wbase: number;
  bbase: number;
  /** Extended instruction: where the layer reads its input in the source buffer and writes its outputs in the other (default 0). */
  srcOffset?: number;
  dstOffset?: number;
  hadamard?: HadamardStep;
}

/** The fields an instruction leaves at their neutral values: one 1 x 1 position, one input, one output, no shift. */
const NEUTRAL: Omit<Instruction, 'op'> = {
  relu: false,
  last: false,
  src: 0,
  shift: 0,
  pad: 0,
  k: 1,
  h: 1,
  w: 1,
  c: 1,
  f: 1,
  oh: 1,
  ow: 1,
  fanIn: 1,
  groups: 1,
  wbase: 0,
  bbase: 0,
};

/** An instruction from the fields that matter; the rest neutral. */
export const instruction = (op: LayerOp, fields: Partial<Instruction> = {}): Instruction => ({ op, ...NEUTRAL, ...fields });

/** An instruction needs the extension words when it reads or writes at an offset or has a Hadamard step. */
export const isExtended = (l: Instruction) => Boolean(l.srcOffset || l.dstOffset || l.hadamard);
export const instructionWords = (l: Instruction) => INSTRUCTION_WORDS + (isExtended(l) ? EXTENSION_WORDS : 0);

export interface Program {
  inputSize: number;
  layers: Instruction[];
}

const u16 = (v: number, what: string) => {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${what} = ${v} does not fit the program's 16-bit field`);
  return v;
};
const u24 = (v: number, what: string) => {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffff) throw new RangeError(`${what} = ${v} does not fit the program's 24-bit field`);
  return v;
};

const checkShift = (shift: number) => {
  if (shift < -64 || shift > 15) throw new RangeError(`shift ${shift} outside -64..15`);
  return shift & 0x7f;
};

export function encodeProgram(p: Program): Uint32Array {
  const words = new Uint32Array(PROGRAM_HEADER_WORDS + p.layers.reduce((a, l) => a + instructionWords(l), 0));
  words[0] = p.layers.length;
  words[1] = u24(p.inputSize, 'input size');
  let o = PROGRAM_HEADER_WORDS;
  for (const l of p.layers) {
    const shift = checkShift(l.shift);
    if (l.pad > 15 || l.k > 255) throw new RangeError(`pad ${l.pad} or k ${l.k} too large`);
    const ext = isExtended(l);
    words[o] =
      ((l.op === 'pool' ? 1 : 0) |
        (l.relu ? 4 : 0) |
        (l.last ? 8 : 0) |
        (l.src << 4) |
        (ext ? 0x20 : 0) |
        (l.hadamard ? 0x40 : 0) |
        (shift << 8) |
        (l.pad << 16) |
        (l.k << 24)) >>>
      0;
    words[o + 1] = (u16(l.h, 'H') | (u16(l.w, 'W') << 16)) >>> 0;
    words[o + 2] = (u16(l.c, 'C') | (u16(l.f, 'F') << 16)) >>> 0;
    words[o + 3] = (u16(l.oh, 'OH') | (u16(l.ow, 'OW') << 16)) >>> 0;
    words[o + 4] = u24(l.fanIn, 'fan-in');
    words[o + 5] = u16(l.groups, 'groups');
    words[o + 6] = u24(l.wbase, 'weight base');
    words[o + 7] = u24(l.bbase, 'bias base');
    // Mutants left alive below (ConditionalExpression): a plain instruction's extension words land on the next instruction's first words,
    // which are written after them (or past the end)
    // Stryker disable next-line ConditionalExpression: equivalent, see above
    if (ext) {
      const h = l.hadamard;
      if (h && l.op !== 'mac') throw new RangeError('a Hadamard step follows a MAC layer');
      words[o + 8] = u24(l.srcOffset ?? 0, 'source offset');
      words[o + 9] = u24(l.dstOffset ?? 0, 'destination offset');
      words[o + 10] = h ? (u24(h.offset, 'control offset') | (h.buf << 24) | (checkShift(h.shift) << 25)) >>> 0 : 0;
    }
    o += instructionWords(l);
  }
  return words;
}

const shiftOf = (s7: number) => (s7 >= 64 ? s7 - 128 : s7);

/** The program in `words`; extension words are read only where `extended` (an NPU generated with hadamard=1) says the controller reads
 * them. */
export function decodeProgram(words: ArrayLike<number>, extended = true): Program {
  const n = words[0]! & 0xff;
  const layers: Instruction[] = [];
  let o = PROGRAM_HEADER_WORDS;
  for (let i = 0; i < n; i++) {
    const w0 = words[o]!;
    const l: Instruction = {
      op: (w0 & 3) === 1 ? 'pool' : 'mac',
      relu: (w0 & 4) !== 0,
      last: (w0 & 8) !== 0,
      src: ((w0 >>> 4) & 1) as 0 | 1,
      shift: shiftOf((w0 >>> 8) & 0x7f),
      pad: (w0 >>> 16) & 0xf,
      k: (w0 >>> 24) & 0xff,
      h: words[o + 1]! & 0xffff,
      w: words[o + 1]! >>> 16,
      c: words[o + 2]! & 0xffff,
      f: words[o + 2]! >>> 16,
      oh: words[o + 3]! & 0xffff,
      ow: words[o + 3]! >>> 16,
      fanIn: words[o + 4]! & 0xffffff,
      groups: words[o + 5]! & 0xffff,
      wbase: words[o + 6]! & 0xffffff,
      bbase: words[o + 7]! & 0xffffff,
    };
    o += INSTRUCTION_WORDS;
    if (extended && w0 & 0x20) {
      l.srcOffset = words[o]! & 0xffffff;
      l.dstOffset = words[o + 1]! & 0xffffff;
      const h = words[o + 2]!;
      if (w0 & 0x40) l.hadamard = { buf: ((h >>> 24) & 1) as 0 | 1, offset: h & 0xffffff, shift: shiftOf((h >>> 25) & 0x7f) };
      o += EXTENSION_WORDS;
    }
    layers.push(l);
  }
  return { inputSize: words[1]! & 0xffffff, layers };
}

/** PEs that produce outputs in group g of a MAC layer. */
export const validInGroup = (l: Instruction, P: number, g: number) => Math.min(P, l.f - g * P);

/** Cycles of the header: S_BOOT reads word 0, S_HDR0 takes it and reads word 1, S_HDR1 takes word 1. */
export const HEADER_CYCLES = 3;

/**
 * Clock cycles of one inference, from the program alone (the RTL's controller, counted): 3 header cycles,
 * one per input code, and per layer its instruction's words plus one (the fetch runs a word ahead: 9 cycles,
 * 12 for an extended instruction) plus, for a MAC layer, per group and output position fan-in MAC cycles,
 * a finishing cycle, the PEs' finishing cycle after it and one write per valid PE; for pooling one cycle per
 * window element and one for the last window's maximum; then one done cycle. The reads are synchronous
 * (rtl-templates/npu.v.hbs): the extra cycles are the pipeline's. `npu run` checks it against the simulation.
 */
export function cycleModel(p: Program, P: number): { total: number; perLayer: number[] } {
  const perLayer = p.layers.map((l) => {
    let c = instructionWords(l) + 1;
    if (l.op === 'pool') c += l.oh * l.ow * l.c * l.k * l.k + 1;
    else for (let g = 0; g < l.groups; g++) c += l.oh * l.ow * (l.fanIn + 2 + validInGroup(l, P, g));
    return c;
  });
  return { total: HEADER_CYCLES + p.inputSize + perLayer.reduce((a, b) => a + b, 0) + 1, perLayer };
}
