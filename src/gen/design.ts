import type { BatchModel, OperatorPorts } from '../models/operator.js';
import type { ParamValues } from './params.js';
import type { ControlSetting, NumberFormat } from './unit.js';
import type { Rng } from '../util/rng.js';

/**
 * What co-simulation, verification and table export consume: Verilog text, its top module and ports,
 * and (optionally) a bit-exact model. Registry units and user RTL both become a Design, so no
 * downstream code special-cases either.
 */
export interface Design {
  /** Registry unit name, or 'external'. */
  unit: string;
  params: ParamValues;
  top: string;
  /** Verilog sources: file name -> text. */
  sources: Record<string, string>;
  ports: OperatorPorts;
  /** The numbers the operands and result encode (a registry unit's own statement; user RTL: integers of its port width). */
  numbers: NumberFormat;
  /** Model at the default control values. */
  model?: BatchModel;
  /** Model at other control values (designs with run-time control inputs). */
  modelFor?: (c: ControlSetting) => BatchModel;
  /** Human-readable value of an operand/result code, for counterexamples (default: the integer). */
  describeCode?: (code: number) => string;
  /** Numeric value of an operand/result code when not the integer (e.g. a float format). */
  valueOfCode?: (code: number) => number;
  metricsDomain?: { accepts: (exact: number, approx: number) => boolean; doc: string };
  sampleOperands?: (rng: Rng, a: Uint32Array, b: Uint32Array, n: number) => void;
  /** Operand corner values beyond the generic ones. */
  extraCorners?: number[];
  /** sha256 over the sources (names and text): identifies the RTL in caches and table sidecars. */
  rtlHash: string;
}
