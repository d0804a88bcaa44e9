/**
 * The paper's four metrics of an approximate-computing framework on a test set, from each sample's
 * approximation error and the predictor's decision.
 */
export interface InvocationMetrics {
  /** Share of samples whose approximation is within the error bound (safe). */
  trueInvocation: number;
  /** Share of samples the predictor calls safe (these invoke the approximator). */
  predictedInvocation: number;
  /** Share of samples the predictor classifies correctly (safe called safe, unsafe called unsafe). */
  predictionAccuracy: number;
  /** Share of samples both safe and called safe (the paper's wording of its prediction accuracy). */
  safeAndPredictedSafe: number;
  /** Mean per-sample error over the samples called safe (the error the user sees: "overall error"); NaN if none. */
  approximationError: number;
  /** Mean per-sample error over all samples (the approximator alone). */
  meanError: number;
}

export function invocationMetrics(errors: Float64Array, predictedSafe: Uint8Array, bound: number): InvocationMetrics {
  const n = errors.length;
  let [safe, called, correct, both, errCalled, errAll] = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const s = errors[i]! < bound;
    const c = predictedSafe[i] === 1;
    safe += +s;
    called += +c;
    correct += +(s === c);
    both += +(s && c);
    if (c) errCalled += errors[i]!;
    errAll += errors[i]!;
  }
  return {
    trueInvocation: safe / n,
    predictedInvocation: called / n,
    predictionAccuracy: correct / n,
    safeAndPredictedSafe: both / n,
    approximationError: called ? errCalled / called : NaN,
    meanError: errAll / n,
  };
}
