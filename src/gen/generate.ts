import type { Design } from './design.js';
import type { ControlSetting, UnitDefinition } from './unit.js';
import { paramTag, type ParamValues } from './params.js';
import { renderTemplate, templatePath } from './templates.js';
import { rtlTemplateDir } from '../paths.js';
import { sha256 } from '../util/hash.js';

/** Top-module name: unit name plus parameters, a legal Verilog identifier (drum_w8_k4_s). */
export function topName(unit: UnitDefinition, p: ParamValues): string {
  return `${unit.name.replace(/[^A-Za-z0-9_]/g, '_')}_${paramTag(unit.params, p)}`;
}

/** Default values of a unit's control inputs. */
export function defaultControls(unit: UnitDefinition, p: ParamValues): ControlSetting {
  return Object.fromEntries((unit.controls ?? []).map((c) => [c.name, c.default(p)]));
}

/** Render a registry unit into a Design (Verilog + ports + model). */
export function generateDesign(unit: UnitDefinition, params: ParamValues): Design {
  const top = topName(unit, params);
  const { text } = renderTemplate(templatePath(rtlTemplateDir, unit.template), { ...unit.templateContext(params), top });
  const fileName = `${top}.v`;
  const defaults = defaultControls(unit, params);
  return {
    unit: unit.name,
    params,
    top,
    sources: { [fileName]: text },
    ports: unit.ports(params),
    numbers: unit.numbers(params),
    model: unit.model(params, defaults),
    modelFor: unit.controls?.length ? (c) => unit.model(params, { ...defaults, ...c }) : undefined,
    describeCode: unit.describeCode?.(params),
    valueOfCode: unit.valueOfCode?.(params),
    metricsDomain: unit.metricsDomain?.(params),
    sampleOperands: unit.sampleOperands?.(params),
    extraCorners: unit.extraCorners?.(params),
    rtlHash: sha256(fileName, text),
  };
}
