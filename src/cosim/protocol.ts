/** Constants of the harness protocol (see cosim/harness.cpp.hbs for the wire format). */
export const PROTOCOL_VERSION = 3;
export const MAGIC = 0x31485841; // 'AXH1'
export const HEADER_BYTES = 16;
export const enum Cmd {
  Info = 0,
  Eval = 1,
  Range = 2,
  Spin = 3,
  Quit = 4,
  SetControl = 5,
  SpinRandom = 6,
  Map = 7,
  RangeAt = 8,
  EvalAt = 9,
}

export function header(cmd: Cmd | ModuleCmd, n: number, start = 0): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(cmd, 0);
  h.writeUInt32LE(n, 4);
  h.writeBigUInt64LE(BigInt(start), 8);
  return h;
}

/** The module protocol (cosim/module-harness.cpp.hbs): same 16-byte header, length-prefixed replies. */
export const MODULE_PROTOCOL_VERSION = 2;
export const MODULE_MAGIC = 0x314d5841; // 'AXM1'
export const enum ModuleCmd {
  Info = 0,
  Write = 1,
  Read = 2,
  Set = 3,
  Reset = 4,
  Run = 5,
  Peek = 6,
  Quit = 7,
  Coverage = 8,
}
