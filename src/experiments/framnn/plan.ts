import { AxhwError } from '../../errors.js';

/**
 * FramNN's evaluation here. The paper's MNIST / ISOLET / HAR networks are input-512-512-classes MLPs
 * (Table III); MNIST is Fashion-MNIST (the offline MNIST-format set). ISOLET, HAR, CIFAR-10/100 and
 * PASCAL are not available offline; the UCI sets and sklearn's digits stand in for them, with the same
 * 512-512 topology.
 */
export interface FramnnApp {
  name: string;
  dataset: string;
  /** Hidden layer sizes (the output layer has one unit per class). */
  hidden: number[];
}

export const FRAMNN_APPS: readonly FramnnApp[] = [
  { name: 'mnist', dataset: 'fashion-mnist', hidden: [512, 512] },
  { name: 'digits', dataset: 'digits', hidden: [512, 512] },
  { name: 'breast-cancer', dataset: 'breast-cancer', hidden: [512, 512] },
  { name: 'ionosphere', dataset: 'ionosphere', hidden: [512, 512] },
  { name: 'image-seg', dataset: 'image-seg', hidden: [512, 512] },
  { name: 'satimage', dataset: 'satimage', hidden: [512, 512] },
];
export const QUICK_APPS = ['digits'];
export const UNAVAILABLE = 'ISOLET, HAR, CIFAR-10, CIFAR-100 and PASCAL are not available offline; sklearn\'s digits and the UCI sets (breast cancer, ionosphere, image segmentation, satimage) stand in for them, with the paper\'s 512-512 hidden layers.';

/** Significand widths m (hidden bit included) of the accuracy sweep; the binary32 fpmul's full precision is 24. */
export const FULL_M = 24;
export const DEFAULT_MBITS = [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24];
export const QUICK_MBITS = [4, 8, 12, 16, 24];
/** Final levels of the training schedules (Table II uses 16), the deepest level and the step between levels. */
export const DEFAULT_FINALS = [8, 12, 16, 20];
export const QUICK_FINALS = [12, 16];
export const LEVEL_FROM = 4;
export const LEVEL_STEP = 4;

export interface Budget {
  epochs: number;
  batchSize: number;
  learningRate: number;
  limitTrain?: number;
  limitTest?: number;
  /** Hidden sizes (the quick run shrinks them). */
  hidden: number[];
}

/** Full run: the UCI sets whole, Fashion-MNIST on a seeded 20,000-image subset (a 2-core machine); --quick: minutes in all. */
export function budgetFor(app: FramnnApp, quick: boolean): Budget {
  const image = app.dataset === 'fashion-mnist';
  if (quick) return { epochs: 4, batchSize: 64, learningRate: 1e-3, limitTrain: image ? 2000 : undefined, limitTest: image ? 500 : undefined, hidden: [64, 64] };
  return { epochs: image ? 3 : 20, batchSize: 64, learningRate: 1e-3, limitTrain: image ? 20000 : undefined, limitTest: image ? 5000 : undefined, hidden: app.hidden };
}

export function selectApps(names: string[] | undefined, quick: boolean): FramnnApp[] {
  const want = names?.length ? names : quick ? QUICK_APPS : FRAMNN_APPS.map((a) => a.name);
  return want.map((n) => {
    const a = FRAMNN_APPS.find((x) => x.name === n);
    if (!a) throw new AxhwError(`Unknown FramNN application '${n}'.`, `Choose from ${FRAMNN_APPS.map((x) => x.name).join(', ')}.`);
    return a;
  });
}

/** Checks a list of significand widths for the binary32 fpmul. */
export function checkMbits(list: readonly number[], what: string): void {
  for (const m of list) if (!Number.isInteger(m) || m < 1 || m > FULL_M) throw new AxhwError(`${what}: m = ${m} is not a significand width of the binary32 fpmul.`, `Use whole numbers 1..${FULL_M} (hidden bit included).`);
}
