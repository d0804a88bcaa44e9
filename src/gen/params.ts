import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { AxhwError } from '../errors.js';

// zod is loaded when parameters are first checked, not when the registry is: the command tree (every
// command's flags come from the registry) is built on each start, and loading zod's many modules there
// would slow every command. Its CommonJS build loads synchronously; the schemas below never leave this file.
let zod: typeof Zod | undefined;
const loadZod = (): typeof Zod => (zod ??= (createRequire(import.meta.url)('zod') as { z: typeof Zod }).z);

/**
 * A unit's parameters are declared once, as data: the CLI derives its flags from these declarations,
 * `axhw units` prints them, and every entry point validates through `parseParams`.
 */
export type ParamDecl =
  | {
      name: string;
      kind: 'int';
      min: number;
      max: number;
      default?: number;
      doc: string;
      /** Left out of module names at its default (a parameter added later: names made before it stay). */
      quietDefault?: boolean;
    }
  | { name: string; kind: 'bool'; default: boolean; doc: string }
  | {
      name: string;
      kind: 'enum';
      values: readonly string[];
      default: string;
      doc: string;
      /** Read by costing only (a memory's kind): the Verilog is the same for every value, so names leave it out. */
      costOnly?: boolean;
    }
  /** One bit per element of the unit, written as 0s and 1s, element 0 first (e.g. which PEs carry a multiplier). */
  | { name: string; kind: 'bits'; default: ''; doc: string }
  /** Another unit, written as its spec (`drum:width=8,k=4,signed`); modules render it as a child. */
  | {
      name: string;
      kind: 'unit';
      default: string;
      doc: string;
      /** The share of a module's cost its logic is counted in (e.g. 'multiplier'). */ costGroup?: string;
      /** May be empty (the default then): no such unit. */
      optional?: boolean;
    };

export type ParamValues = Record<string, number | boolean | string>;

/** The value type a declaration gives: int -> number, bool -> boolean, enum -> its values, bits and unit -> their text. */
type ValueOf<D extends ParamDecl> = D extends { kind: 'int' }
  ? number
  : D extends { kind: 'bool' }
    ? boolean
    : D extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

/**
 * The typed parameter object of a list of declarations: `ParamsOf<typeof decls>` for drum's is
 * `{ width: number; k: number; signed: boolean }`. Declare the list `as const` (or through
 * `defineUnit`/`defineModule`, which keep its literal names) so that each name keeps its own type.
 */
export type ParamsOf<D extends readonly ParamDecl[]> = { [E in D[number] as E['name']]: ValueOf<E> };

function schemaFor(d: ParamDecl): Zod.ZodType<number | boolean | string> {
  const z = loadZod();
  switch (d.kind) {
    case 'int': {
      // CLI text must be decimal digits: '0x8', '1e1', '8.0' and '' are refused, not read as numbers.
      const s = z.preprocess(
        (v) => (typeof v === 'string' ? (/^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN) : v),
        z
          .number({ error: `must be an integer` })
          .int({ error: `must be an integer` })
          .min(d.min, { error: `must be >= ${d.min}` })
          .max(d.max, { error: `must be <= ${d.max}` }),
      );
      return d.default === undefined ? s : s.default(d.default);
    }
    case 'bool':
      return z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]).default(d.default);
    case 'enum':
      return z.enum(d.values as [string, ...string[]], { error: `must be one of ${d.values.join(', ')}` }).default(d.default);
    case 'bits':
      return z
        .string()
        .regex(/^[01]*$/, { error: 'must be a string of 0s and 1s' })
        .default(d.default);
    case 'unit':
      return z
        .string({ error: 'must be a unit spec such as drum:width=8,k=4,signed' })
        .trim()
        .min(d.optional ? 0 : 1, { error: 'must name a unit' })
        .default(d.default);
  }
}

/** Parameter values not yet checked against a unit's declarations (CLI text, or typed values from code). */
export type RawParams = Record<string, unknown>;

/**
 * Validate raw values (CLI strings or typed values) against the declarations, then the unit's
 * cross-parameter rule. Unknown names are rejected: a misspelt parameter must not be silently ignored.
 */
export function parseParams(
  unitName: string,
  decls: readonly ParamDecl[],
  raw: RawParams,
  crossCheck?: (p: ParamValues) => string | undefined,
  rules: readonly string[] = [],
): ParamValues {
  const known = new Set(decls.map((d) => d.name));
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && !known.has(name)) {
      throw new AxhwError(
        `${unitName} has no parameter '${name}'.`,
        `Its parameters are: ${decls.map((d) => d.name).join(', ')} (see \`axhw units\`).`,
      );
    }
  }
  const out: ParamValues = {};
  for (const d of decls) {
    const value = raw[d.name];
    if (value === undefined && d.kind === 'int' && d.default === undefined) {
      throw new AxhwError(`${unitName}: parameter '${d.name}' is required (${d.doc}).`, `Pass --${d.name} <n>.`);
    }
    const r = schemaFor(d).safeParse(value);
    if (!r.success) {
      const why = r.error.issues.map((i) => i.message).join('; ');
      throw new AxhwError(
        `${unitName}: parameter '${d.name}' = ${JSON.stringify(value)} is invalid: ${why}.`,
        `${d.name}: ${d.doc}; e.g. ${d.name}=${example(d)} (see \`axhw units\`).`,
      );
    }
    out[d.name] = r.data;
  }
  const problem = crossCheck?.(out);
  if (problem)
    throw new AxhwError(
      `${unitName}: ${problem}`,
      `Choose values that keep ${unitName}'s rules: ${rules.join('; ')} (\`axhw units\` lists every unit's rules).`,
    );
  return out;
}

/** A value the declaration accepts, for fix hints: the default, else the smallest. */
function example(d: ParamDecl): string {
  if (d.kind === 'int') return String(d.default ?? d.min);
  if (d.kind === 'bits') return '0101';
  return String(d.default);
}

/** Compact parameter string for file names and top-module names, e.g. w8_k4_s, e8_f23_rne_full_p0. */
export function paramTag(decls: readonly ParamDecl[], p: ParamValues): string {
  return decls
    .map((d) => {
      const v = p[d.name];
      if (d.kind === 'bool') return v ? d.name[0] : '';
      if (d.kind === 'enum') return d.costOnly ? '' : String(v).replace(/[^A-Za-z0-9]/g, '');
      if (d.kind === 'unit') return String(v).replace(/[^A-Za-z0-9]+/g, '');
      if (d.kind === 'bits') return v === '' ? '' : `${d.name}${v}`;
      if (d.quietDefault && v === d.default) return '';
      return `${d.name[0]}${v}`;
    })
    .filter(Boolean)
    .join('_');
}
