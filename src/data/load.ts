import { getDataset } from './datasets.js';
import { prepareDataset, type PreparedData } from './prepare.js';
import type { Preprocessing } from './preprocessing.js';

/** A data set by name, split (seeded) and standardised, optionally on seeded subsets. */
export interface DataOptions {
  dataset: string;
  dataPath?: string;
  seed: number;
  limitTrain?: number;
  limitTest?: number;
  preprocessing?: Preprocessing;
}

export function loadData(o: DataOptions): PreparedData {
  return prepareDataset(getDataset(o.dataset), {
    seed: o.seed,
    path: o.dataPath,
    limitTrain: o.limitTrain,
    limitTest: o.limitTest,
    preprocessing: o.preprocessing,
  });
}
