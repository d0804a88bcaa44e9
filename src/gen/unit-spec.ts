import { AxhwError } from '../errors.js';
import { getUnit, resolveUnit } from './registry.js';
import type { ParamValues, RawParams } from './params.js';
import type { ControlSetting, UnitDefinition } from './unit.js';

/**
 * A unit with parameters, written one way everywhere: `unit:name=value,...`, a bare name for a true
 * flag (`drum:width=8,k=4,signed`). Control inputs may be set the same way (`fpmul:preset=bfloat16,mbits=8`);
 * `preset=<name>` selects a named parameter set. The CLI's positional unit, training's --multiplier,
 * experiments and (later) units that take another unit as a parameter all go through here.
 */
export interface UnitSpec {
  unit: string;
  /** Parameter values as written (strings, or true for a bare flag). */
  raw: Record<string, string | boolean>;
}

export interface ResolvedUnitSpec {
  unit: UnitDefinition;
  /** Validated against the registry's declarations (defaults filled in). */
  params: ParamValues;
  /** Control-input values given in the spec (validated against the port when a design is built). */
  controls: ControlSetting;
  preset?: string;
}

const FORM = 'Write a unit as name:param=value,... e.g. drum:width=8,k=4,signed (see `axhw units`).';

export function parseUnitSpec(text: string): UnitSpec {
  const colon = text.indexOf(':');
  const unit = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!unit) throw new AxhwError(`'${text}' names no unit.`, FORM);
  const raw: Record<string, string | boolean> = {};
  // Stryker disable next-line EqualityOperator: colon at 0 means no unit name, refused above either way
  for (const part of (colon < 0 ? '' : text.slice(colon + 1)).split(',').filter((p) => p.trim())) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    // Stryker disable next-line EqualityOperator: '=' at 0 means no name, refused below whatever the value
    const value = eq < 0 ? true : part.slice(eq + 1).trim();
    if (!name) throw new AxhwError(`'${text}': a parameter has no name.`, FORM);
    if (name in raw) throw new AxhwError(`'${text}' sets ${name} twice.`, FORM);
    raw[name] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return { unit, raw };
}

/** `unit:k=v,...` from values (a true flag is written bare, in the order given). */
export function formatUnitSpec(unit: string, values: RawParams): string {
  const parts = Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`));
  return parts.length ? `${unit}:${parts.join(',')}` : unit;
}

/** Parse and validate against the registry: parameters, control inputs and a preset, each by its declaration. */
export function resolveUnitSpec(text: string): ResolvedUnitSpec {
  const { unit: name, raw } = parseUnitSpec(text);
  const all: RawParams = { ...raw };
  const { preset, ...rest } = all;
  const controlNames = new Set((getUnit(name).controls ?? []).map((c) => c.name));
  const controls: ControlSetting = {};
  const params: RawParams = {};
  for (const [k, v] of Object.entries(rest)) {
    if (!controlNames.has(k)) params[k] = v;
    else {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0)
        throw new AxhwError(`'${text}': control input ${k} = ${String(v)} is not a non-negative integer.`, FORM);
      controls[k] = n;
    }
  }
  if (preset !== undefined && typeof preset !== 'string') throw new AxhwError(`'${text}': preset needs a name (preset=<name>).`, FORM);
  const r = resolveUnit(name, params, preset);
  return { unit: r.unit, params: r.params, controls, preset };
}
