import type { Design } from './design.js';
import type { MemoryDecl, ModuleDefinition, ModuleModel, ModulePorts } from './module.js';
import { paramTag, type ParamValues } from './params.js';
import { renderTemplate, templatePath } from './templates.js';
import { rtlTemplateDir } from '../paths.js';
import { sha256 } from '../util/hash.js';
import { resolveUnitSpec } from './unit-spec.js';
import { generateDesign } from './generate.js';
import { getModule } from './registry.js';
import { AxhwError } from '../errors.js';
import { renderRam } from './render-ram.js';

/** A rendered module: its Verilog (children merged in), ports in harness roles and its model. */
export interface ModuleDesign {
  unit: string;
  params: ParamValues;
  top: string;
  sources: Record<string, string>;
  ports: ModulePorts;
  /** The units named by 'unit' parameters, by parameter. */
  children: Record<string, Design>;
  /** Its memories, each a module of the sources (`top`). */
  memories: (MemoryDecl & { top: string })[];
  /** The module units rendered inside it (e.g. the NPU's PE). */
  submodules: ModuleDesign[];
  costGroup: string;
  /** `observe` receives the directed corners the model passes through. */
  model(observe?: (corner: string) => void): ModuleModel;
  rtlHash: string;
}

export function moduleTopName(def: ModuleDefinition, p: ParamValues): string {
  return `${def.name.replace(/[^A-Za-z0-9_]/g, '_')}_${paramTag(def.params, p)}`.slice(0, 200);
}

/**
 * Render a module: every 'unit' parameter is resolved through the registry and generated (or taken from
 * `children`, e.g. a user's Verilog multiplier), submodules are rendered with the same children, and all
 * sources are merged.
 */
export function generateModule(def: ModuleDefinition, params: ParamValues, given: Record<string, Design> = {}): ModuleDesign {
  const children: Record<string, Design> = {};
  for (const d of def.params) {
    if (d.kind !== 'unit') continue;
    if (given[d.name]) {
      children[d.name] = given[d.name]!;
      continue;
    }
    if (d.optional && params[d.name] === '') continue;
    const spec = resolveUnitSpec(String(params[d.name]));
    if (Object.keys(spec.controls).length)
      throw new AxhwError(
        `${def.name}: ${d.name}=${String(params[d.name])} sets control inputs; a child unit runs at its defaults.`,
        `Drop the control inputs from ${d.name}.`,
      );
    children[d.name] = generateDesign(spec.unit, spec.params);
  }
  const top = moduleTopName(def, params);
  const sources: Record<string, string> = {};
  for (const c of Object.values(children)) Object.assign(sources, c.sources);
  const context: Record<string, unknown> = { ...def.templateContext(params, children), top };
  const submodules: ModuleDesign[] = [];
  for (const s of def.submodules?.(params) ?? []) {
    const given = s.children ? Object.fromEntries(Object.entries(s.children).map(([own, parent]) => [own, children[parent]!])) : children;
    const sub = generateModule(getModule(s.module), s.params, given);
    Object.assign(sources, sub.sources);
    context[s.as ?? `${s.module}Top`] = sub.top;
    submodules.push(sub);
  }
  const memories = (def.memories?.(params, children) ?? []).map((m) => ({ ...m, top: `${top}_${m.name}` }));
  context.mem = Object.fromEntries(memories.map((m) => [m.name, m.top]));
  for (const m of memories) sources[`${m.top}.v`] = renderRam(m);
  const { text } = renderTemplate(templatePath(rtlTemplateDir, def.template), context);
  sources[`${top}.v`] = text;
  const parts = Object.entries(sources)
    .sort(([x], [y]) => x.localeCompare(y))
    .flat();
  return {
    unit: def.name,
    params,
    top,
    sources,
    ports: def.ports(params, children),
    children,
    memories,
    submodules,
    costGroup: def.costGroup,
    model: (observe) => def.model(params, children, observe),
    rtlHash: sha256(...parts),
  };
}
