import { CycleModel, type HostWrite } from './cycle-model.js';
import {
  codeBits,
  codeRange,
  fromWord,
  hadamardCode,
  peProduct,
  requantise,
  requantiseCorners,
  saturate,
  saturateCorners,
  toWord,
  weightBits,
  type CornerSink,
  type PeFormat,
} from './pe-arith.js';

/** The PE's host-port memories. */
export const PE_MEM = { weights: 0, faults: 1, biases: 2 } as const;
/** The PE's settable inputs, in port order. */
export const PE_INPUTS = ['mac_en', 'mac_first', 'waddr', 'act', 'fin_en', 'baddr', 'relu', 'shift'] as const;
/** ... and those of a PE with the Hadamard step (hadamard=1). */
export const PE_HADAMARD_INPUTS = ['had_en', 'ctrl', 'hshift'] as const;

/**
 * The processing element, cycle by cycle: what its RTL does on each clock edge with the inputs held as set
 * (rtl-templates/pe.v.hbs). Two stages: an edge with mac_en (fin_en) registers the weight and fault-mask words
 * at waddr (the bias at baddr, with relu and shift) as the synchronous-read memories do, and the next edge
 * accumulates with them and the activation then set (finishes with the registered bias, relu and shift).
 * Outputs (PEEK) are acc, acc_out, code_out as unsigned words, and with the Hadamard step had_code, which
 * follows code_out and the inputs without a clock edge.
 */
export class PeModel extends CycleModel {
  private readonly wmem: Uint32Array;
  private readonly fmask: Uint32Array;
  private readonly bmem: Float64Array;
  private acc = 0;
  private accOut = 0;
  private codeOut = 0;
  /** The execute stage's registers: the issue's controls and the memories' read data. */
  private macQ = 0;
  private firstQ = 0;
  private finQ = 0;
  private wordQ = 0;
  private faultQ = 0;
  private biasQ = 0;
  private reluQ = 0;
  private shiftQ = 0;

  constructor(
    private readonly f: PeFormat,
    depth: { w: number; b: number },
    private readonly y: ArrayLike<number>,
    private readonly hadamard = false,
    /** Counts the directed corners (requantisation ties, shifts, saturation) the run passes through. */
    private readonly observe?: CornerSink,
  ) {
    super('PE', hadamard ? [...PE_INPUTS, ...PE_HADAMARD_INPUTS] : PE_INPUTS);
    this.wmem = new Uint32Array(depth.w);
    this.fmask = new Uint32Array(depth.w);
    this.bmem = new Float64Array(depth.b);
  }

  protected peek(): bigint[] {
    const cw = codeBits(this.f);
    const out = [this.acc, this.accOut].map((v) => BigInt.asUintN(this.f.accBits, BigInt(v))).concat(BigInt(toWord(this.codeOut, cw)));
    if (this.hadamard) {
      // Operands are zero outside had_en (operand isolation), so had_code is then requantise(P(0, 0)).
      const on = this.input('had_en') !== 0;
      const code = hadamardCode(
        this.f,
        this.y,
        on ? this.codeOut : 0,
        on ? fromWord(this.input('ctrl'), cw) : 0,
        fromWord(this.input('hshift'), 7),
      );
      out.push(BigInt(toWord(code, cw)));
    }
    return out;
  }

  protected read(sel: number, addr: number): bigint {
    if (sel === PE_MEM.weights) return BigInt(this.wmem[addr]!);
    if (sel === PE_MEM.faults) return BigInt(this.fmask[addr]!);
    return BigInt.asUintN(64, BigInt(this.bmem[addr]!));
  }

  /** One clock edge: every register takes the value computed from the state before it. */
  protected tick(write?: HostWrite): void {
    const f = this.f;
    const get = (n: (typeof PE_INPUTS)[number]) => this.input(n);
    const act = fromWord(get('act'), codeBits(f));
    const prod = peProduct(f, this.y, act, this.wordQ ^ this.faultQ);
    const biased = saturate(this.acc + this.biasQ, f.accBits);
    const o = this.observe;
    const v = this.reluQ && biased < 0 ? 0 : biased;
    const { qmin, qmax } = codeRange(f);
    const shift = this.shiftQ;
    if (this.macQ) {
      if (o && !this.firstQ) saturateCorners(this.acc + prod, f.accBits).forEach(o);
      this.acc = this.firstQ ? prod : saturate(this.acc + prod, f.accBits);
    }
    if (this.finQ) {
      o?.('finish');
      if (o) requantiseCorners(v, shift, qmin, qmax).forEach(o);
      this.accOut = v;
      this.codeOut = requantise(v, shift, qmin, qmax);
    }
    // The issue stage: reads take the words before this edge's write.
    [this.macQ, this.firstQ, this.finQ] = [get('mac_en'), get('mac_first'), get('fin_en')];
    if (this.macQ) [this.wordQ, this.faultQ] = [this.wmem[get('waddr')]!, this.fmask[get('waddr')]!];
    if (this.finQ) [this.biasQ, this.reluQ, this.shiftQ] = [this.bmem[get('baddr')]!, get('relu'), fromWord(get('shift'), 7)];
    if (write) {
      if (write.sel === PE_MEM.weights) this.wmem[write.addr] = Number(write.value) % 2 ** weightBits(f);
      else if (write.sel === PE_MEM.faults) this.fmask[write.addr] = Number(write.value) % 2 ** weightBits(f);
      else this.bmem[write.addr] = fromWord(Number(BigInt.asUintN(f.accBits, write.value)), f.accBits);
    }
  }
}
