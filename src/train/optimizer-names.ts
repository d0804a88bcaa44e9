// The names alone, apart from TensorFlow.js: the CLI's help lists them without loading it.

/** The optimisers training offers: Adam (the default), and plain SGD, whose step is -lr * gradient exactly. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
