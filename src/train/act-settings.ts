// The settings and the convergence rule alone, apart from the training code: the CLI reads them without loading TensorFlow.js.

/** AxTrain-act's regularisation settings (docs/methods.md, AxTrain). */
export interface ActOptions {
  /** Starting lambda. */
  lambda: number;
  /** Step of the adaptive rule (0 keeps lambda fixed). */
  lambdaStep: number;
  /** Training error (loss E) below which lambda always grows. */
  errorBound: number;
  /** axtrain: act has converged when E and S both change by less than this fraction in an epoch. */
  convergeTol: number;
}
export const DEFAULT_ACT: ActOptions = { lambda: 0.01, lambdaStep: 0.005, errorBound: 0, convergeTol: 0.01 };

/** Both the training error and the sensitivity changed by less than `tol` (relative) in the last act epoch. */
export function actConverged(history: readonly { phase: string; loss: number; sensitivity?: number }[], tol: number): boolean {
  const act = history.filter((h) => h.phase === 'act');
  if (act.length < 2) return false;
  const [a, b] = [act.at(-2)!, act.at(-1)!];
  const rel = (x: number, y: number) => Math.abs(y - x) / Math.max(Math.abs(x), 1e-12);
  return rel(a.loss, b.loss) < tol && rel(a.sensitivity!, b.sensitivity!) < tol;
}
