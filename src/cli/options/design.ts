import { Command, Option } from 'commander';
import { getUnit, listUnits, resolveUnit } from '../../gen/registry.js';
import { parseUnitSpec } from '../../gen/unit-spec.js';
import type { Design } from '../../gen/design.js';
import { AxhwError } from '../../errors.js';
import type { ParamDecl, RawParams } from '../../gen/params.js';
import type { ControlSetting } from '../../gen/unit.js';
import { combinations, expandList } from '../../util/value-list.js';
import { toCount } from '../../util/numbers.js';
import { addOptions, optionValues, parsed, text, texts, type OptionsOf } from '../../util/options.js';

/** The positional unit (a name or a whole spec); optional where --rtl can stand in for it. */
export function addUnitArgument(cmd: Command, withRtl: boolean): Command {
  const doc = 'registry unit or unit spec, e.g. drum or drum:width=8,k=4,signed (see `axhw units`)';
  return withRtl ? cmd.argument('[unit]', `${doc}; omit with --rtl`) : cmd.argument('<unit>', doc);
}

/**
 * Options that select a design: a registry unit with its parameters (flags derived from the registry's
 * declarations), or a user's Verilog via --rtl/--top. Shared by verify and lut.
 */
export function addUnitParamOptions(cmd: Command): Command {
  // One flag per parameter name; its help lists each unit that has it with that unit's default.
  const seen = new Map<string, { decl: ParamDecl; units: string[] }>();
  for (const u of listUnits()) {
    for (const d of u.params) {
      const def = d.default === undefined ? 'required' : `default ${d.default}`;
      const e = seen.get(d.name);
      if (e) e.units.push(`${u.name}: ${def}`);
      else seen.set(d.name, { decl: d, units: [`${u.name}: ${def}`] });
    }
  }
  for (const [name, { decl, units }] of seen) {
    const doc = `${decl.doc} [${units.join('; ')}]`;
    if (decl.kind === 'bool') cmd.addOption(new Option(`--${name}`, doc));
    else cmd.addOption(new Option(`--${name} <${decl.kind === 'int' ? 'n' : 'value'}>`, doc));
  }
  const presets = listUnits().flatMap((u) => Object.keys(u.presets ?? {}).map((k) => `${k} [${u.name}]`));
  if (presets.length) cmd.addOption(new Option('--preset <name>', `named parameter set: ${presets.join(', ')}`));
  return cmd;
}

/**
 * Flags for run-time control inputs (e.g. --mbits), derived from the registry. `multi` commands accept
 * a list (`all`, `n`, `a..b`, comma-separated); others take one value.
 */
export function addControlOptions(cmd: Command, multi: boolean): Command {
  const seen = new Map<string, { doc: string; units: string[] }>();
  for (const u of listUnits()) {
    for (const c of u.controls ?? []) {
      const e = seen.get(c.name);
      if (e) e.units.push(u.name);
      else seen.set(c.name, { doc: c.doc, units: [u.name] });
    }
  }
  for (const [name, { doc, units }] of seen) {
    const how = multi ? ` -- one value, a..b, a comma list, or all (default: all codes the port carries)` : ' (default: full precision)';
    cmd.addOption(new Option(`--${name} <${multi ? 'values' : 'n'}>`, `${doc}${how} [${units.join(', ')}]`));
  }
  return cmd;
}

/**
 * The control settings a command runs with: one per value (or combination of values) requested,
 * every code the port carries for `all` (or by default when `defaultAll`), else the unit's default.
 */
export function controlSettingsFromOptions(d: Design, opts: UnitFlags, defaultAll: boolean): ControlSetting[] {
  const ctl = d.ports.controls;
  if (ctl.length === 0) {
    const given = listUnits()
      .flatMap((u) => (u.controls ?? []).map((c) => c.name))
      .filter((n) => opts[n] !== undefined);
    if (given.length)
      throw new AxhwError(
        `--${given[0]} does not apply to ${d.top}: it has no '${given[0]}' input.`,
        `Drop --${given[0]}; \`axhw units\` lists each unit's control inputs.`,
      );
    return [{}];
  }
  return combinations(
    ctl.map((c) => {
      const max = 2 ** c.width - 1;
      const given = opts[c.name];
      const raw = typeof given === 'string' ? given : undefined;
      return { name: c.name, values: raw === undefined ? (defaultAll ? range(0, max) : [c.value]) : parseValueList(c.name, raw, max) };
    }),
  );
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

function parseValueList(name: string, raw: string, max: number): number[] {
  if (raw === 'all') return range(0, max);
  const values = expandList(raw);
  if ('error' in values || values.some((v) => typeof v !== 'number' || v < 0 || v > max)) {
    throw new AxhwError(
      `--${name} '${raw}' is not a valid list of values 0..${max}.`,
      `Give one value (--${name} 8), a range (--${name} 4..12), a list (--${name} 4,8,12) or all; ` +
        `the port is ${Math.log2(max + 1)} bits wide.`,
    );
  }
  return [...new Set(values.filter((v) => typeof v === 'number'))].sort((x, y) => x - y);
}

/** The flags of a user's own Verilog (--rtl and its ports), instead of a registry unit. */
export const EXTERNAL_OPTIONS = {
  rtl: texts('--rtl <files...>', 'your own Verilog file(s) instead of a registry unit'),
  top: text('--top <module>', 'top module of --rtl'),
  model: text('--model <file.mjs>', 'bit-exact model of --rtl: ES module exporting (a, b) => product'),
  a: text('--a <port>', 'first operand port of --rtl (inferred when there are two inputs)'),
  b: text('--b <port>', 'second operand port of --rtl'),
  y: text('--y <port>', 'result port of --rtl (inferred when there is one output)'),
  aWidth: parsed('--a-width <n>', 'expected width of the first operand port (checked)', toCount),
  bWidth: parsed('--b-width <n>', 'expected width of the second operand port (checked)', toCount),
  yWidth: parsed('--y-width <n>', 'expected width of the result port (checked)', toCount),
};
export type ExternalOptions = OptionsOf<typeof EXTERNAL_OPTIONS>;

/**
 * The values of the flags derived from the registry (--width, --k, --signed, --mbits, --preset): their
 * names are the units' parameter and control names, known only from the registry, so this is a map;
 * each value is text (or true for a switch) until the unit's declaration parses it.
 */
export type UnitFlags = { [flag: string]: string | boolean | undefined };

/**
 * The options of a command that takes a design (verify, lut, synth): the positional unit, the registry
 * parameter flags, the control-input flags (a list each when `multi`) and --rtl with its ports.
 */
export function addDesignOptions(cmd: Command, multi: boolean): Command {
  addUnitArgument(cmd, true);
  addUnitParamOptions(cmd);
  addControlOptions(cmd, multi);
  return addOptions(cmd, EXTERNAL_OPTIONS);
}

/**
 * The design a command's options select, and the control settings it runs under (every code for `all`,
 * or by default when `defaultAll`).
 */
export async function designFromCommand(
  unit: string | undefined,
  parsedOptions: object,
  defaultAll: boolean,
): Promise<{ design: Design; controls: ControlSetting[] }> {
  const flags = unitFlags(parsedOptions);
  const design = await designFromOptions(unit, optionValues(EXTERNAL_OPTIONS, parsedOptions), flags);
  return { design, controls: controlSettingsFromOptions(design, flags, defaultAll) };
}

/** The registry-derived flags out of commander's parsed options. */
export function unitFlags(parsed: object): UnitFlags {
  const source = parsed as { [k: string]: unknown };
  const names = new Set([
    'preset',
    ...listUnits().flatMap((u) => [...u.params.map((p) => p.name), ...(u.controls ?? []).map((c) => c.name)]),
  ]);
  const out: UnitFlags = {};
  for (const n of names) {
    const v = source[n];
    if (typeof v === 'string' || typeof v === 'boolean') out[n] = v;
  }
  return out;
}

/** The registry-parameter flags a command was given (--width, --k, ...), as raw values. */
export function rawParamsFromOptions(opts: UnitFlags): RawParams {
  const raw: RawParams = {};
  for (const u of listUnits())
    for (const p of u.params) {
      const v = opts[p.name];
      if (v !== undefined) raw[p.name] = v;
    }
  return raw;
}

/** Build the Design selected by a command's positional unit name and options. */
export async function designFromOptions(unitName: string | undefined, ext: Partial<ExternalOptions>, opts: UnitFlags): Promise<Design> {
  const paramNames = new Set(listUnits().flatMap((u) => u.params.map((p) => p.name)));
  if (ext.rtl) {
    if (unitName)
      throw new AxhwError(
        `Give either a unit name ('${unitName}') or --rtl, not both.`,
        'Drop the unit name to use your Verilog, or drop --rtl to use the registry unit.',
      );
    if (!ext.top) throw new AxhwError('--rtl needs --top <module>.', 'Pass the name of the module to test with --top.');
    if (opts.preset !== undefined)
      throw new AxhwError(
        '--preset selects registry-unit parameters and does not apply to --rtl.',
        'Drop --preset: your Verilog fixes its own widths (check them with --a-width, --b-width, --y-width).',
      );
    for (const n of paramNames) {
      if (n !== 'signed' && opts[n] !== undefined)
        throw new AxhwError(
          `--${n} is a registry-unit parameter and does not apply to --rtl.`,
          'Use --a-width/--b-width to check port widths.',
        );
    }
    // Loaded here, not at start-up: it brings the simulator tooling, which option parsing and --help do not need.
    const { externalDesign } = await import('../../external/design.js');
    return externalDesign({ ...ext, rtl: ext.rtl, top: ext.top, signed: opts.signed === true ? true : undefined });
  }
  if (!unitName)
    throw new AxhwError(
      'No design given.',
      `Name a unit (${listUnits()
        .map((u) => u.name)
        .join(', ')}) or pass --rtl <file.v> --top <module>.`,
    );
  // Every flag of EXTERNAL_OPTIONS but --rtl itself (which selects the user's design) refused here, in declaration order.
  for (const [key, decl] of Object.entries(EXTERNAL_OPTIONS)) {
    if (key !== 'rtl' && ext[key as keyof ExternalOptions] !== undefined)
      throw new AxhwError(
        `${decl.toOption().long} only applies to --rtl designs, not to the registry unit '${unitName}'.`,
        'Drop it, or give your Verilog with --rtl <files> --top <module>.',
      );
  }
  const u = unitArgument(unitName, opts);
  const { unit, params } = resolveUnit(u.name, u.raw, u.preset);
  // Loaded here, not at start-up: generating brings the template engine, which --help does not need.
  const { generateDesign } = await import('../../gen/generate.js');
  return generateDesign(unit, params);
}

/**
 * The positional unit argument, a name or a whole spec (`drum:width=8,k=4,signed`), merged with the
 * parameter flags (a value given both ways must agree). Control inputs named in the spec (fpmul's
 * mbits) become the command's control flags.
 */
export function unitArgument(arg: string, opts: UnitFlags): { name: string; raw: RawParams; preset?: string } {
  const spec = parseUnitSpec(arg);
  const raw = rawParamsFromOptions(opts);
  const controls = new Set((getUnit(spec.unit).controls ?? []).map((c) => c.name));
  let preset = typeof opts.preset === 'string' ? opts.preset : undefined;
  for (const [k, v] of Object.entries(spec.raw)) {
    const flag = k === 'preset' ? preset : controls.has(k) ? opts[k] : raw[k];
    if (flag !== undefined && String(flag) !== String(v))
      throw new AxhwError(`'${arg}' sets ${k} = ${String(v)}, but --${k} says ${String(flag)}.`, 'Give each parameter once.');
    if (k === 'preset') preset = String(v);
    else if (controls.has(k)) opts[k] = String(v);
    else raw[k] = v;
  }
  return { name: spec.unit, raw, preset };
}
