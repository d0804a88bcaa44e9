import { memoryKindParam } from '../memory-kind.js';
import { defineModule, type ModulePorts } from '../module.js';
import type { Design } from '../design.js';
import type { ParamDecl, ParamsOf } from '../params.js';
import { AxhwError } from '../../errors.js';
import { addressBits } from '../../util/bits.js';
import {
  ACCUMULATOR_CORNERS,
  codeBits,
  codeRange,
  REQUANTISE_CORNERS,
  toWord,
  weightBits,
  weightWord,
  type PeFormat,
} from '../../models/pe-arith.js';
import { PE_MEM, PeModel } from '../../models/pe-model.js';
import type { ModuleCommand } from '../module.js';

/** Operand widths a PE takes: its model and the NPU compiler read the multiplier's whole table. */
export const MAX_PE_MULT_WIDTH = 12;
/** Widest accumulator (the requantiser works in acc + 18 bits, which must stay within 64). */
export const MAX_ACC_BITS = 44;

/** The PE's number formats from its multiplier, checked: a combinational two-operand integer multiplier of equal widths. */
export function peFormat(mult: Design, accBits: number): PeFormat {
  const p = mult.ports;
  const fix =
    'Use a combinational integer multiplier with equal operand widths, e.g. mult=drum:width=8,k=4,signed or exact-mul:width=8,signed.';
  if (p.controls.length)
    throw new AxhwError(
      `${mult.top} has run-time control inputs (${p.controls.map((c) => c.name).join(', ')}); a PE ` +
        `needs a plain two-operand integer multiplier.`,
      fix,
    );
  if (p.clock) throw new AxhwError(`${mult.top} is pipelined (clocked); the PE multiplies in one cycle.`, fix);
  if (p.a.width !== p.b.width)
    throw new AxhwError(
      `${mult.top}: operand widths differ (${p.a.width} and ${p.b.width}); activations and weights share one code width.`,
      fix,
    );
  if (p.a.width < 2 || p.a.width > MAX_PE_MULT_WIDTH)
    throw new AxhwError(`${mult.top}: ${p.a.width}-bit operands; a PE takes 2..${MAX_PE_MULT_WIDTH}-bit multipliers.`, fix);
  if (p.y.width + 1 > accBits)
    throw new AxhwError(
      `${mult.top}: the ${p.y.width}-bit product needs an accumulator of at least ${p.y.width + 1} bits (acc=${accBits}).`,
      `Set acc=${p.y.width + 8} or more.`,
    );
  return { n: p.a.width, signed: p.signed, yWidth: p.y.width, accBits };
}

/** The multiplier's result code for every operand pair (index a << N | b), from its model. */
export function multiplierCodes(mult: Design): Uint32Array {
  if (!mult.model)
    throw new AxhwError(
      `${mult.top} has no model, so the module's model cannot run.`,
      'Give your Verilog a model (--model), or use the RTL table (axhw npu run reads it from the RTL).',
    );
  const n = mult.ports.a.width;
  const side = 2 ** n;
  const a = new Uint32Array(side * side);
  const b = new Uint32Array(side * side);
  for (let i = 0; i < side * side; i++) {
    a[i] = Math.floor(i / side);
    b[i] = i % side;
  }
  const bytes = mult.ports.y.width <= 8 ? 1 : mult.ports.y.width <= 16 ? 2 : 4;
  const out = bytes === 1 ? new Uint8Array(side * side) : bytes === 2 ? new Uint16Array(side * side) : new Uint32Array(side * side);
  mult.model.evalBatch(a, b, side * side, out);
  return Uint32Array.from(out);
}

export interface PeContext {
  multTop: string;
  n: number;
  signed: boolean;
  yW: number;
  accW: number;
  cw: number;
  ww: number;
  wa: number;
  ba: number;
  hostA: number;
  wdepth: number;
  bdepth: number;
  w2: number;
  qmin: number;
  qmax: number;
  negQmin: number;
  /** The signal of the cycle that registers the finished output (operand isolation of the finishing arithmetic). */
  finGate: string;
  /** AXNet's Hadamard step after the activation (a second multiplier). */
  hadamard: boolean;
}

/** Template context of a PE (also rendered inside the NPU); the generator adds the top-module name. */
export function peContext(p: PeParams, mult: Design): PeContext {
  const f = peFormat(mult, p.acc);
  const { qmin, qmax } = codeRange(f);
  const wdepth = p.wdepth;
  const bdepth = p.bdepth;
  const wa = addressBits(wdepth);
  const ba = addressBits(bdepth);
  return {
    multTop: mult.top,
    n: f.n,
    signed: f.signed,
    yW: f.yWidth,
    accW: f.accBits,
    cw: codeBits(f),
    ww: weightBits(f),
    wa,
    ba,
    hostA: Math.max(wa, ba),
    wdepth,
    bdepth,
    w2: f.accBits + 18,
    qmin,
    qmax,
    negQmin: -qmin,
    finGate: 'fin_q',
    hadamard: p.hadamard,
  };
}

/** The outputs of a PE's finishing arithmetic (partials/pe-finish.v.hbs), shared by the MAC and SAC PEs. */
export const peOutputs = (c: { accW: number; cw: number }): ModulePorts['outputs'] => [
  { name: 'acc', width: c.accW },
  { name: 'acc_out', width: c.accW },
  { name: 'code_out', width: c.cw },
];

/** A PE's host port: 64-bit words to and from the memory chosen by `host_mem`. */
export const peHostPort = (addrBits: number): NonNullable<ModulePorts['memory']> => ({
  we: 'host_we',
  sel: { name: 'host_mem', width: 2 },
  addr: { name: 'host_addr', width: addrBits },
  wdata: { name: 'host_wdata', width: 64 },
  rdata: { name: 'host_rdata', width: 64 },
});

/** AXNet's Hadamard step, declared once for the PE and the NPU that holds it. */
export const HADAMARD_PARAM = {
  name: 'hadamard',
  kind: 'bool',
  default: false,
  doc:
    "AXNet's Hadamard step: a second multiplier after the activation multiplies each output code " +
    'by a control code (and, in the NPU, extended instructions with buffer offsets)',
} as const;

/** The PE's settable inputs of the Hadamard step, and its output. */
export const HADAMARD_INPUTS = (cw: number): ModulePorts['inputs'] => [
  { name: 'had_en', width: 1 },
  { name: 'ctrl', width: cw },
  { name: 'hshift', width: 7 },
];

/** The multiplier of a PE (and of the NPU's PEs): a registry operator, costed as the multiplier group. */
export const multiplierParam = <D extends string>(doc: D) =>
  ({ name: 'mult', kind: 'unit', default: 'exact-mul:width=8,signed', costGroup: 'multiplier', doc }) as const;

const PE_PARAMS = [
  multiplierParam('the multiplier: any registry operator spec (2..12-bit equal operands)'),
  { name: 'acc', kind: 'int', min: 8, max: MAX_ACC_BITS, default: 32, doc: 'accumulator width in bits (saturating)' },
  { name: 'wdepth', kind: 'int', min: 2, max: 1 << 20, default: 1024, doc: 'weight memory words' },
  { name: 'bdepth', kind: 'int', min: 2, max: 1 << 16, default: 64, doc: 'bias memory words' },
  HADAMARD_PARAM,
  memoryKindParam('wmem', 'weight memory'),
  memoryKindParam('bmem', 'bias memory'),
] as const satisfies readonly ParamDecl[];

export type PeParams = ParamsOf<typeof PE_PARAMS>;

export const peUnit = defineModule({
  name: 'pe',
  description:
    'processing element: registry multiplier, saturating accumulator, bias, ReLU, requantisation; weight memory with a fault port',
  params: PE_PARAMS,
  template: 'pe.v.hbs',
  templateContext: (p, children) => ({ ...peContext(p, children.mult!) }),
  costGroup: 'datapath',
  memories(p, children) {
    const c = peContext(p, children.mult!);
    return [
      { name: 'wmem', role: 'weight memory', width: c.ww, depth: c.wdepth, reads: 2, syncRead: true, costed: true, kind: p.wmem },
      {
        name: 'fmask',
        role: 'fault-mask memory (verification only: NTV bit flips loaded by the test bench)',
        width: c.ww,
        depth: c.wdepth,
        reads: 2,
        syncRead: true,
        costed: false,
      },
      { name: 'bmem', role: 'bias memory', width: c.accW, depth: c.bdepth, reads: 2, syncRead: true, costed: true, kind: p.bmem },
    ];
  },
  ports(p, children): ModulePorts {
    const c = peContext(p, children.mult!);
    return {
      clock: 'clk',
      reset: '',
      inputs: [
        { name: 'mac_en', width: 1 },
        { name: 'mac_first', width: 1 },
        { name: 'waddr', width: c.wa },
        { name: 'act', width: c.cw },
        { name: 'fin_en', width: 1 },
        { name: 'baddr', width: c.ba },
        { name: 'relu', width: 1 },
        { name: 'shift', width: 7 },
        ...(c.hadamard ? HADAMARD_INPUTS(c.cw) : []),
      ],
      outputs: [...peOutputs(c), ...(c.hadamard ? [{ name: 'had_code', width: c.cw }] : [])],
      memory: peHostPort(c.hostA),
    };
  },
  model: (p, children, observe) =>
    new PeModel(peFormat(children.mult!, p.acc), { w: p.wdepth, b: p.bdepth }, multiplierCodes(children.mult!), p.hadamard, observe),
  corners: () => [...REQUANTISE_CORNERS, ...ACCUMULATOR_CORNERS],
  testStimulus(p, children, rng) {
    const c = peContext(p, children.mult!);
    const { qmin, qmax } = codeRange(peFormat(children.mult!, c.accW));
    const below = (n: number) => rng.nextU32() % n;
    const code = () => BigInt(toWord(qmin + below(qmax - qmin + 1), c.cw));
    const word = () => BigInt(below(2 ** c.ww));
    const cmds: ModuleCommand[] = [
      { kind: 'write', sel: PE_MEM.weights, addr: 0, words: Array.from({ length: c.wdepth }, word) },
      // a sparse fault mask: some reads flipped, most not
      { kind: 'write', sel: PE_MEM.faults, addr: 0, words: Array.from({ length: c.wdepth }, () => (below(4) === 0 ? word() : 0n)) },
      {
        kind: 'write',
        sel: PE_MEM.biases,
        addr: 0,
        words: Array.from({ length: c.bdepth }, () => BigInt.asUintN(64, BigInt(below(2 ** (c.accW - 2)) - 2 ** (c.accW - 3)))),
      },
    ];
    // Long runs of accumulation (saturation at narrow accumulators), finishing with every shift from a left
    // shift of 15 to a right shift past the accumulator, with and without ReLU.
    for (let i = 0; i < 300; i++) {
      const set = (port: string, value: number | bigint) => cmds.push({ kind: 'set', port, value: BigInt(value) });
      set('mac_en', below(8) !== 0 ? 1 : 0);
      set('mac_first', below(6) === 0 ? 1 : 0);
      set('waddr', below(c.wdepth));
      set('act', code());
      set('fin_en', below(3) === 0 ? 1 : 0);
      set('baddr', below(c.bdepth));
      set('relu', below(2));
      set('shift', BigInt.asUintN(7, BigInt(below(c.accW + 17) - (c.accW + 1))));
      if (c.hadamard) {
        // the Hadamard step on about half the cycles, every control code and shift from +15 to past the product's width
        set('had_en', below(2));
        set('ctrl', code());
        set('hshift', BigInt.asUintN(7, BigInt(below(c.yW + 18) - (c.yW + 2))));
      }
      cmds.push({ kind: 'run', cycles: 1 + below(3) }, { kind: 'peek' });
    }
    cmds.push(...directedCorners(c, peFormat(children.mult!, c.accW)));
    cmds.push({ kind: 'read', sel: PE_MEM.biases, addr: 0, n: c.bdepth }, { kind: 'read', sel: PE_MEM.faults, addr: 0, n: c.wdepth });
    return cmds;
  },
  testSweep: [
    { mult: 'drum:width=8,k=4,signed', acc: 24, wdepth: 16, bdepth: 4 },
    { mult: 'drum:width=6,k=3', acc: 20, wdepth: 16, bdepth: 4 },
    { mult: 'exact-mul:width=4,signed', acc: 10, wdepth: 8, bdepth: 2 },
    { mult: 'drum:width=8,k=4,signed', acc: 24, wdepth: 16, bdepth: 4, hadamard: true },
    { mult: 'drum:width=6,k=3', acc: 20, wdepth: 16, bdepth: 4, hadamard: true },
  ],
});

/**
 * Directed corners after the random commands: random accumulators and shifts almost never give an exact
 * rounding tie, so each corner of the finishing arithmetic is set up on purpose. The accumulator is cleared
 * (a first product with a zero activation) and the value to requantise comes from the bias memory: exact
 * ties with even and odd floors of both signs at shifts -1 to -3, the left shift limit and a right shift past
 * the value, saturation both ways; then long runs of the largest products saturate the accumulator both ways.
 */
function directedCorners(c: PeContext, f: PeFormat): ModuleCommand[] {
  const cmds: ModuleCommand[] = [];
  const set = (port: string, value: number | bigint) => cmds.push({ kind: 'set', port, value: BigInt(value) });
  // Each step is an issue cycle and the execute cycle after it (the PE's two stages).
  const clear = () => {
    set('fin_en', 0);
    set('mac_en', 1);
    set('mac_first', 1);
    set('act', 0);
    set('waddr', 0);
    cmds.push({ kind: 'run', cycles: 1 });
    set('mac_en', 0);
    cmds.push({ kind: 'run', cycles: 1 });
  };
  const finish = (v: number, shift: number) => {
    cmds.push({ kind: 'write', sel: PE_MEM.biases, addr: 0, words: [BigInt.asUintN(64, BigInt(v))] });
    clear();
    set('fin_en', 1);
    set('baddr', 0);
    set('relu', 0);
    set('shift', BigInt.asUintN(7, BigInt(shift)));
    cmds.push({ kind: 'run', cycles: 1 });
    set('fin_en', 0);
    cmds.push({ kind: 'run', cycles: 1 }, { kind: 'peek' });
  };
  for (const s of [-1, -2, -3]) {
    const d = 2 ** -s;
    // floors 2 and 1 above zero, -2 and -1 below: v = q d + d/2 is an exact tie
    for (const q of [2, 1, -2, -1]) finish(q * d + d / 2, s);
  }
  finish(1, 15);
  finish(-1, 15);
  finish(3, 40);
  finish(0, 63);
  finish(2 ** (c.accW - 2), -40);
  finish(-(2 ** (c.accW - 2)), 0);
  // The accumulator saturates: the largest product of each sign, added for as many cycles as it takes.
  const big = f.signed ? 2 ** (f.n - 1) - 1 : 2 ** f.n - 1;
  for (const sign of [1, -1]) {
    cmds.push(
      { kind: 'write', sel: PE_MEM.weights, addr: 1, words: [BigInt(weightWord(f, sign * big))] },
      { kind: 'write', sel: PE_MEM.faults, addr: 1, words: [0n] },
    );
    clear();
    set('waddr', 1);
    set('act', BigInt(toWord(c.qmax, c.cw)));
    set('mac_en', 1);
    set('mac_first', 0);
    cmds.push({ kind: 'run', cycles: Math.ceil((1.5 * 2 ** (c.accW - 1)) / (big * c.qmax)) + 4 }, { kind: 'peek' });
    set('mac_en', 0);
  }
  return cmds;
}
