import { valuesAsNumbers, type LutTable } from '../lut/table.js';
import { ErrorAccumulator, type ErrorMetrics } from './error-metrics.js';

/** How a table's codes read as numbers, and which pairs count (defaults: integers, every finite pair). */
export interface TableReading {
  /** Operand code -> value (default: the code as an integer, two's complement when the table is signed). */
  operand?: (code: number, width: number) => number;
  /** Table entry -> value (default: the entry itself). */
  result?: (entry: number) => number;
  accepts?: (exact: number, approx: number) => boolean;
}

/** Add every pair of a table to `acc` against the exact product of its operand values; returns the pairs left out. */
export function accumulateTable(t: LutTable, acc: ErrorAccumulator, how: TableReading = {}): number {
  const { aWidth, bWidth, signed } = t.meta;
  const values = valuesAsNumbers(t);
  const rows = 2 ** aWidth;
  const cols = 2 ** bWidth;
  const operand = how.operand ?? ((c: number, w: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c));
  const result = how.result ?? ((v: number) => v);
  const accepts = how.accepts ?? ((exact: number, approx: number) => Number.isFinite(exact) && Number.isFinite(approx));
  let skipped = 0;
  for (let r = 0; r < rows; r++) {
    const va = operand(r, aWidth);
    for (let c = 0; c < cols; c++) {
      const exact = va * operand(c, bWidth);
      const approx = result(values[r * cols + c]);
      if (accepts(exact, approx)) acc.add(exact, approx);
      else skipped++;
    }
  }
  return skipped;
}

/** Exhaustive error metrics of a table against the exact product of its operand values. */
export function tableErrorMetrics(t: LutTable): ErrorMetrics {
  const acc = new ErrorAccumulator();
  accumulateTable(t, acc);
  return acc.result('exhaustive');
}
