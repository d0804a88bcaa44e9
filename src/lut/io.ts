import { readFileSync, existsSync, rmSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { AxhwError } from '../errors.js';
import { sha256, sha256Plain } from '../util/hash.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { npyDescr, parseDescr, tableMetaHash, valueAt, type Dtype, type LutTable, type TableMeta } from './table.js';
import { writeAtomic } from '../util/atomic-write.js';

export type TableFormat = 'npy' | 'bin' | 'hex';

export function formatOf(path: string, explicit?: string): TableFormat {
  const fromName = extname(path).slice(1).toLowerCase();
  if (explicit !== undefined && ['npy', 'bin', 'hex'].includes(fromName) && explicit.toLowerCase() !== fromName) {
    throw new AxhwError(
      `--format ${explicit} disagrees with the file name '${path}' (a .${fromName} file).`,
      `Drop --format (the extension decides), or name the file *.${explicit.toLowerCase()}.`,
    );
  }
  const f = (explicit ?? fromName).toLowerCase();
  if (f === 'npy' || f === 'bin' || f === 'hex') return f;
  throw new AxhwError(`Cannot tell the table format of '${path}'.`, 'Use a .npy, .bin or .hex file name, or pass --format npy|bin|hex.');
}

/** The JSON sidecar that travels with every table file: `<file>.json`. */
export function sidecarPath(path: string): string {
  return `${path}.json`;
}

/**
 * Write a table and its sidecar. Both are written whole (temp + rename); the table lands before the
 * sidecar, and if the sidecar fails the table is removed, so a reader never sees one without the other.
 */
export function writeTable(t: LutTable, path: string, format: TableFormat = formatOf(path)): string[] {
  let bytes: Buffer;
  if (format === 'npy') bytes = encodeNpy(t.dtype, t.meta.shape, t.data);
  else if (format === 'bin') bytes = t.data;
  else bytes = Buffer.from(encodeHex(t), 'latin1');
  writeAtomic(path, bytes);
  try {
    writeAtomic(sidecarPath(path), JSON.stringify({ ...t.meta, file: { format } }, null, 2) + '\n');
  } catch (e) {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the table was written just above, so it exists and force changes nothing
    rmSync(path, { force: true });
    throw e;
  }
  return [path, sidecarPath(path)];
}

/** $readmemh text: one entry per line, the raw result code (two's complement, yWidth bits) in hex. */
function encodeHex(t: LutTable): string {
  const w = t.meta.yWidth;
  const digits = Math.ceil(w / 4);
  const n = t.data.length / t.dtype.bytes;
  const lines = [
    `// axhw ${t.meta.kind} table ${t.meta.top}: ${t.meta.shape[0]} x ${t.meta.shape[1]}, entry ` +
      `index = row * ${t.meta.shape[1]} + column, ${w}-bit codes`,
  ];
  for (let i = 0; i < n; i++) lines.push(BigInt.asUintN(w, valueAt(t, i)).toString(16).padStart(digits, '0'));
  return lines.join('\n') + '\n';
}

function decodeHex(text: string, meta: TableMeta, dtype: Dtype, path: string): Buffer {
  // Lines may end in CRLF (a table edited on Windows); a // comment runs to the end of its line.
  // Stryker disable next-line Regex: after the split no line holds a line break, so '.*' reaches its end with or without '$'
  const entries = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter(Boolean);
  const n = meta.shape[0] * meta.shape[1];
  if (entries.length !== n)
    throw new AxhwError(
      `${path} holds ${entries.length} entries; its sidecar says ${n}.`,
      'The file is truncated or was edited; regenerate it with `axhw lut`.',
    );
  const out = Buffer.alloc(n * dtype.bytes);
  for (let i = 0; i < n; i++) {
    if (!/^[0-9a-fA-F]+$/.test(entries[i]))
      throw new AxhwError(`${path}: entry ${i} ('${entries[i]}') is not hexadecimal.`, 'Regenerate the table with `axhw lut`.');
    const code = BigInt('0x' + entries[i]);
    if (code >> BigInt(meta.yWidth) !== 0n)
      throw new AxhwError(`${path}: entry ${i} exceeds ${meta.yWidth} bits.`, 'Regenerate the table with `axhw lut`.');
    const v = meta.signed ? BigInt.asIntN(meta.yWidth, code) : code;
    const o = i * dtype.bytes;
    if (dtype.bytes === 8) {
      if (dtype.signed) out.writeBigInt64LE(v, o);
      else out.writeBigUInt64LE(v, o);
    } else out.writeUIntLE(Number(BigInt.asUintN(8 * dtype.bytes, v)), o, dtype.bytes);
  }
  return out;
}

const metaSchema = z.object({
  format: z.literal('axhw-lut'),
  version: z.union([z.literal(1), z.literal(2)]),
  unit: z.string(),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  top: z.string(),
  rtlHash: z.string().regex(/^[0-9a-f]{64}$/),
  verilator: z.string(),
  verified: z.boolean(),
  source: z.literal('rtl'),
  kind: z.string().default('pairs'),
  controls: z.record(z.string(), z.number().int().nonnegative()).optional(),
  shape: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  dtype: z.string(),
  aWidth: z.number().int().min(1).max(32),
  bWidth: z.number().int().min(1).max(32),
  yWidth: z.number().int().min(1).max(64),
  signed: z.boolean(),
  layout: z.string(),
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/),
  metaSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  createdAt: z.string(),
});

export interface TableExpectation {
  unit?: string;
  kind?: string;
  params?: Record<string, unknown>;
  controls?: Record<string, number>;
  rtlHash?: string;
  requireVerified?: boolean;
}

/**
 * Load and validate a table: file structure, size, dtype and shape against the sidecar, the data hash,
 * and optionally the unit, parameters and RTL it must come from. Any disagreement is an error that says
 * what differs; nothing is silently reinterpreted.
 */
export function readTable(path: string, expect: TableExpectation = {}): LutTable {
  const format = formatOf(path);
  if (!existsSync(path)) throw new AxhwError(`Table file ${path} does not exist.`, 'Create it with `axhw lut <unit> ... -o <file>`.');
  const side = sidecarPath(path);
  if (!existsSync(side))
    throw new AxhwError(
      `Table ${path} has no sidecar ${side}; without it the table's unit, RTL and integrity cannot be checked.`,
      'Keep the .json that `axhw lut` writes next to the table, or regenerate both.',
    );
  let metaRaw: unknown;
  try {
    metaRaw = JSON.parse(readFileSync(side, 'utf8'));
  } catch (e) {
    throw new AxhwError(`Sidecar ${side} is not valid JSON (${(e as Error).message}).`, 'Regenerate the table with `axhw lut`.');
  }
  const parsed = metaSchema.safeParse(metaRaw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AxhwError(`Sidecar ${side} is malformed: ${why}.`, 'Regenerate the table with `axhw lut`.');
  }
  const meta = parsed.data as TableMeta;
  const dtype = parseDescr(meta.dtype);
  if (!dtype) throw new AxhwError(`Sidecar ${side} names an unknown dtype '${meta.dtype}'.`, 'Regenerate the table with `axhw lut`.');
  if (meta.kind === 'pairs' && (meta.shape[0] !== 2 ** meta.aWidth || meta.shape[1] !== 2 ** meta.bWidth)) {
    throw new AxhwError(
      `Sidecar ${side}: shape ${meta.shape.join(' x ')} does not match operand widths ${meta.aWidth} and ${meta.bWidth}.`,
      'Regenerate the table with `axhw lut`.',
    );
  }
  const raw = readFileSync(path);
  let data: Buffer;
  if (format === 'npy') {
    const npy = decodeNpy(raw, path);
    if (npyDescr(npy.dtype) !== meta.dtype || npy.shape[0] !== meta.shape[0] || npy.shape[1] !== meta.shape[1]) {
      throw new AxhwError(
        `${path} is ${npyDescr(npy.dtype)} ${npy.shape.join(' x ')} but its sidecar says ${meta.dtype} ${meta.shape.join(' x ')}.`,
        'The table and sidecar belong to different tables; regenerate them together.',
      );
    }
    data = npy.data;
  } else if (format === 'bin') {
    const want = meta.shape[0] * meta.shape[1] * dtype.bytes;
    if (raw.length !== want)
      throw new AxhwError(
        `${path} is ${raw.length} bytes; ${meta.shape.join(' x ')} entries of ${meta.dtype} need ${want}.`,
        'The file is truncated or belongs to another table; regenerate it with `axhw lut`.',
      );
    data = raw;
  } else {
    data = decodeHex(raw.toString('latin1'), meta, dtype, path);
  }
  // The sidecar's own fields (unit, parameters, RTL hash...) are covered by its metaSha256 from version 2 on.
  if (meta.version === 2 && meta.metaSha256 !== tableMetaHash(meta)) {
    throw new AxhwError(
      `Sidecar ${side} was edited: its fields no longer match its metaSha256, so the unit, parameters and RTL it names cannot be trusted.`,
      'Regenerate the table with `axhw lut` (never edit a sidecar by hand).',
    );
  }
  const hash = meta.version === 1 ? sha256(data) : sha256Plain(data);
  if (hash !== meta.dataSha256) {
    throw new AxhwError(
      `${path} is corrupt: its data hash ${hash.slice(0, 16)}... differs from the sidecar's ${meta.dataSha256.slice(0, 16)}...`,
      'Regenerate the table with `axhw lut`.',
    );
  }
  const t: LutTable = { meta, dtype, data };
  checkExpectation(t, expect, path);
  return t;
}

function checkExpectation(t: LutTable, e: TableExpectation, path: string): void {
  const fix = 'Regenerate the table for the unit and parameters you are using.';
  if (e.unit !== undefined && t.meta.unit !== e.unit) throw new AxhwError(`${path} is a table of '${t.meta.unit}', not '${e.unit}'.`, fix);
  if (e.kind !== undefined && t.meta.kind !== e.kind)
    throw new AxhwError(`${path} is a '${t.meta.kind}' table, not a '${e.kind}' table.`, fix);
  for (const [k, v] of Object.entries(e.controls ?? {})) {
    if (t.meta.controls?.[k] !== v) throw new AxhwError(`${path} was read with ${k} = ${t.meta.controls?.[k] ?? '(none)'}, not ${v}.`, fix);
  }
  if (e.params) {
    for (const [k, v] of Object.entries(e.params)) {
      if (t.meta.params[k] !== v)
        throw new AxhwError(`${path} was made with ${k} = ${JSON.stringify(t.meta.params[k])}, not ${JSON.stringify(v)}.`, fix);
    }
  }
  if (e.rtlHash !== undefined && t.meta.rtlHash !== e.rtlHash)
    throw new AxhwError(
      `${path} was read from different RTL (hash ${t.meta.rtlHash.slice(0, 16)}..., expected ${e.rtlHash.slice(0, 16)}...).`,
      fix,
    );
  if (e.requireVerified && !t.meta.verified)
    throw new AxhwError(
      `${path} was not verified against a model.`,
      'Regenerate it with a model (registry units always have one; for your RTL pass --model).',
    );
}
