/** A labelled data set as loaded: features row-major (n x features), integer class labels. */
export interface LabelledData {
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** Per-sample feature shape: [f] for tabular data, [h, w, c] for images. */
  shape: number[];
  classes: string[];
}

export function featureCount(d: Pick<LabelledData, 'shape'>): number {
  return d.shape.reduce((a, b) => a * b, 1);
}
