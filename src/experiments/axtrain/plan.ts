import { AxhwError } from '../../errors.js';
import { formatUnitSpec } from '../../gen/unit-spec.js';

/**
 * The AxTrain paper's evaluation (Table 1): six applications, each with an aggressive and a conservative
 * NTV supply voltage. MNIST is Fashion-MNIST here (the offline MNIST-format set, docs/methods.md, data sets).
 */
export interface AxtrainApp {
  name: string;
  dataset: string;
  model: string;
  /** [aggressive, conservative] SRAM supply voltage in mV. */
  voltages: [number, number];
}

export const AXTRAIN_APPS: readonly AxtrainApp[] = [
  { name: 'breast-cancer', dataset: 'breast-cancer', model: 'breast-cancer', voltages: [400, 660] },
  { name: 'image-seg', dataset: 'image-seg', model: 'image-seg', voltages: [660, 850] },
  { name: 'ionosphere', dataset: 'ionosphere', model: 'ionosphere', voltages: [660, 850] },
  { name: 'satimage', dataset: 'satimage', model: 'satimage', voltages: [660, 850] },
  { name: 'mnist-mlp', dataset: 'fashion-mnist', model: 'mnist-mlp', voltages: [660, 850] },
  { name: 'mnist-cnn', dataset: 'fashion-mnist', model: 'mnist-cnn', voltages: [660, 850] },
];

/**
 * The experiment's multipliers: operands as sign + 8-bit magnitude around the unsigned DRUM core (the PE, the
 * tables and the integer reference all apply the sign around it), so every k from 2 up is legal; the
 * signed unit needs k >= 3, where bp networks lose too little to leave AxTrain any headroom. The paper
 * names four DRUM settings K1 (most aggressive) .. K4 without their k: settings.ts chooses them from
 * measured error. The exact reference is exact-mul in the same operand form.
 */
export const MULTIPLIER_WIDTH = 8;
export const drumSpec = (k: number) => formatUnitSpec('drum', { width: MULTIPLIER_WIDTH, k });
export const EXACT_SPEC = formatUnitSpec('exact-mul', { width: MULTIPLIER_WIDTH });
/** The operand form in words, for reports. */
export const OPERAND_FORM = `sign + ${MULTIPLIER_WIDTH}-bit magnitude around the unsigned ${MULTIPLIER_WIDTH}-bit multiplier`;

/** Per-application training budget: epochs of bp and of act, epochs of pas fine-tuning, data limits. */
export interface Budget {
  epochs: number;
  pasEpochs: number;
  batchSize: number;
  learningRate: number;
  limitTrain?: number;
  limitTest?: number;
  draws: number;
}

/**
 * Full run: the UCI sets whole, the image sets on seeded subsets sized for a 2-core machine (stated in
 * the report). --quick: a few epochs and small subsets, minutes in all, for tests and the demo.
 */
export function budgetFor(app: AxtrainApp, quick: boolean, draws?: number): Budget {
  const image = app.dataset === 'fashion-mnist';
  const cnn = app.model === 'mnist-cnn';
  if (quick)
    return {
      epochs: image ? 2 : 20,
      pasEpochs: image ? 1 : 5,
      batchSize: 32,
      learningRate: 2e-3,
      limitTrain: image ? (cnn ? 600 : 2000) : undefined,
      limitTest: image ? (cnn ? 200 : 500) : undefined,
      draws: draws ?? 5,
    };
  return {
    epochs: image ? (cnn ? 4 : 8) : 40,
    pasEpochs: image ? 2 : 10,
    batchSize: 32,
    learningRate: 1e-3,
    limitTrain: image ? (cnn ? 10000 : 20000) : undefined,
    limitTest: image ? 2000 : undefined,
    draws: draws ?? 50,
  };
}

export function selectApps(names: string[] | undefined): AxtrainApp[] {
  if (!names?.length) return [...AXTRAIN_APPS];
  return names.map((n) => {
    const a = AXTRAIN_APPS.find((x) => x.name === n);
    if (!a) throw new AxhwError(`Unknown AxTrain application '${n}'.`, `Choose from ${AXTRAIN_APPS.map((x) => x.name).join(', ')}.`);
    return a;
  });
}
