import { actConverged } from './act-settings.js';

/**
 * Training methods as strategies: each says which phase every epoch runs, from the history so far.
 * - `bp`: exact float32 back-propagation.
 * - `pas` (alias `axtrain-pas`): the forward pass runs on the hardware (RTL table products and/or NTV
 *   flips, fresh flips every batch), backward by the straight-through estimator (AxTrain-pas; FramNN's
 *   approximate forward pass).
 * - `axtrain-act`: exact forward, loss E + lambda * S with S the output sensitivity (sensitivity.ts),
 *   its gradient by double back-propagation, lambda adapted once per epoch (act.ts).
 * - `axtrain`: axtrain-act until the training error and S converge (or `epochs` run out), then
 *   `pasEpochs` epochs of pas on the hardware.
 * A new method is one entry here (and, for a new kind of epoch, one phase in trainer.ts).
 */
export type Phase = 'bp' | 'act' | 'pas';

export interface MethodContext {
  epochs: number;
  pasEpochs: number;
  convergeTol: number;
}

export interface TrainingMethod {
  /** Whether it trains on the hardware (needs a multiplier and/or an NTV rate). */
  usesHardware: boolean;
  /** Epochs of pas after the main phase (axtrain), given --pas-epochs (or not). */
  pasEpochs(epochs: number, requested?: number): number;
  /** The phase of the next epoch, or undefined to stop. */
  next(history: readonly { phase: Phase; loss: number; sensitivity?: number }[], c: MethodContext): Phase | undefined;
}

const single = (phase: Phase, usesHardware: boolean): TrainingMethod => ({
  usesHardware,
  pasEpochs: () => 0,
  next: (h, c) => (h.length < c.epochs ? phase : undefined),
});

const axtrain: TrainingMethod = {
  usesHardware: true,
  pasEpochs: (epochs, requested) => requested ?? Math.max(1, Math.round(epochs / 4)),
  next(h, c) {
    const act = h.filter((r) => r.phase === 'act').length;
    const pas = h.length - act;
    if (pas === 0 && act < c.epochs && !actConverged(h, c.convergeTol)) return 'act';
    return pas < c.pasEpochs ? 'pas' : undefined;
  },
};

/** Every method by its --method name, in the order the help lists them. */
export const TRAINING_METHODS = {
  bp: single('bp', false),
  'axtrain-act': single('act', false),
  'axtrain-pas': single('pas', true),
  axtrain,
  pas: single('pas', true),
} as const satisfies Record<string, TrainingMethod>;

export type Method = keyof typeof TRAINING_METHODS;
export const METHODS = Object.keys(TRAINING_METHODS) as Method[];

/** Methods whose training runs on the hardware (need a multiplier and/or an NTV rate). */
export function usesHardware(m: Method): boolean {
  return TRAINING_METHODS[m].usesHardware;
}
