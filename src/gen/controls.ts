import type { Design } from './design.js';
import type { ControlSetting } from './unit.js';
import { AxhwError } from '../errors.js';

/**
 * A complete, validated control setting for a design: every control input present (missing ones take
 * the design's default), unknown names rejected, values within the port (every code the port carries
 * is legal; the unit defines what out-of-range codes do).
 */
export function completeSetting(d: Design, given: ControlSetting | undefined): ControlSetting {
  const ctl = d.ports.controls;
  for (const name of Object.keys(given ?? {})) {
    if (!ctl.some((p) => p.name === name))
      throw new AxhwError(`${d.top} has no control input '${name}'.`, "`axhw units` lists each unit's control inputs.");
  }
  const out: ControlSetting = {};
  for (const p of ctl) {
    const v = given?.[p.name] ?? p.value;
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** p.width)
      throw new AxhwError(
        `${p.name} = ${v} does not fit the ${p.width}-bit ${p.name} port of ${d.top}.`,
        `Use a value 0..${2 ** p.width - 1}.`,
      );
    out[p.name] = v;
  }
  return out;
}

/** The setting's values in ports.controls order (what the co-simulation protocol sends). */
export function settingValues(d: Design, s: ControlSetting): number[] {
  return d.ports.controls.map((p) => s[p.name]);
}

/**
 * The design with its control inputs held at `setting` (validated): the port defaults that co-simulation
 * starts from and that power estimates hold constant, and the model, follow the setting.
 */
export function withControlDefaults(d: Design, setting: ControlSetting): Design {
  if (d.ports.controls.length === 0) return d;
  const s = completeSetting(d, setting);
  return {
    ...d,
    ports: { ...d.ports, controls: d.ports.controls.map((c) => ({ ...c, value: s[c.name] })) },
    model: d.modelFor ? d.modelFor(s) : d.model,
  };
}
