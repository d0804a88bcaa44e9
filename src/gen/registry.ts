import { AxhwError } from '../errors.js';
import type { UnitDefinition } from './unit.js';
import { drumUnit } from './units/drum.js';
import { exactMulUnit } from './units/exact-mul.js';
import { fpmulUnit } from './units/fpmul.js';
import { parseParams, type ParamValues, type RawParams } from './params.js';
import type { ModuleDefinition } from './module.js';
import { peUnit } from './units/pe.js';
import { npuUnit } from './units/npu.js';
import { sacPeUnit } from './units/sac-pe.js';

/**
 * The one registry of hardware units: operators (two operands, one result) and clocked modules (which
 * take operators as parameters and run through the module harness), each with its kind. Adding a unit =
 * one file in units/ + one entry here.
 */
const OPERATORS = { drum: drumUnit, 'exact-mul': exactMulUnit, fpmul: fpmulUnit };
const MODULES = { pe: peUnit, npu: npuUnit, 'sac-pe': sacPeUnit };
const OPERATOR_LIST: readonly UnitDefinition[] = Object.values(OPERATORS);
const MODULE_LIST: readonly ModuleDefinition[] = Object.values(MODULES);
const UNITS: readonly RegisteredUnit[] = [...OPERATOR_LIST, ...MODULE_LIST];

export type RegisteredUnit = UnitDefinition | ModuleDefinition;
type OperatorName = keyof typeof OPERATORS;
type ModuleName = keyof typeof MODULES;
/** The typed parameters of a registered unit, by its name: `UnitParams<'drum'>` is `{ width: number; k: number; signed: boolean }`. */
export type UnitParams<N extends OperatorName | ModuleName> = N extends OperatorName
  ? (typeof OPERATORS)[N] extends UnitDefinition<infer P>
    ? P
    : never
  : N extends ModuleName
    ? (typeof MODULES)[N] extends ModuleDefinition<infer P>
      ? P
      : never
    : never;

/** Every unit of the registry, operators first. */
export function listAllUnits(): readonly RegisteredUnit[] {
  return UNITS;
}

/** The two-operand operators. */
export function listUnits(): readonly UnitDefinition[] {
  return OPERATOR_LIST;
}

/** The clocked module units. */
export function listModules(): readonly ModuleDefinition[] {
  return MODULE_LIST;
}

export function getModule(name: string): ModuleDefinition {
  const m = listModules().find((x) => x.name === name);
  if (!m)
    throw new AxhwError(
      `Unknown module unit '${name}'.`,
      `Module units: ${listModules()
        .map((x) => x.name)
        .join(', ')}.`,
    );
  return m;
}

/** Validate a module's parameters against its declarations; a registered name gives its typed parameters. */
export function resolveModule<N extends ModuleName>(name: N, raw: RawParams): { unit: ModuleDefinition; params: UnitParams<N> };
export function resolveModule(name: string, raw: RawParams): { unit: ModuleDefinition; params: ParamValues };
export function resolveModule(name: string, raw: RawParams): { unit: ModuleDefinition; params: ParamValues } {
  const unit = getModule(name);
  return { unit, params: parseParams(unit.name, unit.params, raw, unit.check, unit.rules) };
}

export function getUnit(name: string): UnitDefinition {
  const u = listUnits().find((x) => x.name === name);
  if (!u) {
    if (listModules().some((m) => m.name === name)) {
      throw new AxhwError(
        `'${name}' is a clocked module unit, not a two-operand operator.`,
        `Operators here: ${listUnits()
          .map((x) => x.name)
          .join(', ')}. Module units are built by \`axhw npu ` + `compile\` (it writes their Verilog) and run by \`axhw npu run\`.`,
      );
    }
    throw new AxhwError(
      `Unknown unit '${name}'.`,
      `Known units: ${listUnits()
        .map((x) => x.name)
        .join(', ')}. For your own Verilog use --rtl <file> --top <module>.`,
    );
  }
  return u;
}

/**
 * Look a unit up and validate raw parameter values against its declarations. A preset supplies values
 * for the parameters it names; giving one of those explicitly with a different value is an error.
 */
export function resolveUnit<N extends OperatorName>(
  name: N,
  raw: RawParams,
  preset?: string,
): { unit: UnitDefinition; params: UnitParams<N> };
export function resolveUnit(name: string, raw: RawParams, preset?: string): { unit: UnitDefinition; params: ParamValues };
export function resolveUnit(name: string, raw: RawParams, preset?: string): { unit: UnitDefinition; params: ParamValues } {
  const unit = getUnit(name);
  let merged = raw;
  if (preset !== undefined) {
    const presets = unit.presets ?? {};
    const values = presets[preset];
    if (!values) {
      const known = Object.keys(presets);
      throw new AxhwError(
        `${unit.name} has no preset '${preset}'.`,
        known.length
          ? `Its presets are: ${known.join(', ')}.`
          : `${unit.name} has no presets; set its parameters directly (see \`axhw units\`).`,
      );
    }
    for (const [k, v] of Object.entries(values)) {
      if (raw[k] !== undefined && String(raw[k]) !== String(v)) {
        throw new AxhwError(
          `--${k} ${String(raw[k])} contradicts preset ${preset} (${k} = ${String(v)}).`,
          `Drop --${k}, or drop --preset and give every parameter.`,
        );
      }
    }
    merged = { ...raw, ...values };
  }
  return { unit, params: parseParams(unit.name, unit.params, merged, unit.check, unit.rules) };
}
