/** Budgets of the AXNet experiment: the full run and --quick (tests, the demo). */
export interface AxnetBudget {
  train: number;
  test: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Iterative training's rounds. */
  rounds: number;
  /** Training seeds per configuration (--seed, --seed + 1, ...); metrics are their means. */
  seeds: number;
  /** Figure 9: the baselines' hidden widths swept on `sweepFunction`. */
  sweepWidths: number[];
  sweepFunction: string;
  /** Figure 10c: functions where all-layer and one-layer fusion are compared. */
  fusionFunctions: string[];
  /** Registry multipliers the hardware runs use, and the functions they run on. */
  multipliers: string[];
  hardwareFunctions: string[] | 'all';
  /** AXNet and onepass on the NPU RTL (with the Hadamard step): functions, multiplier, PEs, samples of the gate-level energy run (0:
   * none). */
  npu: { functions: string[] | 'all'; multiplier: string; P: number; costSamples: number };
}

export const FULL: AxnetBudget = {
  train: 10_000,
  test: 5_000,
  epochs: 30,
  batchSize: 32,
  learningRate: 0.005,
  rounds: 3,
  seeds: 3,
  sweepWidths: [4, 8, 16, 32],
  sweepFunction: 'jpeg',
  fusionFunctions: ['jpeg', 'sobel'],
  multipliers: ['exact-mul:width=8,signed', 'drum:width=8,k=6,signed', 'drum:width=8,k=4,signed', 'drum:width=8,k=3,signed'],
  hardwareFunctions: ['bessel', 'jpeg', 'sobel'],
  npu: { functions: 'all', multiplier: 'drum:width=8,k=4,signed', P: 8, costSamples: 16 },
};

export const QUICK: AxnetBudget = {
  train: 2_000,
  test: 1_000,
  epochs: 5,
  batchSize: 32,
  learningRate: 0.005,
  rounds: 3,
  seeds: 1,
  sweepWidths: [4, 8],
  sweepFunction: 'jpeg',
  fusionFunctions: ['jpeg', 'sobel'],
  multipliers: ['drum:width=8,k=6,signed', 'drum:width=8,k=3,signed'],
  hardwareFunctions: ['bessel', 'sobel'],
  npu: { functions: ['sobel'], multiplier: 'drum:width=8,k=4,signed', P: 4, costSamples: 0 },
};

/** The paper's reported figures, for the comparison in the report. */
export const PAPER = {
  vsOnepass: '+50.7% true invocation on average over the seven functions',
  vsIterative: '+30.8% true invocation on average',
  trainingTime: '74% less training time than iterative on average (90% on jpeg, 50% on fft)',
  params: 'jpeg: about 60% fewer parameters at equal invocation (1,284 vs 3,216 at 60% true invocation)',
  fusion: 'all, 1st and 2nd layer fusion give similar invocation on jpeg and sobel',
};
