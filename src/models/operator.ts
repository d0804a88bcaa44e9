/**
 * The shape every two-operand hardware operator shares, whether it comes from the registry or from a
 * user's Verilog: two operand ports, one result port, optional constant control inputs, and an
 * optional bit-exact model.
 *
 * Codes: operands and results travel as raw bit patterns ("codes"): two's-complement values read as
 * unsigned, masked to the port width. Signedness only decides how a code is read as a number.
 */
export interface PortSpec {
  name: string;
  width: number;
}

export interface OperatorPorts {
  a: PortSpec;
  b: PortSpec;
  y: PortSpec;
  /** Operands and result are two's complement. */
  signed: boolean;
  /**
   * Run-time control inputs (for example a precision selector): held constant within a co-simulation
   * batch, settable between batches. `value` is the default.
   */
  controls: (PortSpec & { value: number })[];
  /** Present when the top is clocked (a pipelined wrapper): results follow inputs after `latency` cycles. */
  clock?: ClockSpec;
}

/** Handshake of a pipelined top: synchronous active-high reset, valid in, valid out. */
export interface ClockSpec {
  clk: string;
  reset: string;
  validIn: string;
  validOut: string;
  latency: number;
}

/**
 * Result array layout, by result byte width: 1 -> Uint8Array, 2 -> Uint16Array, 4 -> Uint32Array,
 * 8 -> Uint32Array holding (lo, hi) word pairs. All little-endian, matching the co-simulation protocol,
 * so an RTL response and a model result compare with one memcmp.
 */
export type ResultWords = Uint8Array | Uint16Array | Uint32Array;

export interface BatchModel {
  /** Write the result codes for pairs (a[i], b[i]), i < n, into out. Must not allocate per pair. */
  evalBatch(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords): void;
  /**
   * Optional, for exhaustive sweeps: the results of pairs start..start+n-1 of the row-major pair space
   * (a = index / 2^bWidth, b = index mod 2^bWidth), as `evalBatch` on `fillRange`'s operands gives them,
   * walking the rows instead of reading operand arrays.
   */
  evalRange?(bWidth: number, start: number, n: number, out: ResultWords): void;
}

/** Typed view over a result buffer for a result byte width. */
export function resultView(buf: ArrayBuffer | Buffer, bytes: 1 | 2 | 4 | 8, n: number): ResultWords {
  const ab = buf instanceof ArrayBuffer ? buf : buf.buffer;
  const off = buf instanceof ArrayBuffer ? 0 : buf.byteOffset;
  switch (bytes) {
    case 1:
      return new Uint8Array(ab, off, n);
    case 2:
      return new Uint16Array(ab, off, n);
    case 4:
      return new Uint32Array(ab, off, n);
    case 8:
      return new Uint32Array(ab, off, 2 * n);
  }
}

/** Read result i of a result view as a BigInt code. */
export function resultCodeAt(view: ResultWords, bytes: 1 | 2 | 4 | 8, i: number): bigint {
  if (bytes === 8) return (BigInt(view[2 * i + 1]) << 32n) | BigInt(view[2 * i]);
  return BigInt(view[i]);
}
