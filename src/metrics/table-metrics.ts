import { valuesAsNumbers, type LutTable } from '../lut/table.js';
import { ErrorAccumulator, type ErrorMetrics } from './error-metrics.js';

/** Exhaustive error metrics of a table against the exact product of its operand values. */
export function tableErrorMetrics(t: LutTable): ErrorMetrics {
  const { aWidth, bWidth, signed } = t.meta;
  const values = valuesAsNumbers(t);
  const rows = 2 ** aWidth;
  const cols = 2 ** bWidth;
  const val = (c: number, w: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c);
  const acc = new ErrorAccumulator();
  for (let r = 0; r < rows; r++) {
    const va = val(r, aWidth);
    for (let c = 0; c < cols; c++) acc.add(va * val(c, bWidth), values[r * cols + c]);
  }
  return acc.result('exhaustive');
}
