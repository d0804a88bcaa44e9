import { generateDesign } from '../../gen/generate.js';
import { resolveUnitSpec } from '../../gen/unit-spec.js';
import { ErrorAccumulator } from '../../metrics/error-metrics.js';
import { multiplierCodes } from '../../gen/units/pe.js';
import { drumSpec, MULTIPLIER_WIDTH } from './plan.js';

/** One of the paper's DRUM settings K1..K4, with the measured error that placed it. */
export interface DrumSetting {
  name: string;
  k: number;
  /** Mean relative error of the unit over every operand pair (exhaustive). */
  mred: number;
}

/** How many settings the paper names (K1..K4). */
export const SETTING_COUNT = 4;

export const SETTING_RULE =
  'K1..K4 are the four non-exact settings of the multiplier (k = 2 .. width - 1) with the largest mean ' +
  'relative error (MRED over every operand pair), most error first: the most aggressive approximation the ' +
  'unit offers and the next three, each roughly halving the error of the one before';

/** MRED of a registry integer multiplier over every operand pair, from its model (the RTL equals it, exhaustively tested). */
export function exhaustiveMred(spec: string): number {
  const { unit, params } = resolveUnitSpec(spec);
  const d = generateDesign(unit, params);
  const { a: pa, y: py, signed } = d.ports;
  const n = pa.width;
  const codes = multiplierCodes(d);
  const value = (c: number, w: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c);
  const acc = new ErrorAccumulator();
  for (let i = 0; i < codes.length; i++) acc.add(value(i >> n, n) * value(i & (2 ** n - 1), n), value(codes[i]!, py.width));
  return acc.result('exhaustive').mred;
}

let chosen: readonly DrumSetting[] | undefined;

/** The experiment's K1..K4 by SETTING_RULE, measured once per process. */
export function drumSettings(): readonly DrumSetting[] {
  chosen ??= chooseSettings(
    Array.from({ length: MULTIPLIER_WIDTH - 2 }, (_, i) => i + 2).map((k) => ({ k, mred: exhaustiveMred(drumSpec(k)) })),
  );
  return chosen;
}

/** SETTING_RULE on measured errors: the SETTING_COUNT largest, in decreasing order, named K1.. . */
export function chooseSettings(measured: readonly { k: number; mred: number }[]): DrumSetting[] {
  return [...measured]
    .filter((m) => m.mred > 0)
    .sort((x, y) => y.mred - x.mred)
    .slice(0, SETTING_COUNT)
    .map((m, i) => ({ name: `K${i + 1}`, k: m.k, mred: m.mred }));
}
