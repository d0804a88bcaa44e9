import { AxhwError } from '../errors.js';
import type { UnitDefinition } from './unit.js';
import { drumUnit } from './units/drum.js';
import { exactMulUnit } from './units/exact-mul.js';
import { parseParams, type ParamValues } from './params.js';

/** The one registry of hardware units. Adding a unit = one file in units/ + one line here. */
const units: UnitDefinition[] = [drumUnit, exactMulUnit];

export function listUnits(): readonly UnitDefinition[] {
  return units;
}

export function getUnit(name: string): UnitDefinition {
  const u = units.find((x) => x.name === name);
  if (!u) {
    throw new AxhwError(`Unknown unit '${name}'.`, `Known units: ${units.map((x) => x.name).join(', ')}. For your own Verilog use --rtl <file> --top <module>.`);
  }
  return u;
}

/** Look a unit up and validate raw parameter values against its declarations. */
export function resolveUnit(name: string, raw: Record<string, unknown>): { unit: UnitDefinition; params: ParamValues } {
  const unit = getUnit(name);
  return { unit, params: parseParams(unit.name, unit.params, raw, unit.check) };
}
