import { selectApps, type Budget } from '../axtrain/plan.js';

/** The methods compared at system level (the paper's Figure 9), in order. */
export const SYSTEM_METHODS = ['bp', 'axtrain', 'approxann-bp', 'approxann-axtrain'] as const;
export type SystemMethod = (typeof SYSTEM_METHODS)[number];

/** The settings ApproxAnn places per neuron (the paper's Figure 8: the aggressive ones). */
export const APPROXANN_SETTINGS = ['K1', 'K2'] as const;

/** Applications of --quick. */
export const QUICK_APPS = ['breast-cancer', 'mnist-mlp'];

/** The applications a run covers, in result order: --apps, else --quick's, else all of them. */
export const systemApps = (o: { apps?: string[]; quick?: boolean }) => selectApps(o.apps ?? (o.quick ? QUICK_APPS : undefined));

/** ApproxAnn's retraining per step: epochs of pas on the per-neuron hardware. */
export const retrainEpochs = (b: Budget, image: boolean, quick: boolean): number =>
  image ? 1 : quick ? 3 : Math.max(3, Math.round(b.pasEpochs / 2));

/** The bound: accuracy within this of bp's on exact hardware. */
export const ACCURACY_BOUND = 0.02;
