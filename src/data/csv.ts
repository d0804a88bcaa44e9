import { readMaybeCompressed } from './decompress.js';
import { dataError } from './data-error.js';
import type { LabelledData } from './table-data.js';

/**
 * Numeric CSV, label in the last column. scikit-learn's bundled files start with a header
 * `n_samples,n_features,class names...`, which is checked against the rows; a header of column names is
 * skipped; files without a header are read as they are.
 */
export function readLabelledCsv(file: string): LabelledData {
  const lines = readMaybeCompressed(file)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw dataError(file, 'CSV has no data rows');
  let first = 0;
  let classes: string[] | undefined;
  let expected: { n: number; f: number } | undefined;
  const head = lines[0]!.split(',').map((s) => s.trim());
  if (head.some((c) => !isNumber(c))) {
    first = 1;
    if (isNumber(head[0]!) && isNumber(head[1]!)) {
      expected = { n: Number(head[0]), f: Number(head[1]) };
      classes = head.slice(2);
    }
  }
  const rows = lines.slice(first);
  const f = rows[0]!.split(',').length - 1;
  if (f < 1) throw dataError(file, 'CSV rows need at least one feature and a label');
  if (expected && (expected.n !== rows.length || expected.f !== f)) {
    throw dataError(file, `header announces ${expected.n} rows x ${expected.f} features, file has ${rows.length} x ${f}`);
  }
  const x = new Float32Array(rows.length * f);
  const y = new Int32Array(rows.length);
  rows.forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== f + 1) throw dataError(file, `line ${r + first + 1}: ${cells.length} fields, expected ${f + 1}`);
    for (let c = 0; c < f; c++) {
      const v = Number(cells[c]);
      if (!Number.isFinite(v) || cells[c]!.trim() === '')
        throw dataError(file, `line ${r + first + 1}, column ${c + 1}: '${cells[c]}' is not a number`);
      x[r * f + c] = v;
    }
    const label = Number(cells[f]);
    if (!Number.isInteger(label) || label < 0) throw dataError(file, `line ${r + first + 1}: label '${cells[f]}' is not a class index`);
    y[r] = label;
  });
  const maxLabel = y.reduce((a, b) => Math.max(a, b), 0);
  return {
    x,
    y,
    n: rows.length,
    shape: [f],
    classes: classes && classes.length > maxLabel ? classes : Array.from({ length: maxLabel + 1 }, (_, i) => String(i)),
  };
}

function isNumber(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}
