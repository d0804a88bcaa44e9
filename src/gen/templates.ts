import type HandlebarsNamespace from 'handlebars';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AxhwError } from '../errors.js';

const int = (v: unknown, op: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`template helper '${op}' needs integers, got ${JSON.stringify(v)}`);
  return v;
};

let instance: typeof HandlebarsNamespace | undefined;
/**
 * Handlebars instance for RTL and harness templates. Verilog needs width arithmetic (N-1, 2N-1), so
 * templates get small integer helpers instead of the generator precomputing every expression. Loaded when a
 * template is first rendered (about 25 ms), not by every process that imports a generator: a refusal or a
 * cached run renders nothing.
 */
function handlebars(): typeof HandlebarsNamespace {
  if (instance) return instance;
  const hb = (createRequire(import.meta.url)('handlebars') as typeof HandlebarsNamespace).create();
  hb.registerHelper('add', (a: unknown, b: unknown) => int(a, 'add') + int(b, 'add'));
  hb.registerHelper('sub', (a: unknown, b: unknown) => int(a, 'sub') - int(b, 'sub'));
  hb.registerHelper('mul', (a: unknown, b: unknown) => int(a, 'mul') * int(b, 'mul'));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return (instance = hb);
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
const partialDirs = new Set<string>();

/**
 * Blocks shared by several templates (the PE's finishing arithmetic, used by the MAC and SAC PEs) live in
 * `partials/` beside them, as `{{> name}}` where `<name>.v.hbs` is the file.
 */
function registerPartials(templateDir: string): void {
  if (partialDirs.has(templateDir)) return;
  partialDirs.add(templateDir);
  const dir = join(templateDir, 'partials');
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir))
    if (f.endsWith('.hbs')) handlebars().registerPartial(f.replace(/\.v\.hbs$|\.hbs$/, ''), readFileSync(join(dir, f), 'utf8'));
}

/** Render a template file; `strict` makes a missing context field an error rather than empty text. */
export function renderTemplate(path: string, context: Record<string, unknown>): { text: string; source: string } {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    throw new AxhwError(`Template ${path} is missing.`, 'Reinstall axhw: the rtl-templates/ and cosim/ folders ship with it.');
  }
  registerPartials(dirname(path));
  let fn = compiled.get(path);
  if (!fn) {
    fn = handlebars().compile(source, { strict: true, noEscape: true });
    compiled.set(path, fn);
  }
  return { text: fn(context), source };
}

export function templatePath(dir: string, name: string): string {
  return join(dir, name);
}
