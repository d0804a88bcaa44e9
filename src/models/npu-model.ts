import type { ModuleCommand, ModuleModel, ModuleResponse, RunResult } from './module-protocol.js';
import {
  codeBits,
  codeRange,
  fromWord,
  hadamardCode,
  multiplierOperands,
  peProduct,
  requantise,
  saturate,
  toWord,
  weightBits,
  type PeFormat,
} from './pe-arith.js';
import { cycleModel, decodeProgram, HEADER_CYCLES, instructionWords, PROGRAM_HEADER_WORDS, validInGroup } from './npu-program.js';

/** Memories of the NPU's host port. */
export const NPU_MEM = { program: 0, act0: 1, act1: 2, weights: 3, faults: 4, biases: 5 } as const;

export interface NpuGeometry {
  P: number;
  format: PeFormat;
  /** Words per PE of the weight (and fault mask) and bias memories, of each activation buffer, of the program. */
  wdepth: number;
  bdepth: number;
  adepth: number;
  pdepth: number;
  /** Address bits of a PE's weight and bias memories (the host address is pe << bits | word). */
  wa: number;
  ba: number;
  /** PEs with AXNet's Hadamard step, and a controller that reads extended instructions (hadamard=1). */
  hadamard: boolean;
  /** PEs on the NPU's second (approximate) multiplier: 0, every PE on the first. Which PEs: `amask`, else 0 .. apes - 1. */
  apes: number;
  /** Which PEs carry the second multiplier, one digit per PE, PE 0 first ('0101': PEs 1 and 3); empty or absent: PEs 0 .. apes - 1. */
  amask?: string;
}

/** The NPU's split of its PEs between two multipliers (NpuGeometry's `apes` and `amask`). */
export type PeSplit = Pick<NpuGeometry, 'apes' | 'amask'>;

/** The PEs a mask marks (its 1s): the apes it stands for. */
export const markedPes = (amask: string): number => [...amask].filter((d) => d === '1').length;

/** Whether PE `pe` multiplies on the second multiplier. */
export const onSecond = (s: PeSplit, pe: number): boolean => (s.amask ? s.amask[pe] === '1' : pe < s.apes);

/**
 * The multipliers' result codes (index a << N | b): one table every PE uses, or one per PE (a heterogeneous
 * NPU, its PEs on different multipliers of one number format).
 */
export type PeTables = ArrayLike<number> | { perPe: readonly ArrayLike<number>[] };

/** Accesses of one memory: reads on its datapath port, writes on its one write port (host or datapath). */
export interface MemoryAccess {
  reads: number;
  writes: number;
}

/**
 * The accesses of every memory of the NPU, as its RTL enables them (rtl-templates/npu.v.hbs, pe.v.hbs): the
 * program, the two activation buffers, and each PE's weight, fault-mask and bias memories.
 */
export interface NpuAccesses {
  prog: MemoryAccess;
  act: [MemoryAccess, MemoryAccess];
  wmem: MemoryAccess[];
  fmask: MemoryAccess[];
  bmem: MemoryAccess[];
}

const noAccesses = (P: number): NpuAccesses => {
  const each = () => Array.from({ length: P }, () => ({ reads: 0, writes: 0 }));
  return {
    prog: { reads: 0, writes: 0 },
    act: [
      { reads: 0, writes: 0 },
      { reads: 0, writes: 0 },
    ],
    wmem: each(),
    fmask: each(),
    bmem: each(),
  };
};

/**
 * The NPU at transaction level: memories as the host port writes them, and whole inferences run from the
 * program, with the trace records and cycle numbers the RTL produces (cycle numbers follow the controller's
 * timing, npu-program.ts `cycleModel`). `y` holds the multiplier's result codes, indexed a << N | b. An NPU
 * without the Hadamard step reads every instruction as 8 words, as its controller does.
 */
export class NpuModel implements ModuleModel {
  private prog: Uint32Array;
  private act: [Int32Array, Int32Array];
  private w: Uint32Array[];
  private fault: Uint32Array[];
  private bias: Float64Array[];
  /** Every memory access since construction or the last `resetAccesses`. */
  accesses: NpuAccesses;

  /** Each PE's multiplier table. */
  private readonly y: readonly ArrayLike<number>[];

  constructor(
    readonly geo: NpuGeometry,
    tables: PeTables,
    /** Sees every product the PEs' MAC multipliers compute, in order: PE, and the codes on the multiplier's ports. */
    private readonly onMultiply?: (pe: number, a: number, b: number) => void,
  ) {
    const perPe = 'perPe' in tables ? tables.perPe : undefined;
    if (perPe && perPe.length !== geo.P) throw new Error(`the NPU model has ${geo.P} PEs and ${perPe.length} multiplier tables`);
    this.y = perPe ?? Array.from({ length: geo.P }, () => tables as ArrayLike<number>);
    this.prog = new Uint32Array(geo.pdepth);
    this.act = [new Int32Array(geo.adepth), new Int32Array(geo.adepth)];
    this.w = Array.from({ length: geo.P }, () => new Uint32Array(geo.wdepth));
    this.fault = Array.from({ length: geo.P }, () => new Uint32Array(geo.wdepth));
    this.bias = Array.from({ length: geo.P }, () => new Float64Array(geo.bdepth));
    this.accesses = noAccesses(geo.P);
  }

  /** Start counting accesses afresh (where a costed run zeroes its counts). */
  resetAccesses(): void {
    this.accesses = noAccesses(this.geo.P);
  }

  run(commands: readonly ModuleCommand[]): ModuleResponse[] {
    return commands.map((c): ModuleResponse => {
      switch (c.kind) {
        case 'write':
          c.words.forEach((v, i) => this.write(c.sel, c.addr + i, v));
          return { kind: 'write' };
        case 'read':
          return { kind: 'read', words: Array.from({ length: c.n }, (_, i) => this.read(c.sel, c.addr + i)) };
        case 'set':
          throw new Error(`the NPU has no settable input '${c.port}'`);
        case 'reset':
          return { kind: 'reset' };
        case 'peek':
          return { kind: 'peek', values: [] };
        case 'run':
          if (c.stall) throw new Error('the NPU model has no stalls: it states the unstalled timing (outputs do not depend on stalls)');
          return { kind: 'run', result: this.infer(c.input ?? [], c.dones ?? 0, c.cycles) };
      }
    });
  }

  private pe(addr: number, bits: number): [number, number] {
    return [Math.floor(addr / 2 ** bits), addr % 2 ** bits];
  }

  private write(sel: number, addr: number, v: bigint): void {
    const g = this.geo;
    const n = Number(v);
    const count = this.accesses;
    if (sel === NPU_MEM.program) {
      this.prog[addr % g.pdepth] = n >>> 0;
      count.prog.writes++;
    } else if (sel === NPU_MEM.act0 || sel === NPU_MEM.act1) {
      this.act[sel - 1]![addr % g.adepth] = n % 2 ** codeBits(g.format);
      count.act[sel - 1]!.writes++;
    } else if (sel === NPU_MEM.biases) {
      const [p, a] = this.pe(addr, g.ba);
      if (p < g.P) {
        this.bias[p]![a] = fromWord(Number(BigInt.asUintN(g.format.accBits, v)), g.format.accBits);
        count.bmem[p]!.writes++;
      }
    } else {
      const [p, a] = this.pe(addr, g.wa);
      if (p < g.P) {
        (sel === NPU_MEM.weights ? this.w : this.fault)[p]![a] = n % 2 ** weightBits(g.format);
        (sel === NPU_MEM.weights ? count.wmem : count.fmask)[p]!.writes++;
      }
    }
  }

  private read(sel: number, addr: number): bigint {
    const g = this.geo;
    if (sel === NPU_MEM.program) return BigInt(this.prog[addr % g.pdepth]!);
    if (sel === NPU_MEM.act0 || sel === NPU_MEM.act1) return BigInt(this.act[sel - 1]![addr % g.adepth]!);
    if (sel === NPU_MEM.biases) {
      const [p, a] = this.pe(addr, g.ba);
      return p < g.P ? BigInt.asUintN(64, BigInt(this.bias[p]![a]!)) : 0n;
    }
    const [p, a] = this.pe(addr, g.wa);
    return p < g.P ? BigInt((sel === NPU_MEM.weights ? this.w : this.fault)[p]![a]!) : 0n;
  }

  /** `dones` whole inferences on the stream `input`; throws if the cycle budget or the input runs out. */
  private infer(input: readonly bigint[], dones: number, budget: number): RunResult {
    const header = { layers: this.prog[0]!, inputSize: this.prog[1]! };
    const program = decodeProgram(this.prog, this.geo.hadamard);
    const { P, format: f, adepth } = this.geo;
    const cw = codeBits(f);
    const { qmin, qmax } = codeRange(f);
    const res: RunResult = { cycles: 0, dones: 0, consumed: 0, output: [], trace: [], doneCycles: [] };
    if (header.layers === 0) throw new Error('the NPU model runs whole inferences: no program is loaded');
    let cycle = 0;
    const count = this.accesses;
    for (let s = 0; s < dones; s++) {
      if (res.consumed + program.inputSize > input.length)
        throw new Error(`the NPU model needs ${program.inputSize} input codes per inference; the stream ran out`);
      cycle += HEADER_CYCLES;
      count.prog.reads += PROGRAM_HEADER_WORDS;
      for (let i = 0; i < program.inputSize; i++) this.act[0][i] = Number(input[res.consumed++]!) % 2 ** cw;
      cycle += program.inputSize;
      count.act[0].writes += program.inputSize;
      program.layers.forEach((l, li) => {
        // the fetch reads a word ahead: one cycle more than the instruction's words
        cycle += instructionWords(l) + 1;
        count.prog.reads += instructionWords(l);
        const [soff, doff] = [l.srcOffset ?? 0, l.dstOffset ?? 0];
        const src = this.act[l.src];
        const dst = this.act[1 - l.src]!;
        const [srcCount, dstCount] = [count.act[l.src], count.act[1 - l.src]!];
        const value = (word: number) => fromWord(word, cw);
        const record = (index: number, pe: number, data: number) =>
          res.trace.push({ cycle, fields: [BigInt(li), BigInt(index), BigInt(pe), BigInt.asUintN(f.accBits, BigInt(data))] });
        if (l.op === 'pool') {
          for (let oy = 0; oy < l.oh; oy++)
            for (let ox = 0; ox < l.ow; ox++)
              for (let c = 0; c < l.c; c++) {
                let m = -Infinity;
                for (let ky = 0; ky < l.k; ky++)
                  for (let kx = 0; kx < l.k; kx++)
                    m = Math.max(m, value(src[(soff + ((oy * l.k + ky) * l.w + ox * l.k + kx) * l.c + c) % adepth]!));
                // the maximum is written in the cycle after its window's last read
                cycle += l.k * l.k;
                srcCount.reads += l.k * l.k;
                const index = (oy * l.ow + ox) * l.f + c;
                dst[(doff + index) % adepth] = toWord(m, cw);
                dstCount.writes++;
                record(index, P, m);
              }
          cycle++;
          return;
        }
        const acc = new Float64Array(P);
        for (let g = 0; g < l.groups; g++) {
          const nvalid = validInGroup(l, P, g);
          for (let oy = 0; oy < l.oh; oy++)
            for (let ox = 0; ox < l.ow; ox++) {
              acc.fill(0);
              let t = 0;
              for (let ky = 0; ky < l.k; ky++)
                for (let kx = 0; kx < l.k; kx++)
                  for (let c = 0; c < l.c; c++, t++) {
                    const iy = oy + ky - l.pad;
                    const ix = ox + kx - l.pad;
                    const inWindow = iy >= 0 && ix >= 0 && iy < l.h && ix < l.w;
                    const a = inWindow ? value(src[(soff + (iy * l.w + ix) * l.c + c) % adepth]!) : 0;
                    if (inWindow) srcCount.reads++;
                    for (let p = 0; p < P; p++) {
                      const addr = l.wbase + g * l.fanIn + t;
                      const word = this.w[p]![addr]! ^ this.fault[p]![addr]!;
                      const prod = peProduct(f, this.y[p]!, a, word);
                      if (this.onMultiply) this.onMultiply(p, ...multiplierOperands(f, a, word));
                      acc[p] = t === 0 ? prod : saturate(acc[p]! + prod, f.accBits);
                    }
                  }
              // fan-in MAC issues, the finish's issue, the PEs' finish
              cycle += l.fanIn + 2;
              // Every PE multiplies in every MAC step and finishes (reads its bias) in the finishing cycle.
              for (let p = 0; p < P; p++) {
                count.wmem[p]!.reads += l.fanIn;
                count.fmask[p]!.reads += l.fanIn;
                count.bmem[p]!.reads++;
              }
              const pos = oy * l.ow + ox;
              for (let p = 0; p < nvalid; p++) {
                let v = saturate(acc[p]! + this.bias[p]![l.bbase + g]!, f.accBits);
                if (l.relu && v < 0) v = 0;
                const index = pos * l.f + g * P + p;
                if (l.last) {
                  res.output.push(BigInt.asUintN(f.accBits, BigInt(v)));
                  record(index, p, v);
                } else {
                  let code = requantise(v, l.shift, qmin, qmax);
                  // The Hadamard step: the control code read while this output is written, on the PE's second multiplier.
                  const h = l.hadamard;
                  if (h) {
                    code = hadamardCode(f, this.y[p]!, code, value(this.act[h.buf][(h.offset + index) % adepth]!), h.shift);
                    count.act[h.buf].reads++;
                  }
                  dst[(doff + index) % adepth] = toWord(code, cw);
                  dstCount.writes++;
                  record(index, p, code);
                }
                cycle++;
              }
            }
        }
      });
      res.doneCycles.push(cycle);
      cycle++;
      res.dones++;
      if (cycle > budget) throw new Error(`the NPU model needs more than ${budget} cycles for ${dones} inferences`);
    }
    res.cycles = cycle;
    // The analytical model and the walk above must agree (both state the controller's timing).
    const expected = cycleModel(program, P).total * dones;
    if (expected !== cycle) throw new Error(`NPU model: walked ${cycle} cycles, the cycle model says ${expected}`);
    return res;
  }
}
