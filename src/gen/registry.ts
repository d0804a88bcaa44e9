import { AxhwError } from '../errors.js';
import type { UnitDefinition } from './unit.js';
import { drumUnit } from './units/drum.js';
import { exactMulUnit } from './units/exact-mul.js';
import { fpmulUnit } from './units/fpmul.js';
import { parseParams, type ParamValues } from './params.js';

/** The one registry of hardware units. Adding a unit = one file in units/ + one line here. */
const units: UnitDefinition[] = [drumUnit, exactMulUnit, fpmulUnit];

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

/**
 * Look a unit up and validate raw parameter values against its declarations. A preset supplies values
 * for the parameters it names; giving one of those explicitly with a different value is an error.
 */
export function resolveUnit(name: string, raw: Record<string, unknown>, preset?: string): { unit: UnitDefinition; params: ParamValues } {
  const unit = getUnit(name);
  let merged = raw;
  if (preset !== undefined) {
    const presets = unit.presets ?? {};
    const values = presets[preset];
    if (!values) {
      const known = Object.keys(presets);
      throw new AxhwError(`${unit.name} has no preset '${preset}'.`, known.length ? `Its presets are: ${known.join(', ')}.` : `${unit.name} has no presets; set its parameters directly (see \`axhw units\`).`);
    }
    for (const [k, v] of Object.entries(values)) {
      if (raw[k] !== undefined && String(raw[k]) !== String(v)) {
        throw new AxhwError(`--${k} ${String(raw[k])} contradicts preset ${preset} (${k} = ${String(v)}).`, `Drop --${k}, or drop --preset and give every parameter.`);
      }
    }
    merged = { ...raw, ...values };
  }
  return { unit, params: parseParams(unit.name, unit.params, merged, unit.check) };
}
