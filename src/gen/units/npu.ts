import { memoryKindParam } from '../memory-kind.js';
import { defineModule, type ModulePorts } from '../module.js';
import type { Design } from '../design.js';
import type { ParamDecl, ParamsOf } from '../params.js';
import { addressBits } from '../../util/bits.js';
import { NPU_MEM, NpuModel, markedPes, onSecond, type NpuGeometry, type PeSplit, type PeTables } from '../../models/npu-model.js';
import { AxhwError } from '../../errors.js';
import { encodeProgram, instruction, type Instruction } from '../../models/npu-program.js';
import type { ModuleCommand } from '../module.js';
import { codeBits, codeRange, toWord, weightBits, weightWord, type PeFormat } from '../../models/pe-arith.js';
import { HADAMARD_PARAM, MAX_ACC_BITS, multiplierCodes, multiplierParam, peContext, peFormat, type PeParams } from './pe.js';

/** The NPU's geometry (memory sizes and address bits) from its parameters; `approx` is the second multiplier's design (apes > 0). */
export function npuGeometry(p: NpuParams, mult: Design, approx?: Design): NpuGeometry {
  const wdepth = p.wdepth;
  const bdepth = p.bdepth;
  return {
    P: p.p,
    format: npuFormat(p, mult, approx),
    wdepth,
    bdepth,
    adepth: p.adepth,
    pdepth: p.pdepth,
    wa: addressBits(wdepth),
    ba: addressBits(bdepth),
    hadamard: p.hadamard,
    apes: p.apes,
    ...(p.amask ? { amask: p.amask } : {}),
  };
}

/**
 * The PEs' number format, checked: with a second multiplier (apes > 0), both must take and give the same
 * codes (width, signedness, result width), so one compiled network runs on either kind of PE.
 */
export function npuFormat(p: NpuParams, mult: Design, approx?: Design): PeFormat {
  const f = peFormat(mult, p.acc);
  if (p.apes === 0) return f;
  if (!approx) throw new AxhwError(`npu: apes=${p.apes} needs the second multiplier (approx=<unit spec>).`, 'Set approx, or apes=0.');
  const g = peFormat(approx, p.acc);
  if (g.n !== f.n || g.signed !== f.signed || g.yWidth !== f.yWidth)
    throw new AxhwError(
      `npu: the two multipliers differ in number format: ${mult.top} ${describe(f)}, ${approx.top} ${describe(g)}.`,
      'Give approx the operand width and signedness of mult (e.g. mult=exact-mul:width=8, approx=drum:width=8,k=2).',
    );
  return f;
}
const describe = (f: PeFormat) => `${f.n}-bit ${f.signed ? 'signed' : 'unsigned'} operands, ${f.yWidth}-bit result`;

/** Each PE's multiplier result codes (index a << N | b): the PEs of the split (onSecond) on the second multiplier. */
export function peTables(p: NpuParams, children: Record<string, Design>): PeTables {
  const y = multiplierCodes(children.mult!);
  if (p.apes === 0) return y;
  const ya = multiplierCodes(children.approx!);
  return { perPe: Array.from({ length: p.p }, (_, i) => (onSecond(p, i) ? ya : y)) };
}

/** PE p's instance below the NPU (rtl-templates/npu.v.hbs): the generate block's name, per multiplier where there are two. */
export const peInstance = (p: number, s: PeSplit): string => `pe_array[${p}].${s.apes === 0 ? '' : onSecond(s, p) ? 'approx.' : 'first.'}u`;

/** The PE parameters an NPU instantiates. */
export const npuPeParams = (p: NpuParams): PeParams => ({
  mult: p.mult,
  acc: p.acc,
  wdepth: p.wdepth,
  bdepth: p.bdepth,
  hadamard: p.hadamard,
  wmem: p.wmem,
  bmem: p.bmem,
});

/** The NPU's memory roles, each a unit parameter naming its kind (src/gen/memory-kind.ts). */
export const NPU_MEMORY_ROLES = ['prog', 'abuf', 'wmem', 'bmem'] as const;
export type NpuMemoryRole = (typeof NPU_MEMORY_ROLES)[number];

const NPU_PARAMS = [
  multiplierParam("the PEs' multiplier: any registry operator spec (2..12-bit equal operands)"),
  { name: 'p', kind: 'int', min: 1, max: 64, default: 16, doc: 'processing elements' },
  {
    name: 'approx',
    kind: 'unit',
    default: '',
    optional: true,
    costGroup: 'multiplier',
    doc: "a second multiplier, of mult's number format, for PEs 0 .. apes - 1 or those amask marks (a heterogeneous NPU; empty: none)",
  },
  {
    name: 'apes',
    kind: 'int',
    min: 0,
    max: 64,
    default: 0,
    quietDefault: true,
    doc: 'PEs on the second multiplier (the compiler places each neuron on a PE of its own multiplier)',
  },
  {
    name: 'amask',
    kind: 'bits',
    default: '',
    doc:
      'which PEs carry the second multiplier, a digit per PE, PE 0 first (0101: PEs 1 and 3; its 1s number apes); ' +
      'empty: PEs 0 .. apes - 1',
  },
  { name: 'acc', kind: 'int', min: 8, max: MAX_ACC_BITS, default: 32, doc: 'accumulator width in bits (saturating)' },
  { name: 'wdepth', kind: 'int', min: 2, max: 1 << 20, default: 8192, doc: 'weight memory words per PE' },
  { name: 'bdepth', kind: 'int', min: 2, max: 1 << 16, default: 64, doc: 'bias memory words per PE' },
  { name: 'adepth', kind: 'int', min: 2, max: 1 << 22, default: 8192, doc: 'words of each activation buffer' },
  { name: 'pdepth', kind: 'int', min: 10, max: 1 << 12, default: 128, doc: 'program memory words' },
  HADAMARD_PARAM,
  memoryKindParam('prog', 'program memory'),
  memoryKindParam('abuf', 'two activation buffers'),
  memoryKindParam('wmem', "PEs' weight memories"),
  memoryKindParam('bmem', "PEs' bias memories"),
] as const satisfies readonly ParamDecl[];

export type NpuParams = ParamsOf<typeof NPU_PARAMS>;

export const npuUnit = defineModule({
  name: 'npu',
  description: 'neural processing unit: P PEs, layer program (dense, conv2d, max-pool), two activation buffers, valid/ready streams',
  params: NPU_PARAMS,
  rules: ['apes <= p', 'apes > 0 exactly when approx is given', 'amask empty, or p digits of which apes are 1'],
  check(p) {
    if (p.apes > p.p) return `apes = ${p.apes} exceeds the ${p.p} PEs (apes <= p).`;
    if (p.amask && p.amask.length !== p.p) return `amask = ${p.amask} has ${p.amask.length} digits for ${p.p} PEs (one digit per PE).`;
    const marked = markedPes(p.amask);
    if (p.amask && marked !== p.apes) return `amask = ${p.amask} marks ${marked} PEs and apes = ${p.apes} (apes counts the 1s of amask).`;
    if (p.apes > 0 && !p.approx) return `apes = ${p.apes} needs the second multiplier: set approx=<unit spec>.`;
    if (p.apes === 0 && p.approx) return `approx = ${p.approx} is on no PE: set apes (1 .. ${p.p}).`;
    return undefined;
  },
  template: 'npu.v.hbs',
  submodules: (p) => [
    { module: 'pe', params: npuPeParams(p) },
    ...(p.apes > 0
      ? [{ module: 'pe', params: { ...npuPeParams(p), mult: p.approx }, as: 'peApproxTop', children: { mult: 'approx' } }]
      : []),
  ],
  costGroup: 'control',
  memories(p, children) {
    const cw = codeBits(peFormat(children.mult!, p.acc));
    return [
      { name: 'prog', role: 'program memory', width: 32, depth: p.pdepth, reads: 2, syncRead: true, costed: true, kind: p.prog },
      { name: 'act0', role: 'activation buffer 0', width: cw, depth: p.adepth, reads: 2, syncRead: true, costed: true, kind: p.abuf },
      { name: 'act1', role: 'activation buffer 1', width: cw, depth: p.adepth, reads: 2, syncRead: true, costed: true, kind: p.abuf },
    ];
  },
  templateContext(p, children) {
    const mult = children.mult!;
    const pe = peContext(npuPeParams(p), mult);
    return {
      p: p.p,
      multTop: mult.top,
      cw: pe.cw,
      accW: pe.accW,
      wa: pe.wa,
      ba: pe.ba,
      hostA: pe.hostA,
      aw: addressBits(p.adepth),
      adepth: p.adepth,
      pdepth: p.pdepth,
      pa: addressBits(p.pdepth),
      pb: addressBits(p.p),
      hadamard: pe.hadamard,
      apes: p.apes,
      // PE p's bit at p (a Verilog literal's rightmost digit is bit 0): empty keeps the apes form and its text.
      amaskBits: p.amask ? [...p.amask].reverse().join('') : undefined,
      approxTop: children.approx?.top,
    };
  },
  ports(p, children): ModulePorts {
    const mult = children.mult!;
    const accW = p.acc;
    return {
      clock: 'clk',
      reset: 'rst',
      inputs: [],
      outputs: [],
      memory: {
        we: 'mem_we',
        sel: { name: 'mem_sel', width: 3 },
        addr: { name: 'mem_addr', width: 32 },
        wdata: { name: 'mem_wdata', width: 64 },
        rdata: { name: 'mem_rdata', width: 64 },
      },
      streamIn: { valid: 'in_valid', ready: 'in_ready', data: { name: 'in_data', width: codeBits(peFormat(mult, accW)) } },
      streamOut: { valid: 'out_valid', ready: 'out_ready', data: { name: 'out_data', width: accW } },
      done: 'done',
      monitor: {
        valid: 'trace_valid',
        fields: [
          { name: 'trace_layer', width: 8 },
          { name: 'trace_index', width: 24 },
          { name: 'trace_pe', width: 8 },
          { name: 'trace_data', width: accW },
        ],
      },
    };
  },
  model: (p, children) => new NpuModel(npuGeometry(p, children.mult!, children.approx), peTables(p, children)),
  testStimulus(p, children, rng) {
    const g = npuGeometry(p, children.mult!, children.approx);
    const f = g.format;
    const { qmin, qmax } = codeRange(f);
    const below = (n: number) => rng.nextU32() % n;
    if (g.hadamard) return hadamardStimulus(g, rng);
    const F = g.P + 1; // two groups, the second with one valid PE
    // conv 3x3 'same' (padding) -> max-pool 2 -> dense over the flattened 2 x 2 x F codes (the last layer)
    const layers: Instruction[] = [
      instruction('mac', { relu: true, shift: -3 - below(3), pad: 1, k: 3, h: 5, w: 5, c: 2, f: F, oh: 5, ow: 5, fanIn: 18, groups: 2 }),
      instruction('pool', { src: 1, k: 2, h: 5, w: 5, c: F, f: F, oh: 2, ow: 2, fanIn: 4 }),
      instruction('mac', { last: true, c: 4 * F, f: 3, fanIn: 4 * F, wbase: 36, bbase: 2 }),
    ];
    const words = encodeProgram({ inputSize: 50, layers });
    const wordsPerPe = 36 + 4 * F;
    const cmds = randomImages(words, g, g.P, wordsPerPe, 3, below);
    const input = Array.from({ length: 3 * 50 }, () => BigInt(toWord(qmin + below(qmax - qmin + 1), codeBits(f))));
    cmds.push(
      { kind: 'reset' },
      { kind: 'run', cycles: 100000, dones: 3, input },
      { kind: 'read', sel: NPU_MEM.act0, addr: 0, n: 16 },
      { kind: 'read', sel: NPU_MEM.act1, addr: 0, n: 4 * F },
    );
    return cmds;
  },
  testSweep: [
    { mult: 'exact-mul:width=4,signed', p: 3, acc: 16, wdepth: 256, bdepth: 8, adepth: 256, pdepth: 64 },
    { mult: 'drum:width=6,k=3', p: 4, acc: 20, wdepth: 256, bdepth: 8, adepth: 256, pdepth: 64 },
    { mult: 'drum:width=8,k=4,signed', p: 3, acc: 24, wdepth: 256, bdepth: 16, adepth: 64, pdepth: 80, hadamard: true },
    { mult: 'drum:width=6,k=3', p: 4, acc: 20, wdepth: 256, bdepth: 16, adepth: 64, pdepth: 80, hadamard: true },
    // Heterogeneous: PEs 0 and 1 on DRUM k = 2, the others exact, sign + magnitude around both.
    { mult: 'exact-mul:width=6', approx: 'drum:width=6,k=2', apes: 2, p: 5, acc: 20, wdepth: 256, bdepth: 8, adepth: 256, pdepth: 64 },
    // The same, the second multiplier on PEs 1 and 3 (amask).
    {
      mult: 'exact-mul:width=6',
      approx: 'drum:width=6,k=2',
      apes: 2,
      amask: '01010',
      p: 5,
      acc: 20,
      wdepth: 256,
      bdepth: 8,
      adepth: 256,
      pdepth: 64,
    },
  ],
});

/**
 * The stimulus of an NPU with the Hadamard step: an AXNet-shaped program with every extended field. A
 * predictor (hidden layer; control codes written after the input at an offset; 2 logits streamed out), an
 * approximator layer whose 4P outputs are each multiplied by their control code and written at an offset,
 * a max pool reading and writing at offsets, and a streamed dense layer; fault masks included.
 */
function hadamardStimulus(g: NpuGeometry, rng: { nextU32(): number }): ModuleCommand[] {
  const f = g.format;
  const { qmin, qmax } = codeRange(f);
  const below = (n: number) => rng.nextU32() % n;
  const P = g.P;
  const N = 6;
  const F0 = P + 1;
  const C = 4 * P;
  const dense = (o: Partial<Instruction> & Pick<Instruction, 'src' | 'c' | 'f' | 'wbase' | 'bbase'>): Instruction =>
    instruction('mac', { relu: true, shift: -3 - below(3), fanIn: o.c, groups: Math.ceil(o.f / P), ...o });
  const layers: Instruction[] = [];
  let wbase = 0;
  let bbase = 0;
  const add = (o: Omit<Parameters<typeof dense>[0], 'wbase' | 'bbase'>) => {
    const l = dense({ ...o, wbase, bbase });
    wbase += l.groups * l.fanIn;
    bbase += l.groups;
    layers.push(l);
  };
  add({ src: 0, c: N, f: F0 }); // predictor hidden: buf0 -> buf1[0, F0)
  add({ src: 1, c: F0, f: C, relu: false, dstOffset: N }); // control codes: buf0[N, N + C)
  add({ src: 1, c: F0, f: 2, relu: false, last: true }); // logits, streamed out
  add({ src: 0, c: N, f: C, dstOffset: 5, hadamard: { buf: 0, offset: N, shift: -(f.n - 2) - below(3) } }); // buf1[5, 5 + C)
  layers.push(instruction('pool', { src: 1, k: 2, h: 2, w: 2, c: P, f: P, fanIn: 4, srcOffset: 5, dstOffset: 3 }));
  add({ src: 0, c: P, f: 3, relu: false, last: true, srcOffset: 3 });
  const words = encodeProgram({ inputSize: N, layers });
  const cmds = randomImages(words, g, P, wbase, bbase, below);
  const input = Array.from({ length: 3 * N }, () => BigInt(toWord(qmin + below(qmax - qmin + 1), codeBits(f))));
  cmds.push(
    { kind: 'reset' },
    { kind: 'run', cycles: 100000, dones: 3, input },
    { kind: 'read', sel: NPU_MEM.act0, addr: 0, n: N + C },
    { kind: 'read', sel: NPU_MEM.act1, addr: 0, n: 5 + C },
  );
  return cmds;
}

/**
 * The program, then per PE seeded random weight codes (`weights` words), sparse stored-bit faults and
 * accumulator-wide biases (`biases` words): the memory images of a stimulus, drawn in that order.
 */
function randomImages(
  program: Uint32Array | number[],
  g: NpuGeometry,
  P: number,
  weights: number,
  biases: number,
  below: (n: number) => number,
): ModuleCommand[] {
  const f = g.format;
  const { qmin, qmax } = codeRange(f);
  const weight = () => BigInt(weightWord(f, qmin + below(qmax - qmin + 1)));
  const cmds: ModuleCommand[] = [{ kind: 'write', sel: NPU_MEM.program, addr: 0, words: Array.from(program, BigInt) }];
  for (let pe = 0; pe < P; pe++) {
    cmds.push({ kind: 'write', sel: NPU_MEM.weights, addr: pe * 2 ** g.wa, words: Array.from({ length: weights }, weight) });
    cmds.push({
      kind: 'write',
      sel: NPU_MEM.faults,
      addr: pe * 2 ** g.wa,
      words: Array.from({ length: weights }, () => (below(5) === 0 ? BigInt(1 << below(weightBits(f))) : 0n)),
    });
    cmds.push({
      kind: 'write',
      sel: NPU_MEM.biases,
      addr: pe * 2 ** g.ba,
      words: Array.from({ length: biases }, () => BigInt.asUintN(64, BigInt(below(2 ** (f.n + 2)) - 2 ** (f.n + 1)))),
    });
  }
  return cmds;
}
