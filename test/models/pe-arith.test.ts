import { describe, expect, it } from 'vitest';
import {
  codeRange,
  fromWord,
  hadamardCode,
  peProduct,
  requantise,
  saturate,
  toWord,
  weightValue,
  weightWord,
  type PeFormat,
} from '../../src/models/pe-arith.js';
import { quantiseValue } from '../../src/arith/fixed-point.js';
import { cycleModel, decodeProgram, encodeProgram, instruction, type Instruction } from '../../src/models/npu-program.js';
import { Rng } from '../../src/util/rng.js';

describe("the PE's integer arithmetic against the reference's rules", () => {
  it('requantise(v, shift) = quantiseValue(v * 2^e, e - shift) for every value in a range and every shift', () => {
    // the reference quantises the scaled value at the next exponent; the PE shifts the accumulator
    for (const [qmin, qmax] of [
      [-128, 127],
      [-255, 255],
      [-8, 7],
    ] as const)
      for (let shift = -20; shift <= 6; shift++)
        for (let v = -3000; v <= 3000; v += 7) {
          const e = -9;
          // + 0: the reference may give -0
          expect(requantise(v, shift, qmin, qmax) + 0, `${v} ${shift}`).toBe(quantiseValue(v * 2 ** e, e - shift, qmin, qmax) + 0);
        }
  });

  it('rounds ties to even on both sides of zero, and saturates', () => {
    expect([-6, -5, -3, -1, 1, 3, 5, 6].map((v) => requantise(v, -1, -100, 100))).toEqual([-3, -2, -2, 0, 0, 2, 2, 3]);
    expect(requantise(1000, 2, -128, 127)).toBe(127);
    expect(requantise(-1000, -1, -128, 127)).toBe(-128);
    expect(saturate(2 ** 20, 16)).toBe(2 ** 15 - 1);
    expect(saturate(-(2 ** 20), 16)).toBe(-(2 ** 15));
  });

  it("stores weights as two's complement or sign-magnitude (with -0) and reads them back", () => {
    const signed: PeFormat = { n: 8, signed: true, yWidth: 16, accBits: 32 };
    const unsigned: PeFormat = { n: 8, signed: false, yWidth: 16, accBits: 32 };
    for (let v = -128; v <= 127; v++) expect(weightValue(signed, weightWord(signed, v))).toBe(v);
    for (let v = -255; v <= 255; v++) expect(weightValue(unsigned, weightWord(unsigned, v))).toBe(v);
    expect(weightWord(unsigned, -0)).toBe(256);
    // the words themselves, not only the round trip
    expect([5, -1, -128, 0].map((v) => weightWord(signed, v))).toEqual([5, 255, 128, 0]);
    expect([3, -3, 0].map((v) => weightWord(unsigned, v))).toEqual([3, 259, 0]);
    expect(Object.is(weightValue(unsigned, 256), -0)).toBe(true);
    expect(weightValue(unsigned, 255)).toBe(255);
    expect([fromWord(128, 8), fromWord(127, 8)]).toEqual([-128, 127]);
    expect(codeRange(unsigned)).toEqual({ qmin: -255, qmax: 255 });
    expect(fromWord(toWord(-5, 9), 9)).toBe(-5);
  });

  it('products: signed codes straight through the table; unsigned in sign-magnitude', () => {
    const n = 4;
    const side = 16;
    // a non-commutative table: y = a * 3 + b (codes), result width 8
    const y = Array.from({ length: side * side }, (_, i) => (Math.floor(i / side) * 3 + (i % side)) % 256);
    const s: PeFormat = { n, signed: true, yWidth: 8, accBits: 16 };
    expect(peProduct(s, y, -1, weightWord(s, 2))).toBe(fromWord((15 * 3 + 2) % 256, 8));
    const u: PeFormat = { n, signed: false, yWidth: 8, accBits: 16 };
    expect(peProduct(u, y, -3, weightWord(u, 5))).toBe(-(3 * 3 + 5));
    expect(peProduct(u, y, -3, weightWord(u, -5))).toBe(3 * 3 + 5);
    // a table with P(0, b) != 0 shows the sign rule at zero: sign(0) is +, and -0 is a negative weight
    expect(peProduct(u, y, 0, weightWord(u, -5))).toBe(-5);
    expect(peProduct(u, y, 3, weightWord(u, -0))).toBe(-9);
  });
});

describe("the Hadamard step's arithmetic (hadamard=1)", () => {
  it("the activation code on the a port, the control code in the weight operand's form on the b port, then requantised", () => {
    const side = 16;
    // the non-commutative table y = a * 3 + b shows which operand is which
    const y = Array.from({ length: side * side }, (_, i) => (Math.floor(i / side) * 3 + (i % side)) % 256);
    const s: PeFormat = { n: 4, signed: true, yWidth: 8, accBits: 16 };
    expect(hadamardCode(s, y, 1, 2, 0)).toBe(5);
    expect(hadamardCode(s, y, 2, 1, 0)).toBe(7);
    expect(hadamardCode(s, y, 1, 2, -1)).toBe(2); // 5 / 2 = 2.5, to even
    expect(hadamardCode(s, y, 1, 3, -1)).toBe(3); // 6 / 2
    expect(hadamardCode(s, y, 2, 5, 0)).toBe(7); // 11 saturates at qmax
    const u: PeFormat = { n: 4, signed: false, yWidth: 8, accBits: 16 }; // codes -15..15
    expect(hadamardCode(u, y, 3, -5, 0)).toBe(-(3 * 3 + 5));
    expect(hadamardCode(u, y, -3, -5, 0)).toBe(3 * 3 + 5);
    expect(hadamardCode(u, y, 0, -5, 0)).toBe(-5); // the control's sign applies at a zero code, as a weight's does
  });
});

describe('the NPU program format and cycle model', () => {
  it('encodes and decodes every field (random instructions)', () => {
    const rng = new Rng(4);
    const r = (n: number) => rng.nextU32() % n;
    const layers: Instruction[] = Array.from({ length: 20 }, () => randomInstruction(r, r(2) ? 'pool' : 'mac'));
    expect(decodeProgram(encodeProgram({ inputSize: 12345, layers }))).toEqual({ inputSize: 12345, layers });
    expect(() => encodeProgram({ inputSize: 1, layers: [{ ...layers[0]!, h: 70000 }] })).toThrow(/16-bit field/);
  });

  it('accepts every field up to its width and refuses one past it, naming the field', () => {
    const base = instruction('mac', { last: true });
    const fields16 = [
      ['h', 'H'],
      ['w', 'W'],
      ['c', 'C'],
      ['f', 'F'],
      ['oh', 'OH'],
      ['ow', 'OW'],
      ['groups', 'groups'],
    ] as const;
    const fields24 = [
      ['fanIn', 'fan-in'],
      ['wbase', 'weight base'],
      ['bbase', 'bias base'],
    ] as const;
    const enc =
      (l: Partial<Instruction>, inputSize = 1) =>
      () =>
        encodeProgram({ inputSize, layers: [{ ...base, ...l }] });
    for (const [k, name] of fields16) {
      expect(decodeProgram(enc({ [k]: 0xffff })()).layers[0]![k]).toBe(0xffff);
      expect(decodeProgram(enc({ [k]: 0 })()).layers[0]![k]).toBe(0);
      for (const bad of [0x10000, -1, 1.5])
        expect(enc({ [k]: bad }), `${k} ${bad}`).toThrow(`${name} = ${bad} does not fit the program's 16-bit field`);
    }
    for (const [k, name] of fields24) {
      expect(decodeProgram(enc({ [k]: 0xffffff })()).layers[0]![k]).toBe(0xffffff);
      for (const bad of [0x1000000, -1, 2.5])
        expect(enc({ [k]: bad }), `${k} ${bad}`).toThrow(`${name} = ${bad} does not fit the program's 24-bit field`);
    }
    expect(decodeProgram(enc({}, 0xffffff)()).inputSize).toBe(0xffffff);
    expect(enc({}, 0x1000000)).toThrow("input size = 16777216 does not fit the program's 24-bit field");
    for (const shift of [-64, 15]) expect(decodeProgram(enc({ shift })()).layers[0]!.shift).toBe(shift);
    for (const shift of [-65, 16]) expect(enc({ shift })).toThrow(`shift ${shift} outside -64..15`);
    expect(decodeProgram(enc({ pad: 15, k: 255 })()).layers[0]).toMatchObject({ pad: 15, k: 255 });
    expect(enc({ pad: 16 })).toThrow('pad 16 or k 1 too large');
    expect(enc({ k: 256 })).toThrow('pad 0 or k 256 too large');
  });

  it(
    'extended instructions (offsets, the Hadamard step): every field round-trips, limits named; ' +
      'an NPU without them reads 8-word instructions',
    () => {
      const rng = new Rng(6);
      const r = (n: number) => rng.nextU32() % n;
      const layers: Instruction[] = Array.from({ length: 24 }, (_, i) => {
        const op = i % 3 === 0 ? 'pool' : 'mac';
        const l = randomInstruction(r, op);
        l.srcOffset = i % 4 === 1 ? 0 : 1 + r(2 ** 24 - 1);
        l.dstOffset = i % 4 === 2 ? 0 : 1 + r(2 ** 24 - 1);
        if (op === 'mac' && i % 2 === 0) l.hadamard = { buf: r(2) as 0 | 1, offset: r(2 ** 24), shift: r(80) - 64 };
        return l;
      });
      const words = encodeProgram({ inputSize: 77, layers });
      expect(words.length).toBe(2 + 24 * 11);
      expect(decodeProgram(words)).toEqual({ inputSize: 77, layers });
      // a plain instruction stays 8 words, and a Hadamard step alone makes an instruction extended
      const plain = instruction('mac');
      const had = { ...plain, hadamard: { buf: 1 as const, offset: 0, shift: -64 } };
      expect(encodeProgram({ inputSize: 1, layers: [plain, had] }).length).toBe(2 + 8 + 11);
      expect(decodeProgram(encodeProgram({ inputSize: 1, layers: [plain, had] })).layers[1]).toEqual({
        ...had,
        srcOffset: 0,
        dstOffset: 0,
      });
      // without extended instructions the controller reads 8 words per instruction: the extension words become the next instruction
      const asPlain = decodeProgram(encodeProgram({ inputSize: 1, layers: [had, plain] }), false);
      expect(asPlain.layers[0]).toEqual(plain);
      expect(asPlain.layers[1]).not.toEqual(plain);
      expect(() => encodeProgram({ inputSize: 1, layers: [{ ...plain, srcOffset: 2 ** 24 }] })).toThrow(
        "source offset = 16777216 does not fit the program's 24-bit field",
      );
      expect(() => encodeProgram({ inputSize: 1, layers: [{ ...plain, dstOffset: -1 }] })).toThrow(
        "destination offset = -1 does not fit the program's 24-bit field",
      );
      expect(() => encodeProgram({ inputSize: 1, layers: [{ ...had, hadamard: { buf: 0, offset: 2 ** 24, shift: 0 } }] })).toThrow(
        "control offset = 16777216 does not fit the program's 24-bit field",
      );
      expect(() => encodeProgram({ inputSize: 1, layers: [{ ...had, hadamard: { buf: 0, offset: 0, shift: 16 } }] })).toThrow(
        'shift 16 outside -64..15',
      );
      expect(() => encodeProgram({ inputSize: 1, layers: [{ ...had, op: 'pool' }] })).toThrow('a Hadamard step follows a MAC layer');
      // the cycle model counts the 3 extension words as fetch cycles (the fetch runs a word ahead: one more),
      // then fan-in 1, the finish's issue and the PEs' finish, one write
      expect(cycleModel({ inputSize: 1, layers: [had] }, 1).perLayer).toEqual([11 + 1 + 1 + 2 + 1]);
    },
  );

  it('counts a small program by hand', () => {
    const mac: Instruction = {
      op: 'mac',
      relu: true,
      last: false,
      src: 0,
      shift: -3,
      pad: 0,
      k: 1,
      h: 1,
      w: 1,
      c: 10,
      f: 5,
      oh: 1,
      ow: 1,
      fanIn: 10,
      groups: 2,
      wbase: 0,
      bbase: 0,
    };
    const pool: Instruction = {
      op: 'pool',
      relu: false,
      last: false,
      src: 1,
      shift: 0,
      pad: 0,
      k: 2,
      h: 4,
      w: 4,
      c: 3,
      f: 3,
      oh: 2,
      ow: 2,
      fanIn: 4,
      groups: 1,
      wbase: 0,
      bbase: 0,
    };
    // P = 3: groups of 3 and 2 valid PEs: (10 + 2 + 3) + (10 + 2 + 2) = 29, plus 9 fetch (8 words, a word ahead);
    // pool 2*2*3*4 = 48, plus the last window's maximum, plus 9; 3 header cycles, 10 inputs, 1 done
    const c = cycleModel({ inputSize: 10, layers: [mac, pool] }, 3);
    expect(c.perLayer).toEqual([38, 58]);
    expect(c.total).toBe(3 + 10 + 38 + 58 + 1);
  });
});

/** An instruction with every field drawn at random within its encoded width (the encoding's round trip). */
function randomInstruction(r: (n: number) => number, op: Instruction['op']): Instruction {
  return {
    op,
    relu: r(2) === 1,
    last: r(2) === 1,
    src: r(2) as 0 | 1,
    shift: r(80) - 64,
    pad: r(16),
    k: r(256),
    h: r(65536),
    w: r(65536),
    c: r(65536),
    f: r(65536),
    oh: r(65536),
    ow: r(65536),
    fanIn: r(2 ** 24),
    groups: r(65536),
    wbase: r(2 ** 24),
    bbase: r(2 ** 24),
  };
}
