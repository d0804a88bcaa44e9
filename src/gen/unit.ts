import type { ParamDecl, ParamValues, ParamsOf } from './params.js';
import type { BatchModel, OperatorPorts } from '../models/operator.js';
import type { Rng } from '../util/rng.js';

/** Values of a unit's run-time control inputs (e.g. fpmul's mbits), by port name. */
export type ControlSetting = Record<string, number>;

/**
 * A run-time input that is not an operand (a precision selector, a mode). Co-simulation holds it
 * constant for a batch and can change it between batches without rebuilding; the model takes it too.
 */
export interface ControlDecl<P = ParamValues> {
  name: string;
  doc: string;
  /** Port width in bits; every code 0..2^width-1 is legal on the port (the unit defines what each does). */
  width(p: P): number;
  /** Value used when none is given. */
  default(p: P): number;
}

/**
 * A table other than the full pair table, derived by driving the RTL with chosen operand pairs
 * (e.g. fpmul's significand-product table). Entries are computed from the RTL's result codes.
 */
export interface DerivedTableKind<P = ParamValues> {
  name: string;
  doc: string;
  /**
   * Operand pairs in entry order (row-major over `shape`), or a message saying why this setting cannot
   * have the table (e.g. too many entries).
   */
  operands(
    p: P,
    c: ControlSetting,
  ): { shape: [number, number]; a: Uint32Array; b: Uint32Array; entryBits: number; layout: string } | string;
  /** Table entry from a result code. */
  entry(p: P, c: ControlSetting): (yCode: number) => number;
}

/**
 * One hardware unit of the registry. Like a FloPoCo operator, its model is its specification; the
 * generator (template + context) must match it bit for bit, which `axhw verify` proves through
 * Verilator. Everything downstream (verify, lut, synth, characterize) goes through this interface.
 */
export interface UnitDefinition<P = ParamValues> {
  kind: 'operator';
  name: string;
  description: string;
  params: readonly ParamDecl[];
  /** Named parameter sets (e.g. fpmul's bfloat16), selected with --preset. */
  presets?: Record<string, Partial<P>>;
  /** Cross-parameter rule; return a message naming the problem, or undefined. */
  check?(p: P): string | undefined;
  /** What `check` enforces, in words (`axhw units` prints them; a refusal's fix quotes them). */
  rules?: readonly string[];
  /** Template file in rtl-templates/. */
  template: string;
  /** Handlebars context for the template (the top-module name is added by the generator). */
  templateContext(p: P): Record<string, unknown>;
  /** The numbers its operands and result encode: integers of a width, or codes of a float format. */
  numbers(p: P): NumberFormat;
  /** Ports; control inputs are listed with their default values. */
  ports(p: P): OperatorPorts;
  /** Run-time control inputs (their ports also appear in ports().controls). */
  controls?: readonly ControlDecl<P>[];
  model(p: P, c: ControlSetting): BatchModel;
  /** Per-operand transform T (operand code -> value), where the unit factors as T(a) * T(b). */
  transform?(p: P, c: ControlSetting): (code: number) => number;
  /** Operand values worth testing for this unit beyond the generic corner cases. */
  extraCorners?(p: P): number[];
  /** Human-readable operand/result value of a code (for counterexamples), when not an integer. */
  describeCode?(p: P): (code: number) => string;
  /** Numeric value of an operand or result code, when not the (two's-complement) integer; NaN/inf allowed. */
  valueOfCode?(p: P): (code: number) => number;
  /**
   * Error metrics domain: which (exact, approximate) pairs the metrics count (default: finite ones).
   * fpmul counts products in the normal range, so range effects do not masquerade as approximation error.
   */
  metricsDomain?(p: P): { accepts: (exact: number, approx: number) => boolean; doc: string };
  /** Operand sampler for sampled error metrics (default: uniform codes), drawing from the metrics domain. */
  sampleOperands?(p: P): (rng: Rng, a: Uint32Array, b: Uint32Array, n: number) => void;
  derivedTables?: readonly DerivedTableKind<P>[];
  /** Parameter sets the test runner sweeps for this unit (exhaustive where the pair space allows). */
  testSweep: Partial<P>[];
}

/**
 * The numbers an arithmetic unit computes on: fixed-point integers (two's complement when signed, else
 * unsigned) of an operand width, or codes of a floating-point format. Code that picks an arithmetic for a
 * unit (fixed-point or float layers, trace formats) asks this, never the unit's name.
 */
export type NumberFormat = { kind: 'fixed'; width: number; signed: boolean } | { kind: 'float'; exp: number; frac: number };

/**
 * Declare an operator unit: its parameter list (kept with its literal names) types every method's `p`,
 * so the unit reads `p.width` as a number without casts.
 */
export function defineUnit<const D extends readonly ParamDecl[]>(
  unit: Omit<UnitDefinition<ParamsOf<D>>, 'params' | 'kind'> & { params: D },
): UnitDefinition<ParamsOf<D>> {
  return { kind: 'operator', ...unit };
}
