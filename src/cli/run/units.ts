import { listModules, listUnits } from '../../gen/registry.js';
import type { ParamDecl } from '../../gen/params.js';
import { printJson } from '../format/output.js';
import type { OptionsOf } from '../../util/options.js';
import type { UNITS_OPTIONS } from '../commands/units.js';

/** `axhw units` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runUnits(opts: OptionsOf<typeof UNITS_OPTIONS>): Promise<void> {
  const units = listUnits().map((u) => ({
    name: u.name,
    description: u.description,
    params: u.params,
    rules: u.rules ?? [],
    presets: u.presets ?? {},
    controls: (u.controls ?? []).map((c) => ({ name: c.name, doc: c.doc })),
    tables: ['pairs', ...(u.derivedTables ?? []).map((t) => t.name)],
    transform: u.transform !== undefined,
  }));
  const modules = listModules().map((m) => ({
    name: m.name,
    kind: 'module',
    description: m.description,
    params: m.params,
    rules: m.rules ?? [],
  }));
  if (opts.json) return printJson([...units, ...modules]);
  for (const u of units) {
    process.stdout.write(`${u.name}: ${u.description}\n`);
    for (const p of u.params) process.stdout.write(`  ${paramLine(p, '--')}\n`);
    for (const r of u.rules) process.stdout.write(`  rule: ${r}\n`);
    for (const [name, values] of Object.entries(u.presets))
      process.stdout.write(
        `  --preset ${name}: ${Object.entries(values)
          .map(([k, v]) => `${k} = ${String(v)}`)
          .join(', ')}\n`,
      );
    for (const c of u.controls) process.stdout.write(`  run-time input --${c.name}: ${c.doc}\n`);
    if (u.tables.length > 1) process.stdout.write(`  tables (lut --table): ${u.tables.join(', ')}\n`);
  }
  process.stdout.write('\nclocked module units (parameters as name=value in a spec; `axhw npu compile|run` builds the npu):\n');
  for (const m of modules) {
    process.stdout.write(`${m.name}: ${m.description}\n`);
    for (const p of m.params) process.stdout.write(`  ${paramLine(p, '')}\n`);
    for (const r of m.rules) process.stdout.write(`  rule: ${r}\n`);
  }
}

/** One parameter as `axhw units` prints it: name (prefixed as the unit takes it), range, default, doc. */
function paramLine(p: ParamDecl, prefix: string): string {
  const range =
    p.kind === 'int' ? ` (${p.min}..${p.max})` : p.kind === 'enum' ? ` (${p.values.join('|')})` : p.kind === 'bits' ? ' (0s and 1s)' : '';
  const def = 'default' in p && p.default !== undefined ? `, default ${p.default}` : '';
  return `${prefix}${p.name}${range}${def}: ${p.doc}`;
}
