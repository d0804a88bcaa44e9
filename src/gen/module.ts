import type { MemoryKind } from './memory-kind.js';
import type { ParamDecl, ParamValues, ParamsOf } from './params.js';
import type { PortSpec } from '../models/operator.js';
import type { Design } from './design.js';
import type { ModuleCommand, ModuleModel } from '../models/module-protocol.js';
import type { Rng } from '../util/rng.js';

export type { ModuleCommand, ModuleModel, ModuleResponse, RunResult } from '../models/module-protocol.js';

/**
 * Clocked `module` units (the PE, the NPU) live in the registry beside the two-operand operators. A
 * module declares its parameters (one may name another unit: `mult=drum:width=8,k=4,signed`), its
 * template, its ports in the roles the generic module harness drives (cosim/module-harness.cpp.hbs), and
 * a transaction-level model that answers the same commands as the RTL.
 */
export interface ModulePorts {
  clock: string;
  /** Synchronous, active high. */
  reset: string;
  /** Inputs the harness holds at set values (SET); they start at 0. */
  inputs: PortSpec[];
  /** Outputs the harness reads (PEEK), in this order. */
  outputs: PortSpec[];
  /** The memory port: write `wdata` to memory `sel` at `addr` on a clock edge with `we`; `rdata` reads combinationally. */
  memory?: { we: string; sel: PortSpec; addr: PortSpec; wdata: PortSpec; rdata: PortSpec };
  /** Valid/ready stream into the module, fed from the words given to RUN. */
  streamIn?: { valid: string; ready: string; data: PortSpec };
  /** Valid/ready stream out of the module, collected by RUN. */
  streamOut?: { valid: string; ready: string; data: PortSpec };
  /** High for one cycle when the module finishes a unit of work (RUN can stop on it). */
  done?: string;
  /** Recorded with its cycle number on every cycle `valid` is high (a debug trace of internal writes). */
  monitor?: { valid: string; fields: PortSpec[] };
}

/** A unit named by a module parameter, generated (or supplied) and merged into the module's sources. */
export interface ChildUnit {
  /** The parameter that names it. */
  param: string;
  spec: string;
  design: Design;
}

/**
 * A memory of a module, rendered from rtl-templates/ram.v.hbs as a module of its own (one synchronous
 * write port, `reads` read ports) so that synthesis and costing can treat it as a macro.
 */
export interface MemoryDecl {
  /** Instance name in the template, and the `{{mem.<name>}}` module name. */
  name: string;
  role: string;
  width: number;
  depth: number;
  reads: number;
  /** Port 0 (the datapath's) reads synchronously, as an SRAM macro: data the cycle after the address. */
  syncRead?: boolean;
  /** What it is built as, in the cost totals (a unit parameter per role); costing's default where absent. */
  kind?: MemoryKind;
  /** False for memories that only serve verification (a fault-mask memory): they are not costed. */
  costed: boolean;
}

/** A module rendered inside another, with its parameters. */
export interface SubmoduleDecl {
  module: string;
  params: ParamValues;
  /** The template context name of its top (default `<module>Top`), where one module is rendered twice. */
  as?: string;
  /** Its 'unit' parameters from the parent's children by other names (default: the same names). */
  children?: Record<string, string>;
}

export interface ModuleDefinition<P = ParamValues> {
  kind: 'module';
  name: string;
  description: string;
  params: readonly ParamDecl[];
  check?(p: P): string | undefined;
  /** What `check` enforces, in words (`axhw units` prints them; a refusal's fix quotes them). */
  rules?: readonly string[];
  /** Template files in rtl-templates/ (one per module of the hierarchy, leaves first). */
  template: string;
  /** Handlebars context; `children` are the rendered units named by 'unit' parameters, by parameter. */
  templateContext(p: P, children: Record<string, Design>): Record<string, unknown>;
  /** Modules of this registry rendered inside this one (e.g. the NPU's PE), with their parameters. */
  submodules?(p: P): SubmoduleDecl[];
  /** The memories the template instantiates as `{{mem.<name>}}`. */
  memories?(p: P, children: Record<string, Design>): MemoryDecl[];
  /** Which share of the cost (area, energy) the module's own logic is counted in: 'datapath', 'control'. */
  costGroup: string;
  ports(p: P, children: Record<string, Design>): ModulePorts;
  /** `observe` receives the directed corners the model passes through (declared in `corners`). */
  model(p: P, children: Record<string, Design>, observe?: (corner: string) => void): ModuleModel;
  /**
   * The rounding, shift and saturation corners the test stimulus must reach: the module runner counts
   * each through the model's observer and fails on one never reached.
   */
  corners?(p: P): readonly string[];
  /** Parameter sets the module test runner builds and checks against the model. */
  testSweep: Partial<P>[];
  /** Seeded test commands (the module's own vectors), run on the RTL and the model by the one module runner. */
  testStimulus(p: P, children: Record<string, Design>, rng: Rng): ModuleCommand[];
}

/** Declare a module unit: its parameter list types every method's `p` (see `defineUnit`). */
export function defineModule<const D extends readonly ParamDecl[]>(
  unit: Omit<ModuleDefinition<ParamsOf<D>>, 'params' | 'kind'> & { params: D },
): ModuleDefinition<ParamsOf<D>> {
  return { kind: 'module', ...unit };
}
