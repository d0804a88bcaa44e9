import { AxhwError } from '../../errors.js';
import { mantissaLevels } from '../../train/mantissa-schedule.js';

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
export const UNAVAILABLE =
  "ISOLET, HAR, CIFAR-10, CIFAR-100 and PASCAL are not available offline; sklearn's digits and " +
  'the UCI sets (breast cancer, ionosphere, image segmentation, satimage) stand in for them, with ' +
  "the paper's 512-512 hidden layers.";

/**
 * The fpmul formats a run trains on: binary32 (the default, the paper's), bfloat16 and binary16 (operands
 * and every product rounded to the format). Per format: P, the accuracy sweep, the schedules' final levels,
 * and their levels (from `from` in steps of `step` up to the final level).
 */
export interface FormatPlan {
  preset: 'binary32' | 'bfloat16' | 'binary16';
  P: number;
  mbits: number[];
  quickMbits: number[];
  finals: number[];
  quickFinals: number[];
  levelFrom: number;
  levelStep: number;
}
const range = (lo: number, hi: number, step: number) => Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
export const FORMATS: Readonly<Record<FormatPlan['preset'], FormatPlan>> = {
  binary32: {
    preset: 'binary32',
    P: 24,
    mbits: range(4, 24, 2),
    quickMbits: [4, 8, 12, 16, 24],
    finals: [8, 12, 16, 20],
    quickFinals: [12, 16],
    levelFrom: 4,
    levelStep: 4,
  },
  bfloat16: {
    preset: 'bfloat16',
    P: 8,
    mbits: range(2, 8, 1),
    quickMbits: [2, 4, 6, 8],
    finals: [6, 8],
    quickFinals: [8],
    levelFrom: 4,
    levelStep: 2,
  },
  binary16: {
    preset: 'binary16',
    P: 11,
    mbits: range(3, 11, 1),
    quickMbits: [3, 5, 8, 11],
    finals: [8, 11],
    quickFinals: [11],
    levelFrom: 4,
    levelStep: 2,
  },
};

/** Every level the schedules ending at `finals` use, and the full precision, in order. */
export function scheduleLevelsOf(f: FormatPlan, finals: readonly number[]): number[] {
  return [...new Set([...finals.flatMap((n) => mantissaLevels(f.levelFrom, n, f.levelStep)), f.P])].sort((a, b) => a - b);
}

export function formatPlan(name: string): FormatPlan {
  const f = FORMATS[name as FormatPlan['preset']];
  if (!f) throw new AxhwError(`Unknown fpmul format '${name}'.`, `Use --format ${Object.keys(FORMATS).join(', ')}.`);
  return f;
}

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
  if (quick)
    return {
      epochs: 4,
      batchSize: 64,
      learningRate: 1e-3,
      limitTrain: image ? 2000 : undefined,
      limitTest: image ? 500 : undefined,
      hidden: [64, 64],
    };
  return {
    epochs: image ? 3 : 20,
    batchSize: 64,
    learningRate: 1e-3,
    limitTrain: image ? 20000 : undefined,
    limitTest: image ? 5000 : undefined,
    hidden: app.hidden,
  };
}

export function selectApps(names: string[] | undefined, quick: boolean): FramnnApp[] {
  const want = names?.length ? names : quick ? QUICK_APPS : FRAMNN_APPS.map((a) => a.name);
  return want.map((n) => {
    const a = FRAMNN_APPS.find((x) => x.name === n);
    if (!a) throw new AxhwError(`Unknown FramNN application '${n}'.`, `Choose from ${FRAMNN_APPS.map((x) => x.name).join(', ')}.`);
    return a;
  });
}

/** Checks a list of significand widths for the format's fpmul. */
export function checkMbits(list: readonly number[], what: string, P: number): void {
  for (const m of list)
    if (!Number.isInteger(m) || m < 1 || m > P)
      throw new AxhwError(
        `${what}: m = ${m} is not a significand width of this fpmul (${P} bits).`,
        `Use whole numbers 1..${P} (hidden bit included).`,
      );
}
