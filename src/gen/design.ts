import type { BatchModel, OperatorPorts } from '../models/operator.js';
import type { ParamValues } from './params.js';

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
  model?: BatchModel;
  /** Operand corner values beyond the generic ones. */
  extraCorners?: number[];
  /** sha256 over the sources (names and text): identifies the RTL in caches and table sidecars. */
  rtlHash: string;
}
