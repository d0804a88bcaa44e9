import { defineModule, type ModulePorts, ModuleCommand } from '../module.js';
import type { ParamDecl, ParamsOf } from '../params.js';
import { addressBits, clog2 } from '../../util/bits.js';
import { codeBits, codeRange, toWord, type PeFormat } from '../../models/pe-arith.js';
import { encodeKneaded, SAC_MEM, SacPeModel, sacLayout, type SacFormat } from '../../models/sac-pe-model.js';
import type { KneadEntry } from '../../models/sac-pe-model.js';
import { peHostPort, peOutputs } from './pe.js';

/** Widest accumulator: the shift-add of the segments (acc + lanes + 1 bits) stays an exact double in the model. */
export const MAX_SAC_ACC_BITS = 36;

/**
 * The SAC PE's format from its parameters: the codes of the MAC PE it stands beside (exact-mul:width=N,
 * signed or not), one lane per magnitude bit (N: a two's-complement weight's magnitude reaches 2^(N-1)).
 */
export function sacFormat(p: Pick<SacPeParams, 'width' | 'signed' | 'acc' | 'group' | 'adepth'> & { seg?: number }): SacFormat {
  const n = p.width;
  const pe: PeFormat = { n, signed: p.signed, yWidth: 2 * n, accBits: p.acc };
  return { pe, lanes: n, group: p.group, rows: Math.ceil(p.adepth / p.group), seg: p.seg || p.acc };
}

function sacContext(p: SacPeParams) {
  const f = sacFormat(p);
  const l = sacLayout(f);
  const { qmin, qmax } = codeRange(f.pe);
  const accW = f.pe.accBits;
  const ka = addressBits(p.kdepth);
  const ba = addressBits(p.bdepth);
  const seg = f.seg;
  const tw = Math.max(seg + f.lanes + 1, accW + 1);
  return {
    lanes: f.lanes,
    group: f.group,
    rows: f.rows,
    gi: l.gi,
    ga: l.ga,
    laneBits: l.laneBits,
    kw: l.wordBits,
    groupAt: l.groupAt,
    groupHi: l.groupAt + l.ga - 1,
    lastAt: l.lastAt,
    rowHi: l.gi + l.ga - 1,
    cw: codeBits(f.pe),
    accW,
    seg,
    tw,
    totPad: tw - accW + 1,
    ka,
    ba,
    hostA: Math.max(ka, l.gi + l.ga, ba),
    kdepth: p.kdepth,
    bdepth: p.bdepth,
    w2: accW + 18,
    qmin,
    qmax,
    negQmin: -qmin,
    finGate: 'done',
  };
}

const SAC_PE_PARAMS = [
  {
    name: 'width',
    kind: 'int',
    min: 2,
    max: 12,
    default: 8,
    doc: 'code width N of the MAC PE it replaces (exact-mul:width=N): weights have N magnitude bits, one lane each',
  },
  {
    name: 'signed',
    kind: 'bool',
    default: true,
    doc: "two's-complement N-bit codes (else the sign-magnitude codes of an unsigned N-bit multiplier's PE)",
  },
  {
    name: 'group',
    kind: 'int',
    min: 2,
    max: 64,
    default: 8,
    doc: 'kneading group: activations a kneaded word can point at (a power of two)',
  },
  {
    name: 'acc',
    kind: 'int',
    min: 8,
    max: MAX_SAC_ACC_BITS,
    default: 32,
    doc: 'accumulator width in bits (saturating): the shift-added segments, bias, ReLU',
  },
  { name: 'seg', kind: 'int', min: 0, max: MAX_SAC_ACC_BITS, default: 0, doc: 'segment width in bits (saturating); 0: as wide as acc' },
  { name: 'kdepth', kind: 'int', min: 2, max: 1 << 20, default: 1024, doc: 'kneaded-word memory words' },
  { name: 'adepth', kind: 'int', min: 2, max: 1 << 20, default: 1024, doc: 'activation codes held (the layer input), in group banks' },
  { name: 'bdepth', kind: 'int', min: 2, max: 1 << 16, default: 64, doc: 'bias memory words' },
] as const satisfies readonly ParamDecl[];

export type SacPeParams = ParamsOf<typeof SAC_PE_PARAMS>;

export const sacPeUnit = defineModule({
  name: 'sac-pe',
  description:
    'split-and-accumulate PE (Tetris weight kneading): one saturating segment per magnitude bit, ' +
    "kneaded weights, the MAC PE's bias, ReLU and requantisation",
  params: SAC_PE_PARAMS,
  rules: [
    'group is a power of two',
    'a kneaded word (width, group and the activation rows it addresses) is at most 63 bits',
    "acc holds an activation's negation and a sum (activation bits + 2 or more)",
    'seg (0: acc) is at least activation bits + 2 and at most acc',
  ],
  check(p) {
    const g = p.group;
    if (2 ** clog2(g) !== g) return `group=${g} is not a power of two (the banks are addressed by the low bits of an activation's index)`;
    const c = sacContext(p);
    if (c.kw > 63)
      return (
        `a kneaded word would be ${c.kw} bits (width ${p.width}, group ${g}, ${c.rows} activation ` +
        `rows); the host port writes at most 63`
      );
    if (c.accW < c.cw + 2) return `acc=${c.accW} cannot hold a ${c.cw}-bit activation's negation and a sum; use acc=${c.cw + 2} or more`;
    if (c.seg < c.cw + 2 || c.seg > c.accW)
      return (
        `seg=${c.seg} must hold a ${c.cw}-bit activation's negation and a sum (${c.cw + 2} bits or ` +
        `more) and be no wider than acc=${c.accW}`
      );
    return undefined;
  },
  template: 'sac-pe.v.hbs',
  templateContext: (p) => sacContext(p),
  costGroup: 'datapath',
  memories(p) {
    const c = sacContext(p);
    return [
      { name: 'kmem', role: 'kneaded weight memory', width: c.kw, depth: c.kdepth, reads: 2, costed: true },
      { name: 'abank', role: `activation bank (one of ${c.group})`, width: c.cw, depth: c.rows, reads: 2, costed: true },
      { name: 'bmem', role: 'bias memory', width: c.accW, depth: c.bdepth, reads: 2, costed: true },
    ];
  },
  ports(p): ModulePorts {
    const c = sacContext(p);
    return {
      clock: 'clk',
      reset: '',
      inputs: [
        { name: 'start', width: 1 },
        { name: 'kbase', width: c.ka },
        { name: 'baddr', width: c.ba },
        { name: 'relu', width: 1 },
        { name: 'shift', width: 7 },
      ],
      outputs: peOutputs(c),
      memory: peHostPort(c.hostA),
      done: 'done',
    };
  },
  model: (p) => new SacPeModel(sacFormat(p), { k: p.kdepth, b: p.bdepth }),
  testStimulus(p, _children, rng) {
    const f = sacFormat(p);
    const c = sacContext(p);
    const { qmin, qmax } = codeRange(f.pe);
    const below = (n: number) => rng.nextU32() % n;
    // Random kneaded words (any lane pattern, any group row), each output's last word marked; the last word of the memory always is.
    const entry = (): KneadEntry | null => (below(3) === 0 ? null : { index: below(f.group), negative: below(2) === 1 });
    const words = Array.from({ length: c.kdepth }, (_, i) =>
      encodeKneaded(f, Array.from({ length: f.lanes }, entry), below(f.rows), i === c.kdepth - 1 || below(12) === 0),
    );
    const cmds: ModuleCommand[] = [
      { kind: 'write', sel: SAC_MEM.kneaded, addr: 0, words },
      // Activations at the code range's ends often, so segments saturate at narrow accumulators.
      {
        kind: 'write',
        sel: SAC_MEM.activations,
        addr: 0,
        words: Array.from({ length: f.rows * f.group }, () =>
          BigInt(toWord(below(3) === 0 ? (below(2) ? qmax : qmin) : qmin + below(qmax - qmin + 1), c.cw)),
        ),
      },
      {
        kind: 'write',
        sel: SAC_MEM.biases,
        addr: 0,
        words: Array.from({ length: c.bdepth }, () => BigInt.asUintN(64, BigInt(below(2 ** (c.accW - 2)) - 2 ** (c.accW - 3)))),
      },
    ];
    const set = (port: string, value: number | bigint) => cmds.push({ kind: 'set', port, value: BigInt(value) });
    for (let i = 0; i < 60; i++) {
      set('kbase', below(c.kdepth));
      set('baddr', below(c.bdepth));
      set('relu', below(2));
      set('shift', BigInt.asUintN(7, BigInt(below(c.accW + 17) - (c.accW + 1))));
      set('start', below(8) === 0 ? 0 : 1);
      // Until the output is done (or a few cycles, to catch it mid-sum), then the outputs.
      cmds.push({ kind: 'run', cycles: below(4) === 0 ? 1 + below(6) : c.kdepth + 4, dones: 1 }, { kind: 'peek' });
    }
    cmds.push(
      { kind: 'read', sel: SAC_MEM.kneaded, addr: 0, n: c.kdepth },
      { kind: 'read', sel: SAC_MEM.activations, addr: 0, n: f.rows * f.group },
      { kind: 'read', sel: SAC_MEM.biases, addr: 0, n: c.bdepth },
    );
    return cmds;
  },
  testSweep: [
    { width: 8, signed: true, group: 8, acc: 16, seg: 12, kdepth: 64, adepth: 64, bdepth: 4 },
    { width: 6, signed: false, group: 4, acc: 11, kdepth: 32, adepth: 16, bdepth: 4 },
    { width: 4, signed: true, group: 16, acc: 8, kdepth: 16, adepth: 32, bdepth: 2 },
  ],
});
