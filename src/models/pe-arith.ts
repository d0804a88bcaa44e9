/**
 * The processing element's integer arithmetic, stated on integers (no floating-point scales), as the RTL
 * computes it. The integer reference (infer/reference.ts) states the same rules on scaled values; the NPU
 * co-simulation proves the two agree layer by layer.
 */

/** Shape of a PE's numbers, from its multiplier and accumulator. */
export interface PeFormat {
  /** Multiplier operand width N. */
  n: number;
  /** Multiplier is two's complement (else unsigned, used in sign-magnitude). */
  signed: boolean;
  /** Multiplier result width. */
  yWidth: number;
  accBits: number;
}

/** Activation codes: two's complement N bits (signed) or N + 1 bits holding -(2^N - 1)..2^N - 1. */
export const codeBits = (f: PeFormat) => (f.signed ? f.n : f.n + 1);
/** Stored weight word: two's complement N bits, or sign + N magnitude bits (the NTV storage word). */
export const weightBits = (f: PeFormat) => (f.signed ? f.n : f.n + 1);
export const codeRange = (f: PeFormat) =>
  f.signed ? { qmin: -(2 ** (f.n - 1)), qmax: 2 ** (f.n - 1) - 1 } : { qmin: -(2 ** f.n - 1), qmax: 2 ** f.n - 1 };

/** A stored weight word -> its value (sign-magnitude -0 reads as 0). */
export function weightValue(f: PeFormat, word: number): number {
  if (f.signed) return word >= 2 ** (f.n - 1) ? word - 2 ** f.n : word;
  const mag = word % 2 ** f.n;
  return word >= 2 ** f.n ? -mag : mag;
}

/** A weight value -> its stored word; `negativeZero` stores -0 with the sign bit set. */
export function weightWord(f: PeFormat, value: number): number {
  if (f.signed) return value < 0 ? value + 2 ** f.n : value;
  return value < 0 || Object.is(value, -0) ? 2 ** f.n + Math.abs(value) : value;
}

/** Two's-complement word of `bits` bits <-> value. */
export const toWord = (value: number, bits: number) => (value < 0 ? value + 2 ** bits : value);
export const fromWord = (word: number, bits: number) => (word >= 2 ** (bits - 1) ? word - 2 ** bits : word);

/**
 * The product the PE feeds its accumulator, from the multiplier's result codes `y` (indexed a << N | b over
 * operand codes): a signed multiplier takes the codes as they are; an unsigned one takes magnitudes and the
 * sign is applied after (sign(act) sign(w) P(|act|, |w|)).
 */
export function peProduct(f: PeFormat, y: ArrayLike<number>, act: number, weightWordValue: number): number {
  const [a, b] = multiplierOperands(f, act, weightWordValue);
  const r = y[a * 2 ** f.n + b]!;
  if (f.signed) return fromWord(r, f.yWidth);
  return act < 0 !== weightWordValue >= 2 ** f.n ? -r : r;
}

/**
 * The codes on the multiplier's operand ports: a signed multiplier gets the activation code and the stored
 * word; an unsigned one |act| (its low N bits, as the RTL wires it: only -2^N, outside the codes, is
 * affected) and the stored magnitude.
 */
export function multiplierOperands(f: PeFormat, act: number, weightWordValue: number): [number, number] {
  const side = 2 ** f.n;
  if (f.signed) return [toWord(act, f.n), toWord(weightWordValue, f.n) % side];
  return [Math.abs(act) % side, weightWordValue % side];
}

/** Receives the name of each directed corner a model's arithmetic passes through (the module runner counts them). */
export type CornerSink = (corner: string) => void;

/** The rounding, shift and saturation corners of requantisation (requantiseCorners names them). */
export const REQUANTISE_CORNERS = [
  'tie, even floor, v > 0',
  'tie, odd floor, v > 0',
  'tie, even floor, v < 0',
  'tie, odd floor, v < 0',
  'shift -1',
  'shift -2',
  'shift -3',
  'shift +15 (left limit)',
  'left shift of 16 or more',
  'right shift past the value (-31 or less)',
  'saturates high',
  'saturates low',
] as const;

/** The corners one requantisation passes through (a restatement of the cases, not the arithmetic). */
export function requantiseCorners(v: number, shift: number, qmin: number, qmax: number): string[] {
  const out: string[] = [];
  if (shift < 0) {
    const d = 2 ** -shift;
    const q = Math.floor(v / d);
    if (v - q * d === d / 2) out.push(`tie, ${Math.abs(q) % 2 === 0 ? 'even' : 'odd'} floor, ${v > 0 ? 'v > 0' : 'v < 0'}`);
    if (shift >= -3) out.push(`shift ${shift}`);
    if (shift <= -31) out.push('right shift past the value (-31 or less)');
  } else if (shift === 15) out.push('shift +15 (left limit)');
  else if (shift >= 16) out.push('left shift of 16 or more');
  const r = requantise(v, shift, -Infinity, Infinity);
  if (r > qmax) out.push('saturates high');
  if (r < qmin) out.push('saturates low');
  return out;
}

/** The corners of one saturating addition to the accumulator width. */
export const ACCUMULATOR_CORNERS = ['accumulator saturates high', 'accumulator saturates low'] as const;
export function saturateCorners(v: number, bits: number): string[] {
  return v > 2 ** (bits - 1) - 1 ? ['accumulator saturates high'] : v < -(2 ** (bits - 1)) ? ['accumulator saturates low'] : [];
}

/** Two's-complement saturation to the accumulator width. */
export function saturate(v: number, bits: number): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
  return v > hi ? hi : v < lo ? lo : v;
}

/**
 * Requantisation: v * 2^shift rounded half to even, saturated to [qmin, qmax]. A right shift is a floor
 * division with the remainder deciding the rounding, as the RTL does it.
 */
export function requantise(v: number, shift: number, qmin: number, qmax: number): number {
  let r: number;
  // Mutants left alive below (ConditionalExpression,EqualityOperator): for integer v and shift >= 0 the division path gives v * 2^shift too
  // (no remainder)
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, see above
  if (shift >= 0) r = v * 2 ** shift;
  else {
    const d = 2 ** -shift;
    const q = Math.floor(v / d);
    const rem = v - q * d;
    const half = d / 2;
    r = rem > half || (rem === half && Math.abs(q) % 2 === 1) ? q + 1 : q;
  }
  // Stryker disable next-line EqualityOperator: at the bound both branches give the bound
  return r > qmax ? qmax : r < qmin ? qmin : r;
}

/**
 * The Hadamard step of a PE built with hadamard=1 (AXNet): the activation code times the control code on
 * the PE's second multiplier (the control code takes the weight operand's form), requantised by `shift`.
 */
export function hadamardCode(f: PeFormat, y: ArrayLike<number>, code: number, control: number, shift: number): number {
  const { qmin, qmax } = codeRange(f);
  return requantise(peProduct(f, y, code, weightWord(f, control)), shift, qmin, qmax);
}
