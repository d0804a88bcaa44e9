import { readMaybeCompressed } from './decompress.js';
import { dataError } from './data-error.js';
import type { LabelledData } from './table-data.js';

/** One ARFF attribute: numeric, or nominal with its values in declaration order. */
interface Attribute {
  name: string;
  nominal?: string[];
}

/**
 * ARFF (Weka's format): `@attribute name numeric|real|integer|{a,b,...}`, then `@data` rows (dense,
 * comma-separated, quotes allowed, `%` comments). The class is the last attribute and must be nominal;
 * every other attribute must be numeric. Rows with missing values (`?`) are rejected, not guessed.
 */
export function readArff(file: string): LabelledData {
  const lines = readMaybeCompressed(file).toString('utf8').split(/\r?\n/);
  const attrs: Attribute[] = [];
  let dataAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    const lower = line.toLowerCase();
    if (lower.startsWith('@relation')) continue;
    if (lower.startsWith('@attribute')) {
      attrs.push(parseAttribute(file, i + 1, line.slice('@attribute'.length).trim()));
      continue;
    }
    if (lower.startsWith('@data')) {
      dataAt = i + 1;
      break;
    }
    throw dataError(file, `line ${i + 1}: unexpected '${line.slice(0, 40)}' before @data`);
  }
  if (dataAt < 0) throw dataError(file, 'no @data section (is this an ARFF file?)');
  if (attrs.length < 2) throw dataError(file, 'ARFF needs at least one feature and a class attribute');
  const cls = attrs[attrs.length - 1]!;
  if (!cls.nominal) throw dataError(file, `the last attribute '${cls.name}' is the class and must be nominal`);
  const features = attrs.slice(0, -1);
  const bad = features.find((a) => a.nominal);
  if (bad) throw dataError(file, `attribute '${bad.name}' is nominal; only numeric features are supported`);
  const f = features.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = dataAt; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    if (line.startsWith('{')) throw dataError(file, `line ${i + 1}: sparse ARFF rows are not supported`);
    const cells = splitRow(line);
    if (cells.length !== attrs.length) throw dataError(file, `line ${i + 1}: ${cells.length} values, expected ${attrs.length}`);
    for (let c = 0; c < f; c++) {
      const v = Number(cells[c]);
      if (cells[c] === '?' || cells[c] === '' || !Number.isFinite(v))
        throw dataError(file, `line ${i + 1}: value '${cells[c]}' of '${features[c]!.name}' is missing or not a number`);
      xs.push(v);
    }
    const label = cls.nominal.indexOf(cells[f]!);
    if (label < 0) throw dataError(file, `line ${i + 1}: class '${cells[f]}' is not one of {${cls.nominal.join(',')}}`);
    ys.push(label);
  }
  if (ys.length === 0) throw dataError(file, 'no data rows');
  return { x: Float32Array.from(xs), y: Int32Array.from(ys), n: ys.length, shape: [f], classes: cls.nominal };
}

function parseAttribute(file: string, lineNo: number, rest: string): Attribute {
  const m = /^('[^']*'|"[^"]*"|\S+)\s+(.*)$/.exec(rest);
  if (!m) throw dataError(file, `line ${lineNo}: malformed @attribute`);
  const name = unquote(m[1]!);
  const type = m[2]!.trim();
  if (type.startsWith('{')) {
    if (!type.endsWith('}')) throw dataError(file, `line ${lineNo}: unterminated nominal list`);
    return { name, nominal: splitRow(type.slice(1, -1)) };
  }
  if (/^(numeric|real|integer)$/i.test(type)) return { name };
  throw dataError(file, `line ${lineNo}: attribute type '${type}' is not supported (numeric, real, integer or nominal)`);
}

function splitRow(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function unquote(s: string): string {
  return /^(['"]).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function stripComment(line: string): string {
  const i = line.indexOf('%');
  return i < 0 ? line : line.slice(0, i);
}
