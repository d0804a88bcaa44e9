/**
 * Error metrics of an approximate two-operand unit (docs/methods.md, error metrics), over a set of pairs with
 * exact product P and approximate product P~, e = P~ - P:
 *   ER   share of pairs with e != 0          ME   mean e (bias)
 *   MAE  mean |e| (= MED)                    MRED mean |e| / |P| over P != 0
 *   NMED MAE / max |P|                       WCE  max |e|
 *   WCRE max |e| / |P| over P != 0           MSE  mean e^2
 */
export interface ErrorMetrics {
  pairs: number;
  /** 'exhaustive' when computed over every operand pair, else 'sampled'. */
  coverage: 'exhaustive' | 'sampled';
  er: number;
  me: number;
  mae: number;
  mred: number;
  nmed: number;
  wce: number;
  wcre: number;
  mse: number;
}

export class ErrorAccumulator {
  private n = 0;
  private nonzero = 0;
  private sumE = 0;
  private sumAbs = 0;
  private sumRel = 0;
  private relCount = 0;
  private sumSq = 0;
  private maxAbs = 0;
  private maxRel = 0;
  private maxExact = 0;

  /** Add one pair; exact and approx must be exact integers below 2^53 in magnitude. */
  add(exact: number, approx: number): void {
    const e = approx - exact;
    const ae = Math.abs(e);
    const ap = Math.abs(exact);
    this.n++;
    if (e !== 0) this.nonzero++;
    this.sumE += e;
    this.sumAbs += ae;
    this.sumSq += e * e;
    // Stryker disable next-line EqualityOperator: an equal value leaves the maximum as it is
    if (ae > this.maxAbs) this.maxAbs = ae;
    // Stryker disable next-line EqualityOperator: an equal value leaves the maximum as it is
    if (ap > this.maxExact) this.maxExact = ap;
    if (exact !== 0) {
      const r = ae / ap;
      this.sumRel += r;
      this.relCount++;
      // Stryker disable next-line EqualityOperator: an equal value leaves the maximum as it is
      if (r > this.maxRel) this.maxRel = r;
    }
  }

  result(coverage: ErrorMetrics['coverage']): ErrorMetrics {
    const n = Math.max(1, this.n);
    const mae = this.sumAbs / n;
    return {
      pairs: this.n,
      coverage,
      er: this.nonzero / n,
      me: this.sumE / n,
      mae,
      mred: this.relCount ? this.sumRel / this.relCount : 0,
      nmed: this.maxExact ? mae / this.maxExact : 0,
      wce: this.maxAbs,
      wcre: this.maxRel,
      mse: this.sumSq / n,
    };
  }
}
