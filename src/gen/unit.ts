import type { ParamDecl, ParamValues } from './params.js';
import type { BatchModel, OperatorPorts } from '../models/operator.js';

/**
 * One hardware unit of the registry. Like a FloPoCo operator, its model is its specification; the
 * generator (template + context) must match it bit for bit, which `axhw verify` proves through
 * Verilator. Everything downstream (verify, lut, synth, characterize) goes through this interface.
 */
export interface UnitDefinition {
  name: string;
  description: string;
  params: readonly ParamDecl[];
  /** Cross-parameter rule; return a message naming the problem, or undefined. */
  check?(p: ParamValues): string | undefined;
  /** Template file in rtl-templates/. */
  template: string;
  /** Handlebars context for the template (the top-module name is added by the generator). */
  templateContext(p: ParamValues): Record<string, unknown>;
  ports(p: ParamValues): OperatorPorts;
  model(p: ParamValues): BatchModel;
  /** Per-operand transform T (operand code -> value), where the unit factors as T(a) * T(b). */
  transform?(p: ParamValues): (code: number) => number;
  /** Operand values worth testing for this unit beyond the generic corner cases. */
  extraCorners?(p: ParamValues): number[];
  /** Parameter sets the test runner sweeps for this unit (exhaustive where the pair space allows). */
  testSweep: ParamValues[];
}
