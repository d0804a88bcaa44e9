/**
 * What the module co-simulation protocol says (cosim/module-harness.cpp.hbs): a module's RTL harness and
 * its transaction-level model answer the same commands, so one runner compares them for every module.
 */
/** One command of the module protocol; the RTL harness and the model answer the same list. */
export type ModuleCommand =
  | { kind: 'write'; sel: number; addr: number; words: readonly bigint[] }
  | { kind: 'read'; sel: number; addr: number; n: number }
  | { kind: 'set'; port: string; value: bigint }
  | { kind: 'reset' }
  /** Clock cycles: `cycles` of them, or until `dones` done pulses (at most `cycles`), feeding `input` on the in-stream. */
  /** `stall`: a seed that makes the RTL harness withhold in-stream words and drop out-ready (handshake test; RTL only). */
  | { kind: 'run'; cycles: number; dones?: number; input?: readonly bigint[]; stall?: number }
  | { kind: 'peek' };

export interface RunResult {
  cycles: number;
  dones: number;
  /** In-stream words taken. */
  consumed: number;
  output: bigint[];
  /** Monitor records: the cycle (counted from the start of this RUN, from 0) and the field values. */
  trace: { cycle: number; fields: bigint[] }[];
  /** Cycle (from the start of this RUN) of each done pulse. */
  doneCycles: number[];
}

export type ModuleResponse =
  | { kind: 'write' }
  | { kind: 'read'; words: bigint[] }
  | { kind: 'set' }
  | { kind: 'reset' }
  | { kind: 'run'; result: RunResult }
  | { kind: 'peek'; values: bigint[] };

/** A module's bit-exact model at transaction level: `run(stimulus) -> response`. */
export interface ModuleModel {
  run(commands: readonly ModuleCommand[]): ModuleResponse[];
}
