import { CycleModel, type HostWrite } from './cycle-model.js';
import { codeBits, codeRange, fromWord, requantise, saturate, toWord, type PeFormat } from './pe-arith.js';
import { addressBits, clog2 } from '../util/bits.js';

/** A one bit of a weight's magnitude in a kneaded word: which weight of the group (its activation) and the weight's sign. */
export interface KneadEntry {
  index: number;
  negative: boolean;
}

/** One kneaded weight: per lane (magnitude bit 0 first), the entry placed there, or null (src/tetris/knead.ts builds them). */
export type KneadedWord = (KneadEntry | null)[];

/** The SAC PE's host-port memories. */
export const SAC_MEM = { kneaded: 0, activations: 1, biases: 2 } as const;
/** The SAC PE's settable inputs, in port order. */
export const SAC_INPUTS = ['start', 'kbase', 'baddr', 'relu', 'shift'] as const;

/**
 * Shape of a split-and-accumulate PE: the MAC PE's number formats (activation codes, weights as sign and
 * magnitude), `lanes` magnitude bits (one segment each), kneading groups of `group` activations held in as
 * many activation banks of `rows` words.
 */
export interface SacFormat {
  pe: PeFormat;
  /** Segment width in bits (saturating), at most the accumulator's. */
  seg: number;
  lanes: number;
  group: number;
  rows: number;
}

/** Kneaded word layout, least significant first: per lane {index (log2 G bits), negative, valid}, then the group row, then `last`. */
export function sacLayout(f: SacFormat) {
  const gi = clog2(f.group);
  const laneBits = gi + 2;
  const ga = addressBits(f.rows);
  return { gi, laneBits, ga, groupAt: f.lanes * laneBits, lastAt: f.lanes * laneBits + ga, wordBits: f.lanes * laneBits + ga + 1 };
}

/** A kneaded word as stored: its entries, the activation group it reads, and whether it ends the output's sum. */
export function encodeKneaded(f: SacFormat, word: KneadedWord, group: number, last: boolean): bigint {
  const l = sacLayout(f);
  if (word.length !== f.lanes) throw new Error(`a kneaded word has ${f.lanes} lanes, not ${word.length}`);
  if (group < 0 || group >= f.rows) throw new Error(`activation group ${group} is outside the ${f.rows} rows of the activation banks`);
  let v = 0n;
  word.forEach((e, b) => {
    if (!e) return;
    if (e.index < 0 || e.index >= f.group) throw new Error(`entry index ${e.index} is outside a group of ${f.group}`);
    const lane = BigInt(e.index) | (BigInt(e.negative ? 1 : 0) << BigInt(l.gi)) | (1n << BigInt(l.gi + 1));
    v |= lane << BigInt(b * l.laneBits);
  });
  return v | (BigInt(group) << BigInt(l.groupAt)) | (BigInt(last ? 1 : 0) << BigInt(l.lastAt));
}

export function decodeKneaded(
  f: SacFormat,
  v: bigint,
): { lanes: { valid: boolean; negative: boolean; index: number }[]; group: number; last: boolean } {
  const l = sacLayout(f);
  const field = (at: number, bits: number) => Number((v >> BigInt(at)) & ((1n << BigInt(bits)) - 1n));
  const lanes = Array.from({ length: f.lanes }, (_, b) => ({
    index: field(b * l.laneBits, l.gi),
    negative: field(b * l.laneBits + l.gi, 1) === 1,
    valid: field(b * l.laneBits + l.gi + 1, 1) === 1,
  }));
  return { lanes, group: field(l.groupAt, l.ga), last: field(l.lastAt, 1) === 1 };
}

/**
 * The SAC PE, cycle by cycle (rtl-templates/sac-pe.v.hbs). Idle until `start`; then one kneaded word per
 * cycle from `kbase` on, each lane adding its activation (negated for a negative weight) into its
 * saturating segment (`seg` bits), until a word marked `last`; then one finishing cycle (segments shifted
 * and added, saturated to the accumulator, plus bias, ReLU, requantisation: the MAC PE's rule) with `done`
 * high. Outputs (PEEK): acc (the saturated shift-add of the segments in the finishing cycle, else 0),
 * acc_out, code_out as unsigned words.
 */
export class SacPeModel extends CycleModel {
  private readonly kmem: bigint[];
  private readonly acts: Float64Array;
  private readonly bmem: Float64Array;
  private readonly seg: number[];
  private state: 'idle' | 'run' | 'fin' = 'idle';
  private kaddr = 0;
  // Stryker disable next-line BooleanLiteral: set on every start, before any word is read
  private first = false;
  private accOut = 0;
  private codeOut = 0;

  constructor(
    private readonly f: SacFormat,
    private readonly depth: { k: number; b: number },
  ) {
    super('SAC PE', SAC_INPUTS);
    this.kmem = new Array<bigint>(depth.k).fill(0n);
    this.acts = new Float64Array(f.rows * f.group);
    this.bmem = new Float64Array(depth.b);
    // Stryker disable next-line ArrayDeclaration: the first word after a start sets every lane
    this.seg = new Array<number>(f.lanes).fill(0);
  }

  /** acc is the shift-added segments in the finishing cycle, 0 otherwise (its adders are isolated). */
  protected peek(): bigint[] {
    const a = this.f.pe.accBits;
    return [
      BigInt.asUintN(a, BigInt(this.done() ? this.total() : 0)),
      BigInt.asUintN(a, BigInt(this.accOut)),
      BigInt(toWord(this.codeOut, codeBits(this.f.pe))),
    ];
  }

  protected override done(): boolean {
    return this.state === 'fin';
  }

  /** The segments shifted by their bit position and added, saturated to the accumulator. */
  private total(): number {
    return saturate(
      this.seg.reduce((t, v, b) => t + v * 2 ** b, 0),
      this.f.pe.accBits,
    );
  }

  protected read(sel: number, addr: number): bigint {
    if (sel === SAC_MEM.kneaded) return this.kmem[addr]!;
    if (sel === SAC_MEM.activations) return BigInt(toWord(this.acts[addr]!, codeBits(this.f.pe)));
    return BigInt.asUintN(64, BigInt(this.bmem[addr]!));
  }

  /** One clock edge: every register takes the value computed from the state before it. */
  protected tick(write?: HostWrite): void {
    const f = this.f;
    const get = (n: (typeof SAC_INPUTS)[number]) => this.input(n);
    if (this.state === 'idle') {
      if (get('start')) {
        this.kaddr = get('kbase');
        this.first = true;
        this.state = 'run';
      }
    } else if (this.state === 'run') {
      const w = decodeKneaded(f, this.kmem[this.kaddr]!);
      w.lanes.forEach((e, b) => {
        const a = e.valid ? this.acts[w.group * f.group + e.index]! : 0;
        const term = e.negative ? -a : a;
        this.seg[b] = this.first ? term : saturate(this.seg[b]! + term, f.seg);
      });
      this.first = false;
      this.kaddr = (this.kaddr + 1) % 2 ** addressBits(this.depth.k);
      if (w.last) this.state = 'fin';
    } else {
      const biased = saturate(this.total() + this.bmem[get('baddr')]!, f.pe.accBits);
      // Stryker disable next-line EqualityOperator: ReLU of 0 is 0 either way
      const v = get('relu') && biased < 0 ? 0 : biased;
      const { qmin, qmax } = codeRange(f.pe);
      this.accOut = v;
      this.codeOut = requantise(v, fromWord(get('shift'), 7), qmin, qmax);
      this.state = 'idle';
    }
    if (write) {
      if (write.sel === SAC_MEM.kneaded) this.kmem[write.addr] = BigInt.asUintN(sacLayout(f).wordBits, write.value);
      else if (write.sel === SAC_MEM.activations)
        this.acts[write.addr] = fromWord(Number(BigInt.asUintN(codeBits(f.pe), write.value)), codeBits(f.pe));
      else this.bmem[write.addr] = fromWord(Number(BigInt.asUintN(f.pe.accBits, write.value)), f.pe.accBits);
    }
  }
}
